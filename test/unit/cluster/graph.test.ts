import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { candidateGraph } from '../../../ml/cluster/graph.ts';
import { squaredDistance } from '../../../ml/cluster/kernel.ts';
import { Ticker } from '../../../ml/cluster/progress.ts';
import { bucketBound, EDGE_BUCKETS, sortEdges } from '../../../ml/cluster/sparse.ts';
import { syntheticEmbeddings } from '../../../ml/cluster/synthetic.ts';

const threshold = 1.0;
const s = syntheticEmbeddings({ n: 900, seed: 5 });
const faces = Int32Array.from({ length: s.labels.length }, (_, i) => i);
const graph = (neighbors: number, exactMaxFaces: number) =>
  candidateGraph(
    s.embeddings,
    s.dim,
    faces,
    threshold,
    { neighbors, maxEdges: Number.POSITIVE_INFINITY, exactMaxFaces, probes: 4, seed: 1 },
    new Ticker(undefined, undefined),
  );

describe('candidate graph', () => {
  it('all pairs: holds every pair within the threshold, each with a lower bound of its distance', async () => {
    const edges = (await graph(Number.POSITIVE_INFINITY, 10_000))!;
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
    const edges = (await graph(k, 100))!;
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

  it('sortEdges orders by bound, keeps every pair, and rounds each bound down by under a step', async () => {
    const edges = (await graph(Number.POSITIVE_INFINITY, 10_000))!;
    const sorted = sortEdges(edges, threshold);
    assert.equal(sorted.count, edges.count);
    assert.equal(sorted.start.length, EDGE_BUCKETS + 1);
    assert.equal(sorted.start[EDGE_BUCKETS], sorted.count);
    const bound = new Map<number, number>();
    for (let e = 0; e < edges.count; e++) bound.set(edges.a[e]! * 1e4 + edges.b[e]!, edges.dist[e]!);
    const step = threshold / EDGE_BUCKETS;
    let v = 0;
    let previous = -1;
    for (let e = 0; e < sorted.count; e++) {
      while (sorted.start[v + 1]! <= e) v++;
      const b = bucketBound(sorted, v);
      assert.ok(previous <= b, `order at ${e}`);
      previous = b;
      const pair = sorted.a[e]! * 1e4 + sorted.b[e]!;
      const original = bound.get(pair);
      assert.ok(original !== undefined, `pair ${pair} not in the input, or twice`);
      bound.delete(pair);
      assert.ok(b <= original, 'still a lower bound');
      assert.ok(original - b < 2 * step, 'rounded by under a step');
    }
  });
});
