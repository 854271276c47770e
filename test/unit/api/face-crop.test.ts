// Face thumbnails are tight and centred on the face meant (issue 15, item 1): the geometry, and the
// tiles the media service renders from a photo with three faces side by side.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { FACE_MARGIN, faceCrop, tileLayout } from '../../../electron/core/service/face-crop.ts';
import { type ApiFixture, buildApiFixture, PHOTOS } from './fixtures.ts';

describe('face crop geometry', () => {
  test('a square a modest margin wider than the box, centred on it', () => {
    const c = faceCrop({ x: 100, y: 50, w: 40, h: 60 }, 400, 300);
    assert.equal(c.side, Math.round(60 * FACE_MARGIN));
    assert.equal(c.left + c.side / 2, 120);
    assert.equal(c.top + c.side / 2, 80);
    assert.deepEqual(c.inside, { left: c.left, top: c.top, width: c.side, height: c.side });
  });

  test('near an edge the square stays centred and reaches past the photo', () => {
    const c = faceCrop({ x: 0, y: 90, w: 10, h: 10 }, 100, 100);
    assert.deepEqual(c, {
      left: -1,
      top: 89,
      side: 13,
      inside: { left: 0, top: 89, width: 12, height: 11 },
    });
    const t = tileLayout(c, 130);
    assert.deepEqual(t, { left: 10, top: 0, width: 120, height: 110, right: 0, bottom: 20 });
    assert.equal(t.left + t.width + t.right, 130);
    assert.equal(t.top + t.height + t.bottom, 130);
  });

  test('a box larger than the photo still gives a tile that adds up', () => {
    const c = faceCrop({ x: -5, y: -5, w: 60, h: 60 }, 50, 40);
    const t = tileLayout(c, 96);
    assert.equal(t.left + t.width + t.right, 96);
    assert.equal(t.top + t.height + t.bottom, 96);
    assert.ok(t.width >= 1 && t.height >= 1);
  });
});

describe('rendered face tiles', () => {
  let fx: ApiFixture;
  /** Photo 4 shows three faces side by side (slots at x = 10, 110, 210; 80 × 100 at y = 40). */
  const photo = PHOTOS.findIndex((ids) => ids.length === 3);
  const colours = [
    { r: 230, g: 30, b: 30 },
    { r: 30, g: 200, b: 30 },
    { r: 30, g: 30, b: 230 },
  ];

  before(async () => {
    fx = await buildApiFixture();
    // Paint each face's box its own colour on a grey photo, so a tile shows whose face it holds.
    const boxes = PHOTOS[photo]!.map((_, slot) => ({
      left: 10 + slot * 100,
      top: 40,
      width: 80,
      height: 100,
    }));
    const base = sharp({
      create: { width: 320, height: 200, channels: 3, background: { r: 128, g: 128, b: 128 } },
    });
    const layers = await Promise.all(
      boxes.map(async (b, i) => ({
        input: await sharp({
          create: { width: b.width, height: b.height, channels: 3, background: colours[i]! },
        })
          .png()
          .toBuffer(),
        left: b.left,
        top: b.top,
      })),
    );
    await base.composite(layers).jpeg({ quality: 95 }).toFile(`${fx.photosDir}/photo-${photo}.jpg`);
  });
  after(() => fx.close());

  /** The tile of the face in `slot`: which columns of its middle row show that face's colour. */
  async function row(slot: number, size: number): Promise<boolean[]> {
    const id = PHOTOS[photo]![slot]!;
    const faceId = fx.faces[id]![PHOTOS.slice(0, photo).filter((ids) => ids.includes(id)).length]!;
    const { body } = await fx.service.media.face(faceId, size);
    const { data, info } = await sharp(body).raw().toBuffer({ resolveWithObject: true });
    assert.equal(info.width, size);
    assert.equal(info.height, size);
    const y = Math.round(size / 2);
    const c = colours[slot]!;
    return Array.from({ length: size }, (_, x) => {
      const o = (y * size + x) * info.channels;
      return (
        Math.abs(data[o]! - c.r) < 60 &&
        Math.abs(data[o + 1]! - c.g) < 60 &&
        Math.abs(data[o + 2]! - c.b) < 60
      );
    });
  }

  for (const size of [96, 256]) {
    test(`the middle face fills the tile's middle, neighbours barely show (${size} px)`, async () => {
      const on = await row(1, size);
      // The face (80 × 100) spans 80 of the square's 130 px: from 19% to 81% of the tile.
      for (const f of [0.22, 0.5, 0.78]) assert.ok(on[Math.round(size * f)], `face colour at ${f * 100}%`);
      const share = on.filter(Boolean).length / size;
      assert.ok(share > 0.55, `the face is ${Math.round(share * 100)}% of the tile's width`);
    });

    test(`a face at the photo's edge stays centred (${size} px)`, async () => {
      const on = await row(0, size);
      const xs = on.flatMap((v, x) => (v ? [x] : []));
      const centre = xs.reduce((a, b) => a + b, 0) / xs.length / size;
      assert.ok(Math.abs(centre - 0.5) < 0.05, `the face's centre is at ${Math.round(centre * 100)}%`);
    });
  }
});
