// A second pass after the agglomeration: small clusters join a larger person their faces sit
// next to, judged by each face's nearest faces there rather than by the mean over all of them.

import { gatherRows } from '../util/rows.ts';
import type { Prepared } from './constraints.ts';
import type { EdgeBuckets } from './edges.ts';
import { squaredDistance } from './kernel.ts';
import { buildFaceIndex, nearestFaces } from './nearest.ts';

export interface AttachOptions {
  /** Nearest faces of the other cluster that each face averages (fewer when it is smaller). */
  k: number;
  /**
   * Squared L2, below the clustering threshold: a cluster attaches when its score (see the note)
   * is at most this.
   */
  threshold: number;
  /** Only clusters of at most this many faces attach (default ATTACH_MAX_SIZE). */
  maxSize?: number | undefined;
  /** Without a candidate graph: nearest faces in other clusters looked at per face (default ATTACH_NEIGHBORS). */
  neighbors?: number | undefined;
}

/**
 * Clusters above this size are people the agglomeration has settled; on lfw-dev (degraded and
 * full quality) a limit of 30 attached exactly what no limit did, and it bounds the k-NN search.
 */
export const ATTACH_MAX_SIZE = 32;
/** Measured on lfw-dev: 8 and 16 neighbours attached the same clusters. */
export const ATTACH_NEIGHBORS = 8;

/**
 * [Note: attaching small clusters]
 * Average linkage compares a cluster with the mean over all of a person's faces. A person
 * photographed over years, or seen through small, compressed photos, is spread out, so a few of
 * their faces can sit right next to part of them and still be farther than the threshold from
 * the mean: they found a person of their own (on degraded lfw-dev, Tony Blair's 144 faces split
 * 96 + 7 + 6 + 5 + 5 + …, half of all the pairs clustering missed). This pass lets such a small
 * cluster A join a cluster B of at least its size when
 *   score(A, B) = mean over faces a of A of  mean of the k smallest d̃(a, b), b in B
 * is at most the attach threshold, where d̃ = min(d − slack_a − slack_b, T) (T the clustering
 * threshold; a face with fewer than k of B's faces within T counts T for the rest). The
 * candidates are the clusters with a face within T of a face of A (any other scores T, above the
 * attach threshold, which is below T). Each A takes its lowest-scoring allowed B (ties: the lowest
 * id); clusters are visited smallest first (ties: lowest first face), once, and sizes grow as they
 * attach. Cannot-links and photos hold as in the agglomeration: A never joins a B it may not meet.
 * The pairs under T come from the agglomeration's candidate graph when there is one (the
 * scalable engine: exact while its graph is, see scalable.ts), else from a k-NN search of each
 * face's `neighbors` nearest faces in other clusters (int8-screened, then exact); there, faces
 * missed count T, so a face with more than `neighbors` other faces within T may score a little
 * higher than the definition says (never lower).
 */
export function attachClusters(
  prep: Prepared,
  finalOf: Int32Array,
  embeddings: Float32Array,
  dim: number,
  threshold: number,
  options: AttachOptions,
  slack?: Float32Array | undefined,
  edges?: EdgeBuckets | undefined,
): Int32Array {
  const { n, m } = prep;
  const maxSize = options.maxSize ?? ATTACH_MAX_SIZE;
  const keep = Math.max(1, options.neighbors ?? ATTACH_NEIGHBORS);
  const k = Math.max(1, Math.floor(options.k));
  // Union-find over the final ids (initial cluster numbers); root = where a cluster attached.
  const parent = Int32Array.from({ length: m }, (_, c) => c);
  const find = (c: number): number => {
    while (parent[c] !== c) {
      parent[c] = parent[parent[c]!]!;
      c = parent[c]!;
    }
    return c;
  };
  const clusterOfFace = new Int32Array(n).fill(-1);
  const size = new Int32Array(m);
  const firstFace = new Int32Array(m).fill(n);
  const library: number[] = [];
  for (let f = 0; f < n; f++) {
    const c = prep.comp[f]!;
    if (c < 0) continue;
    const id = finalOf[c]!;
    clusterOfFace[f] = id;
    size[id]!++;
    if (f < firstFace[id]!) firstFace[id] = f;
    library.push(f);
  }
  const members = new Map<number, number[]>();
  for (const f of library) {
    const id = clusterOfFace[f]!;
    if (size[id]! > maxSize) continue;
    const list = members.get(id);
    if (list) list.push(f);
    else members.set(id, [f]);
  }
  if (members.size === 0) return finalOf;

  // Each small cluster's faces: their nearest faces in other clusters within T, exact.
  const queryFaces = [...members.values()].flat();
  const within = { embeddings, dim, threshold, slack, clusterOfFace };
  const near = edges
    ? nearFromEdges(edges, queryFaces, within)
    : nearBySearch(library, queryFaces, keep, within);

  // Pairs of final clusters that may never meet; kept on the roots as clusters attach.
  const forbidden = new Map<number, Set<number>>();
  const forbid = (a: number, b: number) => {
    const s = forbidden.get(a);
    if (s) s.add(b);
    else forbidden.set(a, new Set([b]));
  };
  for (let i = 0; i + 1 < prep.forbidden.length; i += 2) {
    const a = finalOf[prep.forbidden[i]!]!;
    const b = finalOf[prep.forbidden[i + 1]!]!;
    forbid(a, b);
    forbid(b, a);
  }

  const order = [...members.keys()].sort((a, b) => size[a]! - size[b]! || firstFace[a]! - firstFace[b]!);
  for (const a of order) {
    const own = members.get(a)!;
    if (size[a]! > maxSize) continue;
    const banned = forbidden.get(a);
    // Per candidate: the sum over A's faces of their k-nearest mean (faces with none there add T).
    const sum = new Map<number, number>();
    const seen = new Map<number, number>();
    for (const f of own) {
      const byCluster = new Map<number, number[]>();
      for (const { face, d } of near.get(f)!) {
        const b = find(clusterOfFace[face]!);
        if (b === a || size[b]! < size[a]! || banned?.has(b)) continue;
        const ds = byCluster.get(b);
        if (ds) ds.push(d);
        else byCluster.set(b, [d]);
      }
      for (const [b, ds] of byCluster) {
        const kb = Math.min(k, size[b]!);
        let s = 0;
        for (let i = 0; i < kb; i++) s += i < ds.length ? ds[i]! : threshold;
        sum.set(b, (sum.get(b) ?? 0) + s / kb);
        seen.set(b, (seen.get(b) ?? 0) + 1);
      }
    }
    let best = -1;
    let bestScore = Number.POSITIVE_INFINITY;
    for (const [b, s] of sum) {
      const score = (s + (own.length - seen.get(b)!) * threshold) / own.length;
      if (score < bestScore || (score === bestScore && b < best)) {
        best = b;
        bestScore = score;
      }
    }
    if (best < 0 || !(bestScore <= options.threshold)) continue;
    parent[a] = best;
    size[best]! += size[a]!;
    members.get(best)?.push(...own);
    for (const x of banned ?? []) {
      forbidden.get(x)?.delete(a);
      forbid(x, best);
      forbid(best, x);
    }
    forbidden.delete(a);
  }
  return Int32Array.from(finalOf, (id) => find(id));
}

interface Within {
  embeddings: Float32Array;
  dim: number;
  threshold: number;
  slack: Float32Array | undefined;
  clusterOfFace: Int32Array;
}

const slackened = (w: Within, f: number, g: number): number =>
  squaredDistance(w.embeddings, f, g, w.dim) - (w.slack?.[f] ?? 0) - (w.slack?.[g] ?? 0);

/**
 * From the agglomeration's candidate graph (scalable.ts): every edge between two clusters, one
 * of them small, whose slackened distance is under T. The graph holds every pair within
 * T + 2·max slack while it is exact (see scalable.ts), so nothing is missed there; beyond, each
 * face's capped neighbours are what it sees, as in the agglomeration.
 */
function nearFromEdges(
  edges: EdgeBuckets,
  queryFaces: readonly number[],
  w: Within,
): Map<number, { face: number; d: number }[]> {
  const near = new Map<number, { face: number; d: number }[]>();
  for (const f of queryFaces) near.set(f, []);
  let maxSlack = 0;
  if (w.slack) for (const f of near.keys()) maxSlack = Math.max(maxSlack, w.slack[f]!);
  // Bounds are of the plain distance; a pair can only be under T once slackened below this.
  const reach = w.threshold + 2 * maxSlack + 1e-6;
  for (const c = edges.cursor(); c.bound <= reach; c.advance()) {
    const { a, b } = c;
    const ca = w.clusterOfFace[a]!;
    const cb = w.clusterOfFace[b]!;
    const nearA = near.get(a);
    const nearB = near.get(b);
    if (ca < 0 || cb < 0 || ca === cb || !(nearA || nearB)) continue;
    const d = slackened(w, a, b);
    if (!(d < w.threshold)) continue;
    nearA?.push({ face: b, d });
    nearB?.push({ face: a, d });
  }
  for (const list of near.values()) list.sort((x, y) => x.d - y.d);
  return near;
}

/** By the k-NN kernel of recognition: each face's `keep` nearest faces in other clusters. */
function nearBySearch(
  library: readonly number[],
  queryFaces: readonly number[],
  keep: number,
  w: Within,
): Map<number, { face: number; d: number }[]> {
  const { embeddings, dim, slack, clusterOfFace } = w;
  const rows = gatherRows(embeddings, dim, library);
  const queries = gatherRows(embeddings, dim, queryFaces);
  let maxSlack = 0;
  if (slack) for (const f of library) maxSlack = Math.max(maxSlack, slack[f]!);
  const ids = nearestFaces(buildFaceIndex(rows, dim), queries, {
    keep,
    reachOf: (row) => w.threshold + (slack?.[queryFaces[row]!] ?? 0) + maxSlack,
    personOf: Int32Array.from(library, (f) => clusterOfFace[f]!),
    skipPersonOf: Int32Array.from(queryFaces, (f) => clusterOfFace[f]!),
  });
  const near = new Map<number, { face: number; d: number }[]>();
  queryFaces.forEach((f, row) => {
    const list: { face: number; d: number }[] = [];
    for (let t = row * keep; t < (row + 1) * keep; t++) {
      if (ids[t]! < 0) continue;
      const g = library[ids[t]!]!;
      const d = slackened(w, f, g);
      if (d < w.threshold) list.push({ face: g, d });
    }
    list.sort((x, y) => x.d - y.d);
    near.set(f, list);
  });
  return near;
}
