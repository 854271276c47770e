// Faces down to ~32 px (the recall bar of `kith bench speed`/`peers`) must be found in 12-megapixel
// photos. The working image is a third of the photo (ml/image/decode.ts, CHEAP_DIVISORS), so such a
// face is ~11 px there, at the limit of the detectors' fine passes; faces of 20–30 px, which the
// half-size decode found, are given up for a decode and detection about twice as fast.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { iou } from '../../ml/geometry/box.ts';
import { createPipeline } from '../../ml/pipeline.ts';
import { needShared, sharedDataDir, sharedModelsDir } from '../helpers/shared.ts';

/**
 * A 4000×3000 grey photo with two real faces pasted, a ~34 px one (~41 px high) at `smallAt` and
 * one of `largeSize` × 0.4 px; returns their boxes.
 */
async function twelveMegapixelPhoto(dir: string, largeSize: number, smallAt: readonly [number, number]) {
  const face = join(sharedDataDir, 'lfw-dev/Aaron_Sorkin/Aaron_Sorkin_0001.jpg');
  // The LFW face occupies roughly the central 100×120 px of the 250×250 image.
  const S = 84;
  const small = await sharp(face).resize(S, S).toBuffer(); // face ≈ 34 px wide
  const large = await sharp(face).resize(largeSize, largeSize).toBuffer();
  const file = join(dir, 'big.jpg');
  const [sx, sy] = smallAt;
  await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#7a8a7a' } })
    .composite([
      { input: small, left: sx, top: sy },
      { input: large, left: 600, top: 500 },
    ])
    .jpeg({ quality: 92 })
    .toFile(file);
  return {
    file,
    small: { x: sx + S * 0.3, y: sy + S * 0.28, w: S * 0.4, h: S * 0.48 },
    large: { x: 600 + largeSize * 0.3, y: 500 + largeSize * 0.28, w: largeSize * 0.4, h: largeSize * 0.48 },
  };
}

// RFB tiles the whole photo. YuNet looks closer only where the coarse pass suggests small faces
// (ml/detect/refine.ts): here a ~120 px face, small at the coarse scale, with the tiny one in
// its row, as in a group photo. (A tiny face alone beside a big one is no longer searched for.)
const cases = [
  { pipeline: 'faceplugin', largeSize: 500, smallAt: [3100, 2200] as const },
  { pipeline: 'yunet-landmarks-faceplugin', largeSize: 300, smallAt: [1900, 600] as const },
];
for (const { pipeline, largeSize, smallAt } of cases) {
  test(`${pipeline}: finds a ~34 px face and a ${largeSize * 0.4} px face in a 12 MP photo`, {
    skip: needShared,
    timeout: 60_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kith-small-'));
    const p = await createPipeline({ pipeline, modelsDir: sharedModelsDir });
    try {
      const photo = await twelveMegapixelPhoto(dir, largeSize, smallAt);
      const a = await p.analyzeFile(photo.file);
      assert.equal(a.width, 4000);
      assert.equal(a.height, 3000);
      for (const [name, truth] of Object.entries({ small: photo.small, large: photo.large })) {
        const best = Math.max(0, ...a.faces.map((f) => iou(f.box, truth)));
        assert.ok(
          best >= 0.3,
          `${name} face not found (best IoU ${best.toFixed(2)}); found ${JSON.stringify(a.faces.map((f) => f.box))}`,
        );
      }
      assert.ok(a.faces.length <= 3, `unexpected extra faces: ${a.faces.length}`);
    } finally {
      await p.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}
