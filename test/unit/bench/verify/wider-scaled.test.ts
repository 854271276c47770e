// Phone-size copies of WIDER-layout sets: copy size, ground-truth scaling and the text layout
// round trip, against hand-computed values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatWiderGroundTruth,
  parseWiderGroundTruth,
  scaleGroundTruth,
} from '../../../../bench/verify/wider.ts';
import { scaledSize } from '../../../../bench/verify/wider-scaled.ts';

test('scaledSize puts the long side at N and keeps the aspect', () => {
  assert.deepEqual(scaledSize(1024, 768, 4032), [4032, 3024]);
  assert.deepEqual(scaledSize(683, 1024, 4032), [2689, 4032]); // 683 × 3.9375 = 2689.3
  assert.deepEqual(scaledSize(4000, 3000, 1000), [1000, 750]);
});

test('scaleGroundTruth scales boxes per axis and keeps invalid marks', () => {
  const faces = [
    { box: { x: 10, y: 20, w: 30, h: 40 }, invalid: false },
    { box: { x: 0, y: 5, w: 8, h: 9 }, invalid: true },
  ];
  assert.deepEqual(scaleGroundTruth(faces, 2, 0.5), [
    { box: { x: 20, y: 10, w: 60, h: 20 }, invalid: false },
    { box: { x: 0, y: 2.5, w: 16, h: 4.5 }, invalid: true },
  ]);
});

test('formatWiderGroundTruth writes what parseWiderGroundTruth reads, photos without faces included', () => {
  const gt = new Map([
    ['1--A/a.jpg', [{ box: { x: 1.5, y: 2, w: 30, h: 40 }, invalid: true }]],
    ['1--A/empty.jpg', []],
    ['2--B/b.jpg', [{ box: { x: 3, y: 4, w: 5, h: 6 }, invalid: false }]],
  ]);
  const text = formatWiderGroundTruth(gt);
  assert.equal(
    text,
    '1--A/a.jpg\n1\n1.5 2 30 40 0 0 0 1 0 0\n1--A/empty.jpg\n0\n0 0 0 0 0 0 0 0 0 0\n2--B/b.jpg\n1\n3 4 5 6 0 0 0 0 0 0\n',
  );
  assert.deepEqual(parseWiderGroundTruth(text), gt);
});
