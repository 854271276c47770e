// Plain references for the clustering tests: textbook agglomerative clustering, O(n³), written
// from the definitions with no shared code, plus small random inputs.
import type { ClusterConstraints, Linkage } from '../../../ml/cluster/types.ts';
import { mulberry32 } from '../../../ml/util/prng.ts';

export interface NaiveOptions {
  threshold: number;
  linkage: Linkage;
  constraints?: ClusterConstraints;
  minClusterSize?: number;
  quality?: Float32Array;
  minQuality?: number;
  /** Per-face slack: every face distance is taken as d − slack_a − slack_b. */
  slack?: Float32Array;
}

/** Faces that may never share a cluster, as a predicate. */
function cannotLinkOf(c: ClusterConstraints | undefined): (a: number, b: number) => boolean {
  const pairs = new Set<string>();
  for (let i = 0; c?.cannotLink && i < c.cannotLink.length; i += 2) {
    pairs.add(`${c.cannotLink[i]}:${c.cannotLink[i + 1]}`);
    pairs.add(`${c.cannotLink[i + 1]}:${c.cannotLink[i]}`);
  }
  return (a, b) =>
    a !== b &&
    ((c?.groupOf !== undefined && c.groupOf[a]! >= 0 && c.groupOf[a] === c.groupOf[b]) ||
      pairs.has(`${a}:${b}`));
}

/**
 * Merge the closest pair of clusters while its linkage ≤ threshold; a pair whose union would
 * hold a cannot-link pair is never merged. Must-links first, in order, skipping those that
 * would join a cannot-link pair. Labels: largest first, ties by lowest face; small → −1.
 */
export function naiveCluster(x: Float32Array, dim: number, o: NaiveOptions): Int32Array {
  const n = x.length / dim;
  const d = (a: number, b: number) => {
    let s = 0;
    for (let k = 0; k < dim; k++) s += (x[a * dim + k]! - x[b * dim + k]!) ** 2;
    return o.slack ? s - o.slack[a]! - o.slack[b]! : s;
  };
  const cannot = cannotLinkOf(o.constraints);
  const inMust = new Set(o.constraints?.mustLink ?? []);
  const takesPart = (f: number) =>
    !o.quality || o.minQuality === undefined || o.quality[f]! >= o.minQuality || inMust.has(f);
  let clusters: number[][] = [];
  const where = new Map<number, number[]>();
  for (let f = 0; f < n; f++) {
    if (!takesPart(f)) continue;
    const c = [f];
    clusters.push(c);
    where.set(f, c);
  }
  const conflict = (a: number[], b: number[]) => a.some((p) => b.some((q) => cannot(p, q)));
  const pinned = new Set<number[]>();
  const must = o.constraints?.mustLink ?? new Int32Array(0);
  for (let i = 0; i < must.length; i += 2) {
    const a = where.get(must[i]!)!;
    const b = where.get(must[i + 1]!)!;
    if (a === b || conflict(a, b)) continue;
    a.push(...b);
    for (const f of b) where.set(f, a);
    clusters = clusters.filter((c) => c !== b);
    pinned.delete(b);
    pinned.add(a);
  }
  const linkage = (a: number[], b: number[]) => {
    const all = a.flatMap((p) => b.map((q) => d(p, q)));
    if (o.linkage === 'single') return Math.min(...all);
    if (o.linkage === 'complete') return Math.max(...all);
    return all.reduce((s, v) => s + v, 0) / all.length;
  };
  for (;;) {
    let best = Number.POSITIVE_INFINITY;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        if (conflict(clusters[i]!, clusters[j]!)) continue;
        const v = linkage(clusters[i]!, clusters[j]!);
        if (v < best) {
          best = v;
          bi = i;
          bj = j;
        }
      }
    }
    if (bi < 0 || best > o.threshold) break;
    const a = clusters[bi]!;
    const b = clusters[bj]!;
    a.push(...b);
    if (pinned.has(b)) pinned.add(a);
    clusters.splice(bj, 1);
  }
  const kept = clusters
    .filter((c) => c.length >= (o.minClusterSize ?? 1) || pinned.has(c))
    .sort((a, b) => b.length - a.length || Math.min(...a) - Math.min(...b));
  const labels = new Int32Array(n).fill(-1);
  kept.forEach((c, i) => {
    for (const f of c) labels[f] = i;
  });
  return labels;
}

/** n unit vectors in `groups` loose blobs (so thresholds near 1 give non-trivial clusterings). */
export function blobs(n: number, dim: number, groups: number, spread: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centres = Array.from({ length: groups }, () => Array.from({ length: dim }, gauss));
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centres[Math.floor(r() * groups)]!;
    let norm = 0;
    for (let k = 0; k < dim; k++) {
      const v = c[k]! / Math.sqrt(dim) + (spread * gauss()) / Math.sqrt(dim);
      x[i * dim + k] = v;
      norm += v * v;
    }
    for (let k = 0; k < dim; k++) x[i * dim + k]! /= Math.sqrt(norm);
  }
  return x;
}
