import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkConstraints, cluster, clusterExact, clusterScalable } from '../../../ml/cluster/index.ts';

/** Points on a line in 2-D (normalisation is not required by the clustering). */
const line = (...xs: number[]) => Float32Array.from(xs.flatMap((x) => [x, 0]));
const runs = [clusterExact, clusterScalable] as const;

describe('constraints, minimum size and quality', () => {
  it('checkConstraints finds every kind of violation', () => {
    const labels = Int32Array.from([0, 0, 1, -1, 1]);
    const violations = checkConstraints(labels, {
      groupOf: Int32Array.from([7, 7, -1, 7, 8]),
      cannotLink: Int32Array.from([2, 4, 0, 3]),
      mustLink: Int32Array.from([0, 2, 3, 3, 1, 0]),
    });
    assert.deepEqual(violations, [
      { kind: 'group', a: 0, b: 1 },
      { kind: 'cannotLink', a: 2, b: 4 },
      { kind: 'mustLink', a: 0, b: 2 },
    ]);
    // A must-link a clustering reported as dropped is excused.
    const excused = checkConstraints(labels, { mustLink: Int32Array.from([0, 2]) }, Int32Array.from([0]));
    assert.deepEqual(excused, []);
  });

  it('faces of one photo never share a cluster, even when they are the closest pair', async () => {
    // 0,1,2 are close; 0 and 1 are in one photo.
    const x = line(0, 0.1, 0.2, 5);
    const constraints = { groupOf: Int32Array.from([3, 3, -1, -1]) };
    for (const run of runs) {
      const r = await run(x, { dim: 2, threshold: 1, linkage: 'single', constraints });
      assert.deepEqual(checkConstraints(r.labels, constraints), []);
      assert.notEqual(r.labels[0], r.labels[1]);
      assert.ok(r.labels[2] === r.labels[0] || r.labels[2] === r.labels[1]);
    }
  });

  it('a cannot-link keeps the whole chain apart under single linkage', async () => {
    // 0–1–2–3 chain; 0 and 3 may never meet, so the chain splits at its longest allowed gap.
    const x = line(0, 0.3, 0.5, 0.9);
    const constraints = { cannotLink: Int32Array.from([0, 3]) };
    for (const run of runs) {
      const r = await run(x, { dim: 2, threshold: 1, linkage: 'single', constraints });
      assert.deepEqual([...r.labels], [0, 0, 0, 1]);
    }
  });

  it('must-links merge first and then act as one cluster; contradictions are dropped', async () => {
    // 0 and 3 are far apart but must link; 4 must link to 0 but shares a photo with 3.
    const x = line(0, 0.2, 10, 10.2, 20);
    const constraints = {
      mustLink: Int32Array.from([0, 3, 4, 0]),
      groupOf: Int32Array.from([-1, -1, -1, 1, 1]),
    };
    for (const run of runs) {
      const r = await run(x, { dim: 2, threshold: 0.5, constraints });
      assert.equal(r.labels[0], r.labels[3]);
      assert.deepEqual([...r.droppedMustLinks], [1]);
      assert.notEqual(r.labels[4], r.labels[0]);
      assert.deepEqual(checkConstraints(r.labels, constraints, r.droppedMustLinks), []);
      // {0,3} is one node: its mean sits between the pairs, too far for average linkage.
      assert.notEqual(r.labels[1], r.labels[0]);
    }
  });

  it('small clusters become unassigned, unless the user linked them', async () => {
    const x = line(0, 0.1, 0.2, 5, 5.1, 9, 20, 30);
    const constraints = { mustLink: Int32Array.from([6, 7]) };
    for (const run of runs) {
      const r = await run(x, { dim: 2, threshold: 0.5, minClusterSize: 3, constraints });
      // {0,1,2} kept; {3,4} and {5} too small; {6,7} pinned by the must-link.
      assert.deepEqual([...r.labels], [0, 0, 0, -1, -1, -1, 1, 1]);
      assert.equal(r.clusters, 2);
    }
  });

  it('low-quality faces are unassigned and take no part, unless must-linked', async () => {
    // Face 1 would bridge 0 and 2 under single linkage; it is blurred, so it does not.
    const x = line(0, 0.4, 0.8, 3);
    const quality = Float32Array.from([0.9, 0.1, 0.9, Number.NaN]);
    for (const run of runs) {
      const r = await run(x, { dim: 2, threshold: 0.2, linkage: 'single', quality, minQuality: 0.5 });
      assert.deepEqual([...r.labels], [0, -1, 1, -1]);
      const linked = await run(x, {
        dim: 2,
        threshold: 0.2,
        linkage: 'single',
        quality,
        minQuality: 0.5,
        constraints: { mustLink: Int32Array.from([1, 0]) },
      });
      assert.deepEqual([...linked.labels], [0, 0, 0, -1]);
    }
  });

  it('cluster() picks an implementation and gives the same answer', async () => {
    const x = line(0, 0.1, 3, 3.1, 3.2);
    const r = await cluster(x, { dim: 2, threshold: 0.5 });
    assert.deepEqual([...r.labels], [1, 1, 0, 0, 0]);
  });
});
