import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syntheticEmbeddings } from '../../../bench/cluster-scale/synthetic.ts';
import { EDGE_BUCKETS, EdgeBuckets } from '../../../ml/cluster/edges.ts';
import { candidateGraph } from '../../../ml/cluster/graph.ts';
import { squaredDistance } from '../../../ml/cluster/kernel.ts';
import { Ticker } from '../../../ml/cluster/progress.ts';
import { mulberry32 } from '../../../ml/util/prng.ts';

const threshold = 1.0;
const s = syntheticEmbeddings({ n: 900, seed: 5 });
const faces = Int32Array.from({ length: s.labels.length }, (_, i) => i);
const graph = async (neighbors: number, exactMaxFaces: number) =>
  (await candidateGraph(
    s.embeddings,
    s.dim,
    faces,
    threshold,
    { neighbors, maxEdges: Number.POSITIVE_INFINITY, exactMaxFaces, probes: 4, seed: 1 },
    new Ticker(undefined, undefined),
  ))!.toFaceEdges();

describe('candidate graph', () => {
  it('all pairs: holds every pair within the threshold, each with a lower bound of its distance', async () => {
    const edges = await graph(Number.POSITIVE_INFINITY, 10_000);
    const seen = new Set<number>();
    let slack = 0;
    for (let e = 0; e < edges.count; e++) {
      const [a, b] = [edges.a[e]!, edges.b[e]!];
      assert.ok(a < b, 'each pair once, lower face first');
      const d = squaredDistance(s.embeddings, a, b, s.dim);
      assert.ok(edges.dist[e]! <= d, `bound ${edges.dist[e]} above the distance ${d}`);
      slack = Math.max(slack, d - edges.dist[e]!);
      seen.add(a * 1e4 + b);
    }
    let within = 0;
    for (let a = 0; a < faces.length; a++) {
      for (let b = a + 1; b < faces.length; b++) {
        if (squaredDistance(s.embeddings, a, b, s.dim) > threshold) continue;
        within++;
        assert.ok(seen.has(a * 1e4 + b), `pair ${a}–${b} within the threshold is missing`);
      }
    }
    assert.ok(within > 1000, `the set has pairs to find (${within})`);
    // The int8 bound is tight enough that few pairs beyond the threshold are proposed.
    assert.ok(slack < 0.1, `slack ${slack}`);
    assert.ok(edges.count < within * 1.2, `${edges.count} edges for ${within} pairs`);
  });

  it('k-means cells: at most k neighbours a face, each bound below the distance', async () => {
    const k = 6;
    const edges = await graph(k, 100);
    const degree = new Int32Array(faces.length);
    for (let e = 0; e < edges.count; e++) {
      const d = squaredDistance(s.embeddings, edges.a[e]!, edges.b[e]!, s.dim);
      assert.ok(edges.dist[e]! <= d);
      assert.ok(edges.dist[e]! <= threshold);
      degree[edges.a[e]!]!++;
      degree[edges.b[e]!]!++;
    }
    // An edge is kept by either end, so a face has its own k plus those that chose it.
    assert.ok(edges.count <= k * faces.length);
    assert.ok(edges.count > faces.length, `${edges.count} edges`);
  });

  it('edge buckets read back every edge once, in ascending order of bound, each rounded down by under a step', () => {
    const threshold = 1.2;
    const buckets = new EdgeBuckets(threshold);
    const step = threshold / EDGE_BUCKETS;
    const random = mulberry32(7);
    const bound = new Map<number, number>();
    // Many edges in a few buckets (chains of several chunks), and a spread over all of them.
    for (let e = 0; e < 20_000; e++) {
      const d = e < 3000 ? 0.5 + (e % 3) * step : e % 997 === 0 ? -0.01 : random() * threshold;
      buckets.push(e, e + 1, d);
      bound.set(e, Math.max(0, d));
    }
    assert.equal(buckets.count, 20_000);
    const cursor = buckets.cursor();
    let previous = Number.NEGATIVE_INFINITY;
    let lastInBucket = new Map<number, number>();
    let read = 0;
    for (; cursor.bound !== Number.POSITIVE_INFINITY; cursor.advance(), read++) {
      assert.equal(cursor.b, cursor.a + 1);
      assert.ok(previous <= cursor.bound, `order at ${read}`);
      previous = cursor.bound;
      const original = bound.get(cursor.a);
      assert.ok(original !== undefined, `edge ${cursor.a} not pushed, or read twice`);
      bound.delete(cursor.a);
      assert.ok(cursor.bound <= original, 'still a lower bound');
      assert.ok(original - cursor.bound < 2 * step, 'rounded by under a step');
      // Within a bucket, edges come back in the order they were pushed.
      const before = lastInBucket.get(cursor.bound) ?? -1;
      assert.ok(cursor.a > before, 'pushed order kept within a bucket');
      lastInBucket.set(cursor.bound, cursor.a);
    }
    assert.equal(read, 20_000);
    assert.equal(bound.size, 0);
    lastInBucket = new Map();
    const flat = buckets.toFaceEdges();
    assert.equal(flat.count, 20_000);
    for (let e = 1; e < flat.count; e++) assert.ok(flat.dist[e - 1]! <= flat.dist[e]!);
    assert.equal(new EdgeBuckets(1).cursor().bound, Number.POSITIVE_INFINITY, 'an empty set reads as empty');
  });
});
