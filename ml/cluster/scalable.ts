// Scalable agglomerative clustering: candidate graph (graph.ts) + sparse agglomeration
// (sparse.ts). Memory O(n·(d + neighbors)); no n² matrix.
import { finalLabels, prepare } from './constraints.ts';
import { candidateGraph } from './graph.ts';
import { Ticker } from './progress.ts';
import { agglomerateSparse } from './sparse.ts';
import type { ClusterResult, ScalableClusterOptions } from './types.ts';

/** Defaults of the scalable path; see [Note: scalable clustering, measured]. */
export const SCALABLE_DEFAULTS = {
  neighbors: 24,
  /** Edge budget of the exact graph (16 bytes an edge here and in the merge heap). */
  maxEdges: 20_000_000,
  exactGraphMaxFaces: 20_000,
  spill: 2,
  seed: 1,
} as const;

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
  const graphOptions = {
    neighbors: options.neighbors ?? SCALABLE_DEFAULTS.neighbors,
    maxEdges: Number.POSITIVE_INFINITY,
    exactMaxFaces: exactGraphMaxFaces,
    cells: options.cells,
    spill: options.spill ?? SCALABLE_DEFAULTS.spill,
    seed: options.seed ?? SCALABLE_DEFAULTS.seed,
  };
  let edges =
    options.neighbors === undefined && faces.length <= exactGraphMaxFaces
      ? await candidateGraph(
          embeddings,
          options.dim,
          faces,
          options.threshold,
          { ...graphOptions, neighbors: Number.POSITIVE_INFINITY, maxEdges: SCALABLE_DEFAULTS.maxEdges },
          ticker,
        )
      : undefined;
  edges ??= await candidateGraph(embeddings, options.dim, faces, options.threshold, graphOptions, ticker);
  if (!edges) throw new Error('unreachable: a capped graph is always built');
  const { finalOf, merges } = await agglomerateSparse(
    prep,
    edges,
    embeddings,
    options.dim,
    linkage,
    options.threshold,
    ticker,
  );
  const { labels, clusters } = finalLabels(prep, finalOf, options.minClusterSize ?? 1);
  return { labels, clusters, merges, droppedMustLinks: prep.droppedMustLinks };
}
