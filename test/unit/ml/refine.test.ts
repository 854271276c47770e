// Where the fine (small-face) pass looks, against hand-computed regions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Candidate } from '../../../ml/detect/nms.ts';
import { refineHints, refineRegions, refineScale } from '../../../ml/detect/refine.ts';

const cand = (x: number, y: number, w: number, h: number, score = 0.9): Candidate => ({
  box: { x, y, w, h },
  score,
  points: null,
});

test('refineHints: faces under smallFace network pixels at the coarse scale, weak candidates too', () => {
  // Coarse scale 0.25: 32 network px = 128 image px.
  const big = cand(0, 0, 200, 240);
  const small = cand(500, 100, 100, 120);
  const weak = cand(900, 100, 40, 50, 0.4);
  const weakBig = cand(900, 500, 300, 300, 0.4);
  assert.deepEqual(refineHints([big, small], [weak, weakBig], 0.25, 32), [small.box, weak.box]);
  assert.deepEqual(refineHints([big], [], 0.25, 32), []);
});

test('refineRegions: a band around each hint, clipped to the image', () => {
  // A 20 px face centred at (1000, 500): 24 heights wide (480), 6 heights tall (120).
  const regions = refineRegions(2000, 1500, [{ x: 990, y: 490, w: 20, h: 20 }], true);
  assert.deepEqual(regions, [{ x: 760, y: 440, w: 480, h: 120 }]);
  // Near the top-left corner: clipped at 0.
  assert.deepEqual(refineRegions(2000, 1500, [{ x: 0, y: 0, w: 20, h: 20 }], true), [
    { x: 0, y: 0, w: 250, h: 70 },
  ]);
});

test('refineRegions: overlapping bands merge into their bounding box, separate ones stay', () => {
  const regions = refineRegions(
    4000,
    3000,
    [
      { x: 990, y: 490, w: 20, h: 20 }, // → 760..1240 × 440..560
      { x: 1190, y: 500, w: 20, h: 20 }, // → 960..1440 × 450..570 (overlaps the first)
      { x: 3000, y: 2500, w: 10, h: 10 }, // → 2885..3125 × 2475..2535
    ],
    true,
  );
  assert.deepEqual(regions, [
    { x: 760, y: 440, w: 680, h: 130 },
    { x: 2885, y: 2475, w: 240, h: 60 },
  ]);
});

test('refineRegions: no hint and no coarse face → the whole image; coarse faces but no hint → nothing', () => {
  assert.deepEqual(refineRegions(4000, 3000, [], false), [{ x: 0, y: 0, w: 4000, h: 3000 }]);
  assert.deepEqual(refineRegions(4000, 3000, [], true), []);
});

test('refineScale: the small-face scale, at least 1.6× the coarse one, none without gain', () => {
  assert.equal(refineScale(0.16, 0.6), 0.6); // 12-MP photo, 20 px faces
  assert.equal(refineScale(0.625, undefined), 1); // 1024-px photo: 1.6 × 0.625 = 1
  assert.equal(refineScale(0.5, undefined), 0.8);
  assert.equal(refineScale(1, undefined), undefined); // a 640-px photo: nothing larger to look at
  assert.equal(refineScale(0.9, undefined), undefined); // 1.0 is only 1.11× the coarse scale
});
