import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dequantizeInt8, quantizeInt8, squaredL2Int8 } from '../../../ml/embed/quantize.ts';
import { l2Normalize, squaredL2 } from '../../../ml/embed/vector.ts';
import { fivePointsFrom68, landmarkCrop, landmarksToImage } from '../../../ml/landmarks/landmarks68.ts';
import { faceQuality, frontalScore, laplacianVariance } from '../../../ml/quality.ts';

function randomUnit(dim: number, seed: number): Float32Array {
  let s = seed;
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    v[i] = s / 2147483648 - 0.5;
  }
  return l2Normalize(v);
}

test('int8 quantisation is 1 byte per dimension and keeps squared distances within 2%', () => {
  let worst = 0;
  for (let k = 0; k < 50; k++) {
    const a = randomUnit(128, 2 * k + 1);
    const b = randomUnit(128, 2 * k + 2);
    const qa = quantizeInt8(a);
    assert.equal(qa.byteLength, 128);
    const exact = squaredL2(a, b);
    worst = Math.max(worst, Math.abs(squaredL2Int8(qa, quantizeInt8(b)) - exact) / exact);
  }
  assert.ok(worst < 0.02, `worst relative distance error ${worst}`);
});

test('dequantizeInt8 inverts quantizeInt8 to within half a step, and clamps', () => {
  const v = Float32Array.from([1, -1, 0.5, -0.25, 0]);
  const back = dequantizeInt8(quantizeInt8(v));
  for (let i = 0; i < v.length; i++) assert.ok(Math.abs(back[i]! - v[i]!) <= 0.5 / 127 + 1e-7);
  assert.deepEqual([...quantizeInt8(Float32Array.from([2, -2]))], [127, -127]);
});

test('l2Normalize makes unit vectors and leaves zero alone', () => {
  const v = l2Normalize(Float32Array.from([3, 4]));
  assert.ok(Math.abs(v[0]! - 0.6) < 1e-7 && Math.abs(v[1]! - 0.8) < 1e-7);
  assert.deepEqual([...l2Normalize(new Float32Array(3))], [0, 0, 0]);
});

test('fivePointsFrom68 averages the eye contours and takes nose tip and mouth corners', () => {
  const pts = new Float32Array(136);
  for (let i = 0; i < 68; i++) {
    pts[2 * i] = i;
    pts[2 * i + 1] = 100 + i;
  }
  const five = fivePointsFrom68(pts);
  assert.deepEqual(five[0], [38.5, 138.5]);
  assert.deepEqual(five[1], [44.5, 144.5]);
  assert.deepEqual(five[2], [30, 130]);
  assert.deepEqual(five[3], [48, 148]);
  assert.deepEqual(five[4], [54, 154]);
});

test('landmarkCrop is a square of the expanded long side, centred', () => {
  const c = landmarkCrop({ x: 10, y: 20, w: 40, h: 60 }, 1.2);
  assert.deepEqual(c, { x: -6, y: 14, w: 72, h: 72 });
  const mapped = landmarksToImage(Float32Array.from([0, 0, 0.5, 1]), c);
  assert.deepEqual([...mapped], [-6, 14, 30, 86]);
});

test('frontalScore is 1 for a frontal face and falls as the nose moves to an eye', () => {
  const frontal = [
    [30, 40],
    [70, 40],
    [50, 60],
    [35, 80],
    [65, 80],
  ] as const;
  assert.equal(frontalScore(frontal), 1);
  const turned = [frontal[0], frontal[1], [68, 60], frontal[3], frontal[4]] as const;
  assert.ok(frontalScore(turned) < 0.2);
});

test('laplacianVariance is 0 on flat images and high on edges; quality takes the weakest signal', () => {
  const flat = new Uint8Array(16 * 16 * 3).fill(120);
  assert.equal(laplacianVariance(flat, 16, 16), 0);
  const stripes = new Uint8Array(16 * 16 * 3);
  for (let i = 0; i < 256; i++) stripes.fill(i % 2 ? 255 : 0, 3 * i, 3 * i + 3);
  assert.ok(laplacianVariance(stripes, 16, 16) > 1000);
  const q = faceQuality(0.99, 200, 500, 0.1);
  assert.ok(Math.abs(q.overall - 0.2) < 1e-9);
});
