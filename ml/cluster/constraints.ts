// Constraints → the starting state shared by the exact and the scalable clustering:
// which faces take part, the must-link components they start in, and which of those
// components may never meet. Also the checker that tests use on every output.
import type { ClusterConstraints, ClusterOptions } from './types.ts';

/** Starting state of an agglomeration ("initial clusters" = must-link components). */
export interface Prepared {
  /** Faces in the input. */
  n: number;
  /** Per face: its initial cluster 0..m−1, or −1 when it takes no part. */
  comp: Int32Array;
  /** Initial clusters, numbered by their lowest face index (so order = order of first face). */
  m: number;
  /** Faces of each initial cluster, CSR: compFaces[compStart[c] .. compStart[c+1]). */
  compStart: Int32Array;
  compFaces: Int32Array;
  /** 1 where the initial cluster holds a must-link pair (exempt from minClusterSize). */
  pinned: Uint8Array;
  /** Flat, deduplicated pairs (a < b) of initial clusters that may never share a cluster. */
  forbidden: Int32Array;
  /** Must-link pair numbers dropped because they contradict a cannot-link. */
  droppedMustLinks: Int32Array;
}

function checkFace(face: number, n: number, what: string): void {
  if (!Number.isInteger(face) || face < 0 || face >= n) {
    throw new RangeError(`${what} names face ${face}, outside 0..${n - 1}`);
  }
}

function checkPairs(pairs: Int32Array | undefined, n: number, what: string): void {
  if (!pairs) return;
  if (pairs.length % 2 !== 0) throw new RangeError(`${what} must hold pairs (even length)`);
  for (const face of pairs) checkFace(face, n, what);
}

/** CSR of one integer list per key. */
interface Csr {
  start: Int32Array;
  items: Int32Array;
}

function buildCsr(
  keys: number,
  entries: number,
  forEach: (emit: (key: number, item: number) => void) => void,
): Csr {
  const start = new Int32Array(keys + 1);
  forEach((key) => {
    start[key + 1]!++;
  });
  for (let k = 0; k < keys; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, keys);
  const items = new Int32Array(entries);
  forEach((key, item) => {
    items[fill[key]!++] = item;
  });
  return { start, items };
}

/**
 * [Note: cannot-link tokens]
 * Every cannot-link becomes a token carried by faces: one token per group (photo) carried by all
 * its faces, and one token per explicit pair carried by its two faces. Two clusters may never
 * merge exactly when they carry a common token. This keeps groups linear in size for the
 * must-link check; the forbidden cluster pairs handed to the agglomeration are still all pairs
 * within a token (a photo of k faces gives k(k−1)/2, which real photos keep small).
 */
function tokens(n: number, c: ClusterConstraints | undefined): { faceTokens: Csr; tokenFaces: Csr } {
  const groupOf = c?.groupOf;
  const cannot = c?.cannotLink;
  if (groupOf && groupOf.length !== n) {
    throw new RangeError(`groupOf has ${groupOf.length} entries for ${n} faces`);
  }
  checkPairs(cannot, n, 'cannotLink');
  const groupToken = new Map<number, number>();
  const faceGroup = new Int32Array(n).fill(-1);
  if (groupOf) {
    for (let f = 0; f < n; f++) {
      const g = groupOf[f]!;
      if (g < 0) continue;
      let t = groupToken.get(g);
      if (t === undefined) {
        t = groupToken.size;
        groupToken.set(g, t);
      }
      faceGroup[f] = t;
    }
  }
  const groups = groupToken.size;
  const pairCount = cannot ? cannot.length / 2 : 0;
  const forEach = (emit: (face: number, token: number) => void) => {
    for (let f = 0; f < n; f++) if (faceGroup[f]! >= 0) emit(f, faceGroup[f]!);
    for (let i = 0; i < pairCount; i++) {
      const a = cannot![2 * i]!;
      const b = cannot![2 * i + 1]!;
      if (a === b) continue; // "a face is not itself" carries no information
      emit(a, groups + i);
      emit(b, groups + i);
    }
  };
  let entries = 0;
  forEach(() => {
    entries++;
  });
  const faceTokens = buildCsr(n, entries, forEach);
  const tokenFaces = buildCsr(groups + pairCount, entries, (emit) => forEach((f, t) => emit(t, f)));
  return { faceTokens, tokenFaces };
}

/** Validates the input and builds the starting state. O(n + constraints). */
export function prepare(embeddings: Float32Array, options: ClusterOptions): Prepared {
  const { dim } = options;
  if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`dim must be a positive integer, got ${dim}`);
  if (embeddings.length % dim !== 0) {
    throw new RangeError(`embeddings length ${embeddings.length} is not a multiple of dim ${dim}`);
  }
  if (!(options.threshold >= 0)) throw new RangeError(`threshold must be ≥ 0, got ${options.threshold}`);
  const n = embeddings.length / dim;
  const quality = options.quality;
  if (quality && quality.length !== n)
    throw new RangeError(`quality has ${quality.length} entries for ${n} faces`);
  const must = options.constraints?.mustLink;
  checkPairs(must, n, 'mustLink');
  const { faceTokens, tokenFaces } = tokens(n, options.constraints);

  // Must-link components by union-find; a pair whose components share a token is dropped.
  const parent = new Int32Array(n);
  for (let f = 0; f < n; f++) parent[f] = f;
  const find = (f: number): number => {
    let r = f;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[f] !== r) {
      const next = parent[f]!;
      parent[f] = r;
      f = next;
    }
    return r;
  };
  const inMustLink = new Uint8Array(n);
  const tokenSets = new Map<number, Set<number>>();
  const setOf = (root: number): Set<number> => {
    let s = tokenSets.get(root);
    if (!s) {
      // A root without a set has never been merged: it is a single face.
      s = new Set(faceTokens.items.subarray(faceTokens.start[root]!, faceTokens.start[root + 1]!));
      tokenSets.set(root, s);
    }
    return s;
  };
  const dropped: number[] = [];
  const mustPairs = must ? must.length / 2 : 0;
  for (let i = 0; i < mustPairs; i++) {
    const a = must![2 * i]!;
    const b = must![2 * i + 1]!;
    inMustLink[a] = 1;
    inMustLink[b] = 1;
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) continue;
    let small = setOf(ra);
    let large = setOf(rb);
    let smallRoot = ra;
    let largeRoot = rb;
    if (small.size > large.size) {
      [small, large] = [large, small];
      [smallRoot, largeRoot] = [largeRoot, smallRoot];
    }
    let conflict = false;
    for (const t of small) {
      if (large.has(t)) {
        conflict = true;
        break;
      }
    }
    if (conflict) {
      dropped.push(i);
      continue;
    }
    for (const t of small) large.add(t);
    parent[smallRoot] = largeRoot;
    tokenSets.delete(smallRoot);
  }

  const minQuality = options.minQuality;
  const comp = new Int32Array(n).fill(-1);
  const compOfRoot = new Int32Array(n).fill(-1);
  let m = 0;
  for (let f = 0; f < n; f++) {
    // `!(q >= min)` also drops NaN quality.
    if (quality && minQuality !== undefined && !(quality[f]! >= minQuality) && !inMustLink[f]) continue;
    const r = find(f);
    if (compOfRoot[r]! < 0) compOfRoot[r] = m++;
    comp[f] = compOfRoot[r]!;
  }
  let participating = 0;
  for (let f = 0; f < n; f++) if (comp[f]! >= 0) participating++;
  const byComp = buildCsr(m, participating, (emit) => {
    for (let f = 0; f < n; f++) if (comp[f]! >= 0) emit(comp[f]!, f);
  });
  const pinned = new Uint8Array(m);
  for (let c = 0; c < m; c++) if (byComp.start[c + 1]! - byComp.start[c]! > 1) pinned[c] = 1;

  // Forbidden initial-cluster pairs: all pairs of distinct clusters within each token.
  const seen = new Set<number>();
  const forbidden: number[] = [];
  const tokenCount = tokenFaces.start.length - 1;
  const local: number[] = [];
  for (let t = 0; t < tokenCount; t++) {
    local.length = 0;
    for (let k = tokenFaces.start[t]!; k < tokenFaces.start[t + 1]!; k++) {
      const c = comp[tokenFaces.items[k]!]!;
      if (c >= 0) local.push(c);
    }
    for (let i = 0; i < local.length; i++) {
      for (let j = i + 1; j < local.length; j++) {
        const a = Math.min(local[i]!, local[j]!);
        const b = Math.max(local[i]!, local[j]!);
        const key = a * m + b;
        if (a === b || seen.has(key)) continue;
        seen.add(key);
        forbidden.push(a, b);
      }
    }
  }
  return {
    n,
    comp,
    m,
    compStart: byComp.start,
    compFaces: byComp.items,
    pinned,
    forbidden: Int32Array.from(forbidden),
    droppedMustLinks: Int32Array.from(dropped),
  };
}

/**
 * Labels from the final grouping of initial clusters: `finalOf[c]` is any id in 0..m−1 shared by
 * the initial clusters that ended up together. Clusters are numbered largest first (ties: lowest
 * face index first); those under minClusterSize and not pinned become −1.
 */
export function finalLabels(
  prep: Prepared,
  finalOf: Int32Array,
  minClusterSize: number,
): { labels: Int32Array; clusters: number } {
  const { m, n } = prep;
  const size = new Int32Array(m);
  const first = new Int32Array(m).fill(-1);
  const pinned = new Uint8Array(m);
  for (let c = 0; c < m; c++) {
    const k = finalOf[c]!;
    size[k]! += prep.compStart[c + 1]! - prep.compStart[c]!;
    // Initial clusters are numbered by lowest face, so the first one seen has the lowest face.
    if (first[k]! < 0) first[k] = c;
    if (prep.pinned[c]) pinned[k] = 1;
  }
  const keep: number[] = [];
  for (let k = 0; k < m; k++) {
    if (first[k]! >= 0 && (size[k]! >= minClusterSize || pinned[k])) keep.push(k);
  }
  keep.sort((a, b) => size[b]! - size[a]! || first[a]! - first[b]!);
  const labelOf = new Int32Array(m).fill(-1);
  keep.forEach((k, i) => {
    labelOf[k] = i;
  });
  const labels = new Int32Array(n).fill(-1);
  for (let f = 0; f < n; f++) {
    const c = prep.comp[f]!;
    if (c >= 0) labels[f] = labelOf[finalOf[c]!]!;
  }
  return { labels, clusters: keep.length };
}

export interface ConstraintViolation {
  kind: 'group' | 'cannotLink' | 'mustLink';
  a: number;
  b: number;
}

/**
 * Every way `labels` breaks the constraints (empty = all honoured). A cannot-link or group holds
 * when the faces have different labels or either is unassigned; a must-link holds when both faces
 * have the same label ≥ 0. `excusedMustLinks` lists must-link pair numbers to skip (those a
 * clustering reported as dropped because they contradict a cannot-link).
 */
export function checkConstraints(
  labels: Int32Array,
  constraints: ClusterConstraints,
  excusedMustLinks?: Int32Array,
): ConstraintViolation[] {
  const out: ConstraintViolation[] = [];
  const { groupOf, cannotLink, mustLink } = constraints;
  if (groupOf) {
    const firstFace = new Map<string, number>();
    for (let f = 0; f < labels.length; f++) {
      const g = groupOf[f]!;
      const l = labels[f]!;
      if (g < 0 || l < 0) continue;
      const key = `${g}:${l}`;
      const other = firstFace.get(key);
      if (other === undefined) firstFace.set(key, f);
      else out.push({ kind: 'group', a: other, b: f });
    }
  }
  if (cannotLink) {
    for (let i = 0; i + 1 < cannotLink.length; i += 2) {
      const a = cannotLink[i]!;
      const b = cannotLink[i + 1]!;
      if (a !== b && labels[a]! >= 0 && labels[a] === labels[b]) out.push({ kind: 'cannotLink', a, b });
    }
  }
  if (mustLink) {
    const excused = new Set(excusedMustLinks ?? []);
    for (let i = 0; i + 1 < mustLink.length; i += 2) {
      const a = mustLink[i]!;
      const b = mustLink[i + 1]!;
      if (a === b || excused.has(i / 2)) continue;
      if (!(labels[a]! >= 0 && labels[a] === labels[b])) out.push({ kind: 'mustLink', a, b });
    }
  }
  return out;
}
