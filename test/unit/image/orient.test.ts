// The hand-applied EXIF orientation must match libvips' own autoOrient for all eight values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { applyOrientation, orientedSize } from '../../../ml/image/orient.ts';

// An asymmetric 3×2 image: every pixel distinct, so any wrong turn or mirror shows.
const W = 3;
const H = 2;
const pixels = Buffer.from(Array.from({ length: W * H * 3 }, (_, i) => (i * 37) % 256));

describe('applyOrientation', () => {
  for (let orientation = 1; orientation <= 8; orientation++) {
    it(`orientation ${orientation} equals sharp's autoOrient of a tagged image`, async () => {
      const raw = { raw: { width: W, height: H, channels: 3 } } as const;
      const tagged = await sharp(pixels, raw).png().withMetadata({ orientation }).toBuffer();
      const expected = await sharp(tagged, { autoOrient: true }).raw().toBuffer({ resolveWithObject: true });
      const actual = await applyOrientation(sharp(pixels, raw), orientation)
        .raw()
        .toBuffer({ resolveWithObject: true });
      assert.deepEqual([actual.info.width, actual.info.height], [expected.info.width, expected.info.height]);
      assert.deepEqual([...actual.data], [...expected.data]);
      assert.deepEqual(orientedSize(W, H, orientation), [expected.info.width, expected.info.height]);
    });
  }
});
