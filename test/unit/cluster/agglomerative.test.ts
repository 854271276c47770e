import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syntheticEmbeddings } from '../../../bench/cluster-scale/synthetic.ts';
import { checkConstraints, clusterExact, clusterScalable } from '../../../ml/cluster/index.ts';
import type { ClusterConstraints, Linkage } from '../../../ml/cluster/types.ts';
import { adjustedRandIndex } from '../../../ml/metrics/clustering.ts';
import { mulberry32 } from '../../../ml/util/prng.ts';
import { blobs, naiveCluster } from './reference.ts';

const LINKAGES: Linkage[] = ['average', 'single', 'complete'];
const dim = 8;

/** Random constraints over n faces: photos of 1–3 faces, a few cannot- and must-links. */
function randomConstraints(n: number, seed: number): ClusterConstraints {
  const r = mulberry32(seed);
  const groupOf = new Int32Array(n).fill(-1);
  for (let f = 0; f < n; f++) if (r() < 0.5) groupOf[f] = Math.floor(r() * (n / 2));
  const pick = () => Math.floor(r() * n);
  const cannot: number[] = [];
  const must: number[] = [];
  for (let i = 0; i < n / 6; i++) cannot.push(pick(), pick());
  for (let i = 0; i < n / 8; i++) must.push(pick(), pick());
  return { groupOf, cannotLink: Int32Array.from(cannot), mustLink: Int32Array.from(must) };
}

describe('exact and scalable agglomerative clustering', () => {
  it('equal the O(n³) textbook loop on random inputs, all linkages, with and without constraints', async () => {
    for (let trial = 0; trial < 18; trial++) {
      const linkage = LINKAGES[trial % 3]!;
      const n = 12 + ((trial * 7) % 30);
      const x = blobs(n, dim, 1 + (trial % 4), 0.9, 100 + trial);
      const threshold = [0.6, 0.9, 1.2][Math.floor(trial / 3) % 3]!;
      const constraints = trial % 2 === 1 ? randomConstraints(n, 500 + trial) : undefined;
      const minClusterSize = trial % 4 === 3 ? 2 : 1;
      const expected = naiveCluster(x, dim, {
        threshold,
        linkage,
        minClusterSize,
        ...(constraints && { constraints }),
      });
      const options = { dim, threshold, linkage, constraints, minClusterSize };
      const exact = await clusterExact(x, options);
      assert.deepEqual([...exact.labels], [...expected], `exact, trial ${trial} (${linkage})`);
      const scalable = await clusterScalable(x, { ...options, neighbors: Number.POSITIVE_INFINITY });
      assert.deepEqual([...scalable.labels], [...expected], `scalable, trial ${trial} (${linkage})`);
    }
  });

  it('scalable on the default graph agrees with exact on a few thousand synthetic faces', async () => {
    const s = syntheticEmbeddings({ n: 1500, seed: 11 });
    const options = { dim: s.dim, threshold: 1.0 };
    const exact = await clusterExact(s.embeddings, options);
    // All pairs within the threshold (the default at this size): the same clustering.
    const full = await clusterScalable(s.embeddings, options);
    assert.equal(adjustedRandIndex(exact.labels, full.labels), 1);
    // Forced onto k-means cells and 24 neighbours a face (the path for large libraries).
    const cells = await clusterScalable(s.embeddings, { ...options, neighbors: 24, exactGraphMaxFaces: 300 });
    const ari = adjustedRandIndex(exact.labels, cells.labels);
    assert.ok(ari >= 0.97, `ARI ${ari}`);
    assert.ok(adjustedRandIndex(exact.labels, s.labels) > 0.9, 'the synthetic people are found');
  });

  it('with per-face slack, equal the textbook loop on slackened distances, all linkages', async () => {
    for (let trial = 0; trial < 12; trial++) {
      const linkage = LINKAGES[trial % 3]!;
      const n = 14 + ((trial * 5) % 26);
      const x = blobs(n, dim, 2 + (trial % 3), 1.1, 300 + trial);
      const r = mulberry32(900 + trial);
      // Some faces noisy (slack up to 0.2), most clean (0), as in a real library.
      const slack = Float32Array.from({ length: n }, () => (r() < 0.4 ? 0.2 * r() : 0));
      const threshold = [0.7, 1.0][trial % 2]!;
      const constraints = trial % 3 === 2 ? randomConstraints(n, 700 + trial) : undefined;
      const expected = naiveCluster(x, dim, {
        threshold,
        linkage,
        slack,
        ...(constraints && { constraints }),
      });
      const options = { dim, threshold, linkage, constraints, slack };
      const exact = await clusterExact(x, options);
      assert.deepEqual([...exact.labels], [...expected], `exact, trial ${trial} (${linkage})`);
      const scalable = await clusterScalable(x, { ...options, neighbors: Number.POSITIVE_INFINITY });
      assert.deepEqual([...scalable.labels], [...expected], `scalable, trial ${trial} (${linkage})`);
      // The default scalable graph (all pairs within the widened threshold) too.
      const graph = await clusterScalable(x, options);
      assert.deepEqual([...graph.labels], [...expected], `scalable graph, trial ${trial} (${linkage})`);
    }
  });

  it('slack joins two faces only when it covers the excess over the threshold', async () => {
    // Two faces at squared distance 1.3; threshold 1.15: the excess is 0.15.
    const x = Float32Array.from([0, 0, Math.sqrt(1.3), 0]);
    const run = (a: number, b: number) =>
      clusterExact(x, { dim: 2, threshold: 1.15, slack: Float32Array.from([a, b]) });
    assert.equal((await run(0, 0)).clusters, 2);
    assert.equal((await run(0.07, 0.07)).clusters, 2, '0.14 of slack is not enough');
    assert.equal((await run(0.08, 0.08)).clusters, 1, '0.16 is');
    assert.equal((await run(0.16, 0)).clusters, 1, 'one noisy face carries it alone');
  });

  it('numbers clusters largest first and reports merges', async () => {
    const s = syntheticEmbeddings({ n: 400, seed: 3 });
    const r = await clusterScalable(s.embeddings, { dim: s.dim, threshold: 1.0 });
    const sizes = new Array<number>(r.clusters).fill(0);
    for (const l of r.labels) sizes[l]!++;
    for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i - 1]! >= sizes[i]!);
    assert.equal(r.merges, 400 - r.clusters);
  });

  it('handles empty and one-face inputs', async () => {
    for (const run of [clusterExact, clusterScalable]) {
      assert.equal((await run(new Float32Array(0), { dim: 4, threshold: 1 })).labels.length, 0);
      const one = await run(Float32Array.from([1, 0, 0, 0]), { dim: 4, threshold: 1 });
      assert.deepEqual([...one.labels], [0]);
    }
  });

  it('rejects malformed input', async () => {
    await assert.rejects(clusterScalable(new Float32Array(5), { dim: 2, threshold: 1 }), RangeError);
    await assert.rejects(
      clusterExact(new Float32Array(4), {
        dim: 2,
        threshold: 1,
        constraints: { mustLink: Int32Array.from([0, 9]) },
      }),
      RangeError,
    );
  });

  it('stops on abort and reports progress', async () => {
    const s = syntheticEmbeddings({ n: 3000, seed: 2 });
    const aborted = AbortSignal.abort();
    await assert.rejects(clusterScalable(s.embeddings, { dim: s.dim, threshold: 1, signal: aborted }));
    const controller = new AbortController();
    const phases = new Set<string>();
    const run = clusterExact(s.embeddings, {
      dim: s.dim,
      threshold: 1,
      signal: controller.signal,
      onProgress: (p) => {
        phases.add(p.phase);
        controller.abort();
      },
    });
    await assert.rejects(run, (e: unknown) => e instanceof Error && e.name === 'AbortError');
    assert.ok(phases.size > 0);
  });

  it('an abort in the middle of the two-thread graph leaves the kernel helper ready for the next run', async () => {
    const s = syntheticEmbeddings({ n: 8000, seed: 4 });
    const options = { dim: s.dim, threshold: 1 };
    const before = await clusterScalable(s.embeddings, options);
    const controller = new AbortController();
    let abortedAt: number | undefined;
    const run = clusterScalable(s.embeddings, {
      ...options,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'graph' && p.done < p.total && abortedAt === undefined) {
          abortedAt = p.done / p.total;
          controller.abort();
        }
      },
    });
    await assert.rejects(run, (e: unknown) => e instanceof Error && e.name === 'AbortError');
    assert.ok(abortedAt !== undefined, 'aborted while the graph was being built');
    const after = await clusterScalable(s.embeddings, options);
    assert.deepEqual(Array.from(after.labels), Array.from(before.labels));
  });

  it('every constraint kind holds in every output', async () => {
    const s = syntheticEmbeddings({ n: 1000, seed: 21 });
    const r = mulberry32(9);
    // Cannot-links between faces of one identity (they would merge), must-links across people.
    const cannot: number[] = [];
    const must: number[] = [];
    for (let i = 0; i < 30; i++) {
      const a = Math.floor(r() * s.labels.length);
      const b = s.labels.indexOf(s.labels[a]!, a + 1);
      if (b > 0) cannot.push(a, b);
      must.push(Math.floor(r() * s.labels.length), Math.floor(r() * s.labels.length));
    }
    const constraints = {
      groupOf: s.groupOf,
      cannotLink: Int32Array.from(cannot),
      mustLink: Int32Array.from(must),
    };
    for (const linkage of LINKAGES) {
      const options = { dim: s.dim, threshold: 1.0, linkage, constraints, minClusterSize: 3 };
      const results = [
        await clusterScalable(s.embeddings, options),
        await clusterScalable(s.embeddings, { ...options, neighbors: 16, exactGraphMaxFaces: 200 }),
      ];
      if (linkage !== 'average') results.push(await clusterExact(s.embeddings, options));
      for (const result of results) {
        assert.deepEqual(checkConstraints(result.labels, constraints, result.droppedMustLinks), [], linkage);
      }
    }
  });
});
