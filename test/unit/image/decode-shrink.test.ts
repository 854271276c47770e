// Shrink-on-load to a working size: only the decoder's free factors (1/2, 1/4, 1/8), capped by maxSide.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodeImageBuffer, targetSide } from '../../../ml/image/decode.ts';

test('targetSide picks the smallest cheap size (1/3, 1/5, 1/9) that keeps the long side ≥ shrinkTo', () => {
  assert.equal(targetSide(4032, { shrinkTo: 1280 }), 1344); // 1/3; 1/5 would be 806
  assert.equal(targetSide(4032, { shrinkTo: 1400 }), undefined); // 1/3 is too small: full size
  assert.equal(targetSide(6000, { shrinkTo: 1200 }), 1200); // 1/5
  assert.equal(targetSide(12000, { shrinkTo: 1280 }), 1333); // 1/9
  assert.equal(targetSide(4031, { shrinkTo: 1280 }), 1343); // rounded down, so the 1/3 is not missed
  assert.equal(targetSide(2000, { shrinkTo: 1280 }), undefined); // 666 < 1280: full size
  assert.equal(targetSide(2000, { shrinkTo: 1280, maxSide: 3072 }), 2000);
  assert.equal(targetSide(4032, { shrinkTo: 1280, maxSide: 1000 }), 1000);
  assert.equal(targetSide(4032, { maxSide: 3072 }), 3072);
  assert.equal(targetSide(4032, {}), undefined);
});

test('a 4032×3024 JPEG decoded with shrinkTo 1280 is 1344×1008, scale 1/3', async () => {
  const jpeg = await sharp({ create: { width: 4032, height: 3024, channels: 3, background: '#808080' } })
    .jpeg({ quality: 90 })
    .toBuffer();
  const img = await decodeImageBuffer(jpeg, { shrinkTo: 1280, maxSide: 3072 });
  assert.deepEqual([img.width, img.height, img.scale], [1344, 1008, 1 / 3]);
  assert.deepEqual([img.originalWidth, img.originalHeight], [4032, 3024]);
});
