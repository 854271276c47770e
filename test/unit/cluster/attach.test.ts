import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syntheticEmbeddings } from '../../../bench/cluster-scale/synthetic.ts';
import {
  type ClusterConstraints,
  checkConstraints,
  clusterExact,
  clusterScalable,
} from '../../../ml/cluster/index.ts';
import { mulberry32 } from '../../../ml/util/prng.ts';

const points = (...xy: [number, number][]) => Float32Array.from(xy.flat());

/** Each face → the lowest face of its cluster (−1 stays −1): compares partitions, not numbers. */
function partition(labels: Int32Array): Int32Array {
  const first = new Map<number, number>();
  return labels.map((l, f) => {
    if (l < 0) return -1;
    if (!first.has(l)) first.set(l, f);
    return first.get(l)!;
  });
}

/**
 * The attach pass from its definition, on the labels of a clustering without it: every pair of
 * faces, float64, no neighbour cap (ml/cluster/attach.ts [Note: attaching small clusters]).
 */
function naiveAttach(
  x: Float32Array,
  dim: number,
  labels: Int32Array,
  threshold: number,
  o: { k: number; threshold: number; maxSize: number },
  slack: Float32Array | undefined,
  mayMeet: (a: number, b: number) => boolean,
): Int32Array {
  const d = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < dim; i++) s += (x[a * dim + i]! - x[b * dim + i]!) ** 2;
    return Math.min(threshold, s - (slack?.[a] ?? 0) - (slack?.[b] ?? 0));
  };
  // Clusters keyed by their lowest face; an attached cluster keeps the key of the one it joined.
  const clusters = new Map<number, number[]>();
  const p = partition(labels);
  p.forEach((key, f) => {
    if (key >= 0) clusters.set(key, [...(clusters.get(key) ?? []), f]);
  });
  const order = [...clusters.keys()].sort(
    (a, b) => clusters.get(a)!.length - clusters.get(b)!.length || a - b,
  );
  for (const a of order) {
    const A = clusters.get(a)!;
    if (A.length > o.maxSize) continue;
    let best = -1;
    let bestScore = Number.POSITIVE_INFINITY;
    for (const [b, B] of clusters) {
      if (b === a || B.length < A.length || A.some((f) => B.some((g) => !mayMeet(f, g)))) continue;
      const kb = Math.min(o.k, B.length);
      let score = 0;
      for (const f of A) {
        const near = B.map((g) => d(f, g)).sort((u, v) => u - v);
        score += near.slice(0, kb).reduce((s, v) => s + v, 0) / kb;
      }
      score /= A.length;
      if (score < bestScore) {
        best = b;
        bestScore = score;
      }
    }
    if (best >= 0 && bestScore <= o.threshold) {
      clusters.get(best)!.push(...A);
      clusters.delete(a);
    }
  }
  const out = new Int32Array(labels.length).fill(-1);
  for (const [key, faces] of clusters) for (const f of faces) out[f] = key;
  return partition(out);
}

describe('attach pass (small clusters join the person their faces sit next to)', () => {
  it('joins a face to a spread-out person whose nearest faces it touches (hand-computed)', async () => {
    // A person spread along a line at x = 0, 1, 2, 3 (1-d, squared L2) and a face at 5.
    // Average linkage, threshold 5: {0,1} and {2,3} at 1, then their union at (4+9+1+4)/4 = 4.5;
    // the face at 5 is (25+16+9+4)/4 = 13.5 from the person on average → alone.
    // Attach, k 2: its two nearest are 4 and 9 → min(·, 5): score (4 + 5)/2 = 4.5.
    const x = points([0, 0], [1, 0], [2, 0], [3, 0], [5, 0]);
    const plain = await clusterExact(x, { dim: 2, threshold: 5 });
    assert.deepEqual([...partition(plain.labels)], [0, 0, 0, 0, 4]);
    const joins = await clusterExact(x, { dim: 2, threshold: 5, attach: { k: 2, threshold: 4.6 } });
    assert.deepEqual([...partition(joins.labels)], [0, 0, 0, 0, 0]);
    assert.equal(joins.clusters, 1);
    // Just under the score: stays alone.
    const stays = await clusterExact(x, { dim: 2, threshold: 5, attach: { k: 2, threshold: 4.4 } });
    assert.deepEqual([...partition(stays.labels)], [0, 0, 0, 0, 4]);
    // k 1: the nearest alone (4) is enough at 4.1.
    const k1 = await clusterExact(x, { dim: 2, threshold: 5, attach: { k: 1, threshold: 4.1 } });
    assert.equal(k1.clusters, 1);
  });

  it('never joins a person it may not meet; clusters above maxSize stay', async () => {
    const x = points([0, 0], [1, 0], [2, 0], [3, 0], [5, 0]);
    const attach = { k: 2, threshold: 4.6 };
    const cannot = await clusterExact(x, {
      dim: 2,
      threshold: 5,
      attach,
      constraints: { cannotLink: Int32Array.from([0, 4]) },
    });
    assert.deepEqual([...partition(cannot.labels)], [0, 0, 0, 0, 4]);
    const samePhoto = await clusterExact(x, {
      dim: 2,
      threshold: 5,
      attach,
      constraints: { groupOf: Int32Array.from([-1, -1, 7, -1, 7]) },
    });
    assert.deepEqual([...partition(samePhoto.labels)], [0, 0, 0, 0, 4]);
    // A lone face at 3.7 beside a pair {4.5, 5} (threshold 1): average linkage 1.165 keeps it
    // alone; its two nearest, 0.64 and 1.69 → capped 1, score 0.82.
    const y = points([3.7, 0], [4.5, 0], [5, 0]);
    const alone = await clusterExact(y, { dim: 2, threshold: 1 });
    assert.equal(alone.clusters, 2);
    const r = await clusterExact(y, { dim: 2, threshold: 1, attach: { k: 2, threshold: 0.83 } });
    assert.deepEqual([...partition(r.labels)], [0, 0, 0]);
    const capped = await clusterExact(x, { dim: 2, threshold: 5, attach: { ...attach, maxSize: 0 } });
    assert.deepEqual([...partition(capped.labels)], [0, 0, 0, 0, 4]);
  });

  it('matches the definition on synthetic people with photos, cannot-links and slack, both engines', async () => {
    const s = syntheticEmbeddings({ n: 360, seed: 11, spread: 0.85 });
    const n = s.labels.length;
    const rand = mulberry32(5);
    const slack = Float32Array.from({ length: n }, () => (rand() < 0.3 ? 0.05 * rand() : 0));
    const cannot: number[] = [];
    for (let i = 0; i < 40; i++) cannot.push(Math.floor(rand() * n), Math.floor(rand() * n));
    const constraints: ClusterConstraints = { groupOf: s.groupOf, cannotLink: Int32Array.from(cannot) };
    const pairs = new Set<string>();
    for (let i = 0; i < cannot.length; i += 2) {
      pairs.add(`${cannot[i]}:${cannot[i + 1]}`);
      pairs.add(`${cannot[i + 1]}:${cannot[i]}`);
    }
    const mayMeet = (a: number, b: number) =>
      !pairs.has(`${a}:${b}`) && !(s.groupOf[a]! >= 0 && s.groupOf[a] === s.groupOf[b]);
    const threshold = 1.0;
    const attach = { k: 3, threshold: 0.85, maxSize: 32 };
    const base = { dim: s.dim, threshold, constraints, slack };
    const before = await clusterExact(s.embeddings, base);
    const expected = naiveAttach(s.embeddings, s.dim, before.labels, threshold, attach, slack, mayMeet);
    const changed = expected.some((v, f) => v !== partition(before.labels)[f]);
    assert.ok(changed, 'the data must give the pass something to attach');
    const exact = await clusterExact(s.embeddings, { ...base, attach: { ...attach, neighbors: n } });
    assert.deepEqual([...partition(exact.labels)], [...expected]);
    const scalable = await clusterScalable(s.embeddings, { ...base, attach: { ...attach, neighbors: n } });
    assert.deepEqual([...partition(scalable.labels)], [...expected]);
    assert.deepEqual(checkConstraints(exact.labels, constraints), []);
  });
});
