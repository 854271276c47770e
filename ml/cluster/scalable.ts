// Scalable agglomerative clustering: candidate graph (graph.ts) + sparse agglomeration
// (sparse.ts). Memory O(n·(d + neighbors)); no n² matrix.
import { attachClusters } from './attach.ts';
import { finalLabels, prepare } from './constraints.ts';
import { candidateGraph } from './graph.ts';
import { Ticker } from './progress.ts';
import { agglomerateSparse } from './sparse.ts';
import type { ClusterResult, ScalableClusterOptions } from './types.ts';

/** Defaults of the scalable path; see [Note: scalable clustering, measured]. */
export const SCALABLE_DEFAULTS = {
  neighbors: 16,
  /** Edge budget of the exact graph: ~40 bytes an edge at peak (edge list + merge heap). */
  maxEdges: 8_000_000,
  exactGraphMaxFaces: 20_000,
  probes: 8,
  seed: 1,
} as const;

/**
 * [Note: scalable clustering, measured]
 * Two steps: a candidate graph of face pairs within the threshold, then agglomeration over it
 * (sparse.ts), where average linkage is computed exactly from cluster means, so the graph only
 * has to propose which clusters may merge.
 *
 * Up to exactGraphMaxFaces faces, and while the pairs within the threshold fit maxEdges, the
 * graph holds all of them and the result is the exact one: on 20k synthetic faces (threshold
 * 1.0) it equals scikit-learn's average linkage on precomputed squared L2 (ARI 1.0, 4135
 * clusters) and scores ARI 0.998 against sklearn's metric='euclidean' (which averages L2, not
 * squared L2: a slightly different criterion).
 *
 * Above that, an all-pairs pass is out of reach (100k faces: 5·10⁹ pairs), so pairs are
 * compared inside k-means cells (graph.ts: each face searches its 8 nearest cells) and each face
 * keeps its 16 nearest neighbours. Against the exact result at 100k faces: ARI 0.986, same ARI
 * against the synthetic truth (0.948 vs 0.949), but more clusters (22.2k vs 19.5k): small people
 * whose faces landed in cells apart stay split. The ARI gap comes from capping neighbours, not
 * from the cells: at 20k with all pairs compared but 24 neighbours kept, ARI vs exact is 0.989.
 * The cell path at 20k scores ARI 0.9899–0.9908 against sklearn (16–32 neighbours, 8–12 probes)
 * in half the CPU time of the exact path: too close to 0.99 to be the default there.
 * Cells cannot be pruned exactly: even with one cell per true identity, the triangle-inequality
 * bound (‖x − c‖ − radius > √threshold) rules out only 9% of the faces in 128-d (20k faces).
 *
 * Where the time went, and what was done (--cpu-prof, and CPU seconds per phase from
 * bench/cluster-scale/bench.ts, on this project's shared 2-core machine):
 *  - scanning every kernel product in JavaScript cost 2–3× the products: the kernel now keeps
 *    only products above a per-row cut (kernel.ts, dotsAbove);
 *  - the products run on both cores (kernel.ts, [Note: kernel threads]);
 *  - exact float distances for every edge, and a heap holding every edge: edges now carry lower
 *    bounds, are radix-sorted once, and only those reached while their faces are apart get an
 *    exact value (sparse.ts, [Note: lazy lower bounds]) — 663k of 3.5M edges at 20k;
 *  - re-quantising each face for each cell it searches (10% at 100k): quantised once;
 *  - the synchronous split of each kernel call left the helper idle while this thread turned
 *    candidates into edges (a third of the graph): the all-pairs graph now pipelines them
 *    (graph.ts, [Note: pipelined all-pairs graph]);
 *  - fresh memory: first touches cost ~4 ms per MB on this machine, and the 20k run touched
 *    ~170 MB of it (a doubling edge list, a sort into new arrays, candidate rows that moved with
 *    every tile). Edges now go straight into bound buckets (edges.ts, [Note: edge buckets]) and
 *    candidate rows keep one stride.
 *    20k faces: 2.6–3.3 s → 1.6–1.9 s wall on a quiet machine. The kernel itself is bound by its
 *    multiply-adds (~32 G/s a thread): reusing each query load for two db rows changed nothing.
 * CPU seconds, before → after (all threads; the machine ran at load 5–30 while measuring, so
 * wall times were 2–10× these and only CPU time compares; on a quiet machine the wall time is
 * below the CPU time, since the kernel runs on both cores): 20k exact 14.0 → 4.7 (graph 3.1,
 * merge 1.1), against scikit-learn's ~99 CPU-s on the same faces (same load); 100k 12.5 → 9.2
 * (k-means 2.7, graph 4.0, merge 2.6).
 */
/**
 * Agglomerative clustering without an n² matrix: exact while the threshold graph is small
 * enough (see the note above), k-means cells and capped neighbours beyond. Complete linkage
 * needs every pair within the threshold, so beyond the exact graph it is stricter than exact.
 */
export async function clusterScalable(
  embeddings: Float32Array,
  options: ScalableClusterOptions,
): Promise<ClusterResult> {
  const ticker = new Ticker(options.signal, options.onProgress);
  const prep = prepare(embeddings, options);
  const linkage = options.linkage ?? 'average';
  let participating = 0;
  for (const c of prep.comp) if (c >= 0) participating++;
  const faces = new Int32Array(participating);
  for (let f = 0, i = 0; f < prep.n; f++) if (prep.comp[f]! >= 0) faces[i++] = f;
  const exactGraphMaxFaces = options.exactGraphMaxFaces ?? SCALABLE_DEFAULTS.exactGraphMaxFaces;
  // With slack, pairs up to threshold + 2·max(slack) can be within the threshold once slackened.
  let maxSlack = 0;
  if (options.slack) for (const f of faces) maxSlack = Math.max(maxSlack, options.slack[f]!);
  const slack = maxSlack > 0 && options.slack ? { of: options.slack, widen: 2 * maxSlack } : undefined;
  const graphThreshold = options.threshold + (slack?.widen ?? 0);
  const graphOptions = {
    neighbors: options.neighbors ?? SCALABLE_DEFAULTS.neighbors,
    maxEdges: Number.POSITIVE_INFINITY,
    exactMaxFaces: exactGraphMaxFaces,
    cells: options.cells,
    probes: options.probes ?? SCALABLE_DEFAULTS.probes,
    seed: options.seed ?? SCALABLE_DEFAULTS.seed,
  };
  let edges =
    options.neighbors === undefined && faces.length <= exactGraphMaxFaces
      ? await candidateGraph(
          embeddings,
          options.dim,
          faces,
          graphThreshold,
          { ...graphOptions, neighbors: Number.POSITIVE_INFINITY, maxEdges: SCALABLE_DEFAULTS.maxEdges },
          ticker,
        )
      : undefined;
  edges ??= await candidateGraph(embeddings, options.dim, faces, graphThreshold, graphOptions, ticker);
  if (!edges) throw new Error('unreachable: a capped graph is always built');
  const { finalOf, merges } = await agglomerateSparse(
    prep,
    edges,
    embeddings,
    options.dim,
    linkage,
    options.threshold,
    ticker,
    slack,
  );
  const grouped = options.attach
    ? attachClusters(
        prep,
        finalOf,
        embeddings,
        options.dim,
        options.threshold,
        options.attach,
        options.slack,
        edges,
      )
    : finalOf;
  const { labels, clusters } = finalLabels(prep, grouped, options.minClusterSize ?? 1);
  return { labels, clusters, merges, droppedMustLinks: prep.droppedMustLinks };
}
