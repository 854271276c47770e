// Faces down to ~20 px must be found in 12-megapixel photos (multi-scale / tiling).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { iou } from '../../ml/geometry/box.ts';
import { createPipeline } from '../../ml/pipeline.ts';
import { needShared, sharedDataDir, sharedModelsDir } from '../helpers/shared.ts';

/** A 4000×3000 grey photo with two real faces pasted at ~26 px and ~200 px; returns their boxes. */
async function twelveMegapixelPhoto(dir: string) {
  const face = join(sharedDataDir, 'lfw-dev/Aaron_Sorkin/Aaron_Sorkin_0001.jpg');
  // The LFW face occupies roughly the central 100×120 px of the 250×250 image.
  const small = await sharp(face).resize(64, 64).toBuffer(); // face ≈ 26 px wide
  const large = await sharp(face).resize(500, 500).toBuffer(); // face ≈ 200 px wide
  const file = join(dir, 'big.jpg');
  await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#7a8a7a' } })
    .composite([
      { input: small, left: 3100, top: 2200 },
      { input: large, left: 600, top: 500 },
    ])
    .jpeg({ quality: 92 })
    .toFile(file);
  return {
    file,
    small: { x: 3100 + 64 * 0.3, y: 2200 + 64 * 0.28, w: 64 * 0.4, h: 64 * 0.48 },
    large: { x: 600 + 500 * 0.3, y: 500 + 500 * 0.28, w: 500 * 0.4, h: 500 * 0.48 },
  };
}

for (const pipeline of ['faceplugin', 'yunet-landmarks-faceplugin']) {
  test(`${pipeline}: finds a ~26 px face and a 200 px face in a 12 MP photo`, {
    skip: needShared,
    timeout: 60_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kith-small-'));
    const p = await createPipeline({ pipeline, modelsDir: sharedModelsDir });
    try {
      const photo = await twelveMegapixelPhoto(dir);
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
