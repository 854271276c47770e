import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contains, intersection, iou, matchByIou } from '../../../../ml/geometry/box.ts';

const box = (x: number, y: number, w: number, h: number) => ({ x, y, w, h });

describe('box geometry', () => {
  it('intersection: shared area, 0 for boxes that only touch or are apart', () => {
    // [0,10]×[0,10] and [4,14]×[6,16] share [4,10]×[6,10] = 6 × 4.
    assert.equal(intersection(box(0, 0, 10, 10), box(4, 6, 10, 10)), 24);
    assert.equal(intersection(box(4, 6, 10, 10), box(0, 0, 10, 10)), 24);
    assert.equal(intersection(box(0, 0, 10, 10), box(10, 0, 10, 10)), 0);
    assert.equal(intersection(box(0, 0, 10, 10), box(30, 30, 5, 5)), 0);
    // One inside the other: the inner one's area.
    assert.equal(intersection(box(0, 0, 10, 10), box(2, 3, 4, 5)), 20);
  });

  it('iou: hand-computed values, symmetric, 0 for empty boxes', () => {
    assert.equal(iou(box(0, 0, 10, 10), box(0, 0, 10, 10)), 1);
    assert.equal(iou(box(0, 0, 10, 10), box(20, 0, 10, 10)), 0);
    // Half overlap: 50 / (100 + 100 - 50).
    assert.equal(iou(box(0, 0, 10, 10), box(5, 0, 10, 10)), 50 / 150);
    // 24 / (100 + 100 - 24).
    assert.equal(iou(box(0, 0, 10, 10), box(4, 6, 10, 10)), 24 / 176);
    assert.equal(iou(box(4, 6, 10, 10), box(0, 0, 10, 10)), 24 / 176);
    // Nested: 20 / 100.
    assert.equal(iou(box(0, 0, 10, 10), box(2, 3, 4, 5)), 0.2);
    assert.equal(iou(box(0, 0, 0, 0), box(0, 0, 0, 0)), 0);
    // Normalised (XMP) boxes: [0.1,0.5]² and [0.3,0.7]² share 0.2², union 0.16 + 0.16 - 0.04.
    assert.ok(Math.abs(iou(box(0.1, 0.1, 0.4, 0.4), box(0.3, 0.3, 0.4, 0.4)) - 0.04 / 0.28) < 1e-12);
  });

  it('contains: the fraction of the inner box inside the outer one, at the bound included', () => {
    // 7 of the inner 10×10 box's 10 columns lie in the outer box: 70%.
    assert.equal(contains(box(0, 0, 10, 10), box(3, 0, 10, 10), 0.7), true);
    assert.equal(contains(box(0, 0, 10, 10), box(3, 0, 10, 10), 0.71), false);
    assert.equal(contains(box(0, 0, 100, 100), box(10, 10, 5, 5), 1), true);
    // An empty box is inside nothing.
    assert.equal(contains(box(0, 0, 10, 10), box(5, 5, 0, 0), 0), false);
  });

  it('matchByIou: one to one, best pairs first, nothing under the bound', () => {
    const a = [box(0, 0, 10, 10), box(100, 0, 10, 10), box(200, 0, 10, 10)];
    const b = [
      box(101, 0, 10, 10), // a1: 90 / 110
      box(1, 0, 10, 10), // a0: 90 / 110
      box(3, 0, 10, 10), // a0: 70 / 130, and a0 is taken
      box(206, 0, 10, 10), // a2: 40 / 160 = 0.25, under 0.3
    ];
    assert.deepEqual(matchByIou(a, b, 0.3), [
      [0, 1],
      [1, 0],
    ]);
    assert.deepEqual(matchByIou(a, b, 0.25), [
      [0, 1],
      [1, 0],
      [2, 3],
    ]);
    // Without b1, a0 takes its next best (b2, 70 / 130 ≈ 0.54).
    assert.deepEqual(matchByIou(a, [b[0]!, b[2]!], 0.3), [
      [1, 0],
      [0, 1],
    ]);
    assert.deepEqual(matchByIou([], b, 0), []);
  });

  it('matchByIou: the better pair wins over the first-listed one', () => {
    // a0 overlaps b0 a little and b1 well; a1 overlaps only b0 (well). Greedy by order would give
    // a0→b0 and leave a1 out; best-first gives a0→b1 and a1→b0.
    const a = [box(0, 0, 10, 10), box(8, 0, 10, 10)];
    const b = [box(7, 0, 10, 10), box(-1, 0, 10, 10)];
    assert.deepEqual(matchByIou(a, b, 0.1), [
      [0, 1],
      [1, 0],
    ]);
  });
});
