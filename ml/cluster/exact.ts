// Exact agglomerative clustering: the reference implementation. O(n²) memory (8 bytes per pair:
// 20k faces ≈ 1.6 GB) and O(n²·d) time; meant for small libraries and as the oracle in tests.
import { attachClusters } from './attach.ts';
import { finalLabels, prepare } from './constraints.ts';
import { Ticker } from './progress.ts';
import type { ClusterOptions, ClusterResult, Linkage } from './types.ts';

/** Index of pair (i < j) in a condensed upper-triangle matrix of m items. */
const pairIndex = (i: number, j: number, m: number): number => i * m - (i * (i + 1)) / 2 + (j - i - 1);

/**
 * Lance–Williams update for the distance from the union of x and y to another cluster, given
 * the two old distances. Infinity marks a forbidden pair and stays forbidden: once a cluster holds
 * a face that cannot link to another cluster, every cluster grown from it cannot either.
 */
function lanceWilliams(linkage: Linkage, dx: number, dy: number, sx: number, sy: number): number {
  if (dx === Number.POSITIVE_INFINITY || dy === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (linkage === 'single') return Math.min(dx, dy);
  if (linkage === 'complete') return Math.max(dx, dy);
  return (sx * dx + sy * dy) / (sx + sy);
}

/**
 * [Note: exact clustering with a threshold]
 * Distances between the initial clusters (must-link components) are the linkage over their faces
 * (mean, min or max of squared L2), +∞ for pairs that carry a cannot-link. The merging is the
 * nearest-neighbour chain (Murtagh 1983; Müllner 2011): follow nearest neighbours until two
 * clusters are each other's nearest, merge them, update with Lance–Williams. All three linkages
 * are reducible (d(A∪B, K) ≥ min(d(A,K), d(B,K))), and stay so with the sticky +∞, so the chain
 * yields the same merges as the textbook "merge the globally closest pair" loop.
 * Reducibility also gives the stopping rule: a cluster whose nearest neighbour is farther than the
 * threshold can never come within it again, so it is retired, and with it the whole chain (each
 * chain member's nearest distance is ≥ the next one's). The loop ends when no cluster is left.
 */
export async function clusterExact(
  embeddings: Float32Array,
  options: ClusterOptions,
): Promise<ClusterResult> {
  const ticker = new Ticker(options.signal, options.onProgress);
  const prep = prepare(embeddings, options);
  const { m } = prep;
  const { dim, threshold } = options;
  const linkage = options.linkage ?? 'average';
  const slack = options.slack;
  const D = new Float64Array((m * (m - 1)) / 2);
  if (linkage === 'single') D.fill(Number.POSITIVE_INFINITY);

  // Face pairs → initial-cluster distances (sum for average, then divided by |A|·|B|).
  const faces = prep.compFaces;
  const faceComp = new Int32Array(faces.length);
  for (let c = 0; c < m; c++)
    for (let k = prep.compStart[c]!; k < prep.compStart[c + 1]!; k++) faceComp[k] = c;
  for (let p = 0; p < faces.length; p++) {
    const ca = faceComp[p]!;
    const oa = faces[p]! * dim;
    for (let q = p + 1; q < faces.length; q++) {
      const cb = faceComp[q]!;
      if (ca === cb) continue;
      const ob = faces[q]! * dim;
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const diff = embeddings[oa + k]! - embeddings[ob + k]!;
        s += diff * diff;
      }
      if (slack) s -= slack[faces[p]!]! + slack[faces[q]!]!;
      const idx = ca < cb ? pairIndex(ca, cb, m) : pairIndex(cb, ca, m);
      if (linkage === 'average') D[idx]! += s;
      else if (linkage === 'single') D[idx] = Math.min(D[idx]!, s);
      else D[idx] = Math.max(D[idx]!, s);
    }
    if (ticker.due()) await ticker.pause('prepare', p, faces.length);
  }
  const size = new Float64Array(m);
  for (let c = 0; c < m; c++) size[c] = prep.compStart[c + 1]! - prep.compStart[c]!;
  if (linkage === 'average') {
    for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) D[pairIndex(a, b, m)]! /= size[a]! * size[b]!;
  }
  for (let i = 0; i < prep.forbidden.length; i += 2) {
    D[pairIndex(prep.forbidden[i]!, prep.forbidden[i + 1]!, m)] = Number.POSITIVE_INFINITY;
  }

  const dist = (a: number, b: number): number => (a < b ? D[pairIndex(a, b, m)]! : D[pairIndex(b, a, m)]!);
  // live = not merged away and not retired; `order` is the live clusters, compacted lazily.
  const live = new Uint8Array(m).fill(1);
  let order = Int32Array.from({ length: m }, (_, i) => i);
  let liveCount = m;
  const parent = Int32Array.from({ length: m }, (_, i) => i);
  const chain = new Int32Array(m);
  let chainLength = 0;
  let merges = 0;
  let cursor = 0;
  while (liveCount > 0) {
    if (order.length > 2 * liveCount + 64) {
      order = order.filter((c) => live[c] === 1);
      cursor = 0;
    }
    if (chainLength === 0) {
      while (!live[order[cursor]!]) cursor++;
      chain[chainLength++] = order[cursor]!;
    }
    const x = chain[chainLength - 1]!;
    const prev = chainLength > 1 ? chain[chainLength - 2]! : -1;
    // Nearest live neighbour of x; on a tie keep the previous chain member (avoids cycles).
    let best = prev;
    let bestD = prev >= 0 ? dist(x, prev) : Number.POSITIVE_INFINITY;
    for (const y of order) {
      if (y === x || !live[y]) continue;
      const d = dist(x, y);
      if (d < bestD) {
        bestD = d;
        best = y;
      }
    }
    if (!(bestD <= threshold)) {
      for (let i = 0; i < chainLength; i++) live[chain[i]!] = 0;
      liveCount -= chainLength;
      chainLength = 0;
      continue;
    }
    if (best !== prev) {
      chain[chainLength++] = best;
      continue;
    }
    // x and prev are reciprocal nearest neighbours: merge x into prev.
    chainLength -= 2;
    const y = prev;
    for (const k of order) {
      if (k === x || k === y || !live[k]) continue;
      const i = y < k ? pairIndex(y, k, m) : pairIndex(k, y, m);
      D[i] = lanceWilliams(linkage, dist(x, k), D[i]!, size[x]!, size[y]!);
    }
    size[y]! += size[x]!;
    live[x] = 0;
    liveCount--;
    parent[x] = y;
    merges++;
    if (ticker.due()) await ticker.pause('merge', merges, m);
  }
  ticker.report('merge', m, m);

  const finalOf = new Int32Array(m);
  for (let c = 0; c < m; c++) {
    let r = c;
    while (parent[r] !== r) r = parent[r]!;
    finalOf[c] = r;
  }
  const grouped = options.attach
    ? attachClusters(prep, finalOf, embeddings, dim, threshold, options.attach, slack)
    : finalOf;
  const { labels, clusters } = finalLabels(prep, grouped, options.minClusterSize ?? 1);
  return { labels, clusters, merges, droppedMustLinks: prep.droppedMustLinks };
}
