// Shrink-on-load to a working size: only the decoder's free factors (1/2, 1/4, 1/8), capped by maxSide.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodeImageBuffer, targetSide } from '../../../ml/image/decode.ts';

test('targetSide picks the largest free factor that keeps the long side ≥ shrinkTo', () => {
  assert.equal(targetSide(4032, { shrinkTo: 1400 }), 2016); // 1/2; 1/4 would be 1008
  assert.equal(targetSide(6000, { shrinkTo: 1400 }), 1500); // 1/4
  assert.equal(targetSide(12000, { shrinkTo: 1400 }), 1500); // 1/8
  assert.equal(targetSide(4031, { shrinkTo: 1400 }), 2015); // rounded down, so the 1/2 is not missed
  assert.equal(targetSide(2000, { shrinkTo: 1400 }), undefined); // 1000 < 1400: full size
  assert.equal(targetSide(2000, { shrinkTo: 1400, maxSide: 3072 }), 2000);
  assert.equal(targetSide(4032, { shrinkTo: 1400, maxSide: 1800 }), 1800);
  assert.equal(targetSide(4032, { maxSide: 3072 }), 3072);
  assert.equal(targetSide(4032, {}), undefined);
});

test('a 4032×3024 JPEG decoded with shrinkTo 1400 is 2016×1512, scale 0.5', async () => {
  const jpeg = await sharp({ create: { width: 4032, height: 3024, channels: 3, background: '#808080' } })
    .jpeg({ quality: 90 })
    .toBuffer();
  const img = await decodeImageBuffer(jpeg, { shrinkTo: 1400, maxSide: 3072 });
  assert.deepEqual([img.width, img.height, img.scale], [2016, 1512, 0.5]);
  assert.deepEqual([img.originalWidth, img.originalHeight], [4032, 3024]);
});
