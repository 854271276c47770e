import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { admitClusters } from '../../../electron/core/people/admission.ts';

// Four faces in 2-d, hand-placed: squared distances are easy to check by hand.
// f0 (0,0)  f1 (0.3,0)  f2 (0,0.4)  f3 (1,0)
const data = Float32Array.from([0, 0, 0.3, 0, 0, 0.4, 1, 0]);
const base = { dim: 2, data, threshold: 1, minClusterSize: 2 };

describe('which clusters become people', () => {
  test('a cluster of faces all below the seed quality is left unassigned', () => {
    const r = admitClusters({
      ...base,
      labels: Int32Array.from([0, 0, 1, 1]),
      clusters: 2,
      quality: Float32Array.from([0.3, 0.45, 0.9, 0.2]),
    });
    // Cluster 0's best face is 0.45 < 0.5: no seed. Cluster 1 has a 0.9 face: kept, renumbered 0.
    assert.deepEqual([...r.labels], [-1, -1, 0, 0]);
    assert.equal(r.clusters, 1);
    assert.equal(r.noSeed, 2);
  });

  test('a poor face joins a person that has a good face', () => {
    const r = admitClusters({
      ...base,
      labels: Int32Array.from([0, 0, 0, -1]),
      clusters: 1,
      quality: Float32Array.from([0.2, 0.6, Number.NaN, 0.9]),
    });
    assert.deepEqual([...r.labels], [0, 0, 0, -1]);
  });

  test('a cluster the user put faces in is kept whatever their quality', () => {
    const r = admitClusters({
      ...base,
      labels: Int32Array.from([0, -1, -1, -1]),
      clusters: 1,
      quality: Float32Array.from([0.1, 0.1, 0.1, 0.1]),
      pinned: Uint8Array.from([1, 0, 0, 0]),
    });
    assert.deepEqual([...r.labels], [0, -1, -1, -1]);
  });

  test('a rejected face stays only within the stricter threshold; it is never a seed', () => {
    // Cluster {f0, f1, f3}, f3 rejected: mean distance to f0, f1 = (1 + 0.49) / 2 = 0.745 > 0.6.
    const far = admitClusters({
      ...base,
      labels: Int32Array.from([0, 0, -1, 0]),
      clusters: 1,
      quality: Float32Array.from([0.9, 0.9, 0.9, 0.9]),
      rejected: Uint8Array.from([0, 0, 0, 1]),
    });
    assert.deepEqual([...far.labels], [0, 0, -1, -1]);
    assert.equal(far.rejectedFar, 1);
    // f1 rejected in {f0, f1, f2}: (0.09 + 0.25) / 2 = 0.17 ≤ 0.6, it stays.
    const near = admitClusters({
      ...base,
      labels: Int32Array.from([0, 0, 0, -1]),
      clusters: 1,
      quality: Float32Array.from([0.9, 0.9, 0.9, 0.9]),
      rejected: Uint8Array.from([0, 1, 0, 0]),
    });
    assert.deepEqual([...near.labels], [0, 0, 0, -1]);
    // Two rejected faces together, however good, do not start a person.
    const both = admitClusters({
      ...base,
      labels: Int32Array.from([0, 0, -1, -1]),
      clusters: 1,
      quality: Float32Array.from([0.9, 0.9, 0.9, 0.9]),
      rejected: Uint8Array.from([1, 1, 0, 0]),
    });
    assert.deepEqual([...both.labels], [-1, -1, -1, -1]);
  });

  test('a cluster left with one face after a rejected face leaves is dropped', () => {
    const r = admitClusters({
      ...base,
      labels: Int32Array.from([0, -1, -1, 0]),
      clusters: 1,
      quality: Float32Array.from([0.9, 0.9, 0.9, 0.9]),
      rejected: Uint8Array.from([0, 0, 0, 1]),
    });
    // d(f0, f3) = 1 > 0.6: f3 leaves, f0 alone is below the minimum size.
    assert.deepEqual([...r.labels], [-1, -1, -1, -1]);
    assert.equal(r.clusters, 0);
  });
});
