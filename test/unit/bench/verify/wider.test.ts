import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreDetections } from '../../../../bench/verify/wider.ts';

const box = (x: number, y: number, w: number, h: number) => ({ x, y, w, h });

test('scoreDetections: one detection per face, best overlap first; small and invalid faces not counted', () => {
  const gt = [
    { box: box(0, 0, 40, 40), invalid: false },
    { box: box(30, 0, 40, 40), invalid: false },
    { box: box(200, 0, 10, 10), invalid: false }, // under minSize
    { box: box(300, 0, 40, 40), invalid: true },
  ];
  const detected = [
    box(28, 0, 40, 40), // face 1: 38/42 columns; face 0: 12/68, under 0.5
    box(2, 0, 40, 40), // face 0: 38/42; face 1: 12/68
    box(201, 0, 10, 10), // the small face: a true positive, not a match
    box(500, 0, 40, 40), // nothing
  ];
  assert.deepEqual(scoreDetections(gt, detected, 20), {
    groundTruth: 2,
    matched: 2,
    detections: 4,
    truePositives: 3,
  });
  // Two detections on one face: one match, both true positives.
  assert.deepEqual(scoreDetections(gt.slice(0, 1), [box(1, 0, 40, 40), box(0, 1, 40, 40)], 20), {
    groundTruth: 1,
    matched: 1,
    detections: 2,
    truePositives: 2,
  });
});
