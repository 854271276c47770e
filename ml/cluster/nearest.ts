// Incremental recognition: new faces join the people the library already has (FaceNet's
// "recognition = k-NN against named faces"), without re-clustering.
import { DotKernel, padStride, quantizeRows16 } from './kernel.ts';

const align16 = (x: number): number => Math.ceil(x / 16) * 16;

/**
 * Query rows per kernel call and library rows per block. The kernel keeps only the products
 * that reach each row's cut (dotsAbove), so the candidate lists are 2 × 64 × 16384 int32 at most
 * but hold a few dozen entries per row in practice.
 */
const QUERY_TILE = 64;
const LIBRARY_BLOCK = 16384;
const NO_CUT = 2147483647;
/** Byte offsets of the kernel's scratch: queries, cuts, counts, candidate lists, then the library. */
const CUTS_OFF = align16(QUERY_TILE * 128 * 2 * 8);
const COUNTS_OFF = CUTS_OFF + QUERY_TILE * 4;
const IDX_OFF = align16(COUNTS_OFF + QUERY_TILE * 4);
const RAW_OFF = IDX_OFF + QUERY_TILE * LIBRARY_BLOCK * 4;

/**
 * Library faces quantised into a kernel's memory once, for many nearestPeople calls.
 * Holds a reference to `embeddings` (not a copy) for the exact distances.
 */
export interface FaceIndex {
  readonly n: number;
  readonly dim: number;
  readonly embeddings: Float32Array;
  /** Internal: the kernel with the int8 library at `libraryOffset`. */
  readonly kernel: DotKernel;
  readonly libraryOffset: number;
  readonly stride: number;
  readonly inverse: Float32Array;
  readonly norm2: Float32Array;
  readonly l1Max: number;
  readonly normMin: number;
  readonly inverseMax: number;
}

export function buildFaceIndex(embeddings: Float32Array, dim: number): FaceIndex {
  if (embeddings.length % dim !== 0) throw new RangeError('embeddings length is not a multiple of dim');
  const n = embeddings.length / dim;
  const stride = padStride(dim);
  const kernel = new DotKernel();
  if (stride > 128 * 8) throw new RangeError('dim above 1024 is not supported');
  const libraryOffset = align16(RAW_OFF + QUERY_TILE * LIBRARY_BLOCK * 4);
  kernel.reserve(libraryOffset + n * stride);
  // One pass for the row statistics, one to quantise (as quantizeRows8, whose separate passes
  // made the build a quarter of the recognition time at 100k).
  const inverse = new Float32Array(n);
  const norm2 = new Float32Array(n);
  const library = new Int8Array(kernel.memory.buffer, libraryOffset, n * stride);
  let l1Max = 0;
  let normMin = Number.POSITIVE_INFINITY;
  let inverseMax = 0;
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    let s = 0;
    let a = 0;
    let max = 0;
    for (let k = 0; k < dim; k++) {
      const v = embeddings[o + k]!;
      const abs = Math.abs(v);
      s += v * v;
      a += abs;
      if (abs > max) max = abs;
    }
    const scale = max > 0 ? 127 / max : 0;
    const d = i * stride;
    for (let k = 0; k < dim; k++) library[d + k] = Math.round(embeddings[o + k]! * scale);
    inverse[i] = max > 0 ? max / 127 : 0;
    norm2[i] = s;
    l1Max = Math.max(l1Max, a);
    normMin = Math.min(normMin, s);
    inverseMax = Math.max(inverseMax, inverse[i]!);
  }
  return { n, dim, embeddings, kernel, libraryOffset, stride, inverse, norm2, l1Max, normMin, inverseMax };
}

export interface NearestPeopleOptions {
  /** Squared L2: only library faces this close vote. */
  threshold: number;
  /** Person of each library face; −1 = the face is in no person and never votes. */
  personOf: Int32Array;
  /** Library faces that vote (the k nearest within the threshold). Default 5. */
  k?: number | undefined;
  /** Votes the winner needs. Default 1. */
  minVotes?: number | undefined;
  /** Photo of each library face and of each new face (−1 = none): a new face never joins a
   * person who already has a face in its photo, and two new faces of one photo never join the
   * same person. */
  libraryGroupOf?: Int32Array | undefined;
  queryGroupOf?: Int32Array | undefined;
  /** Flat pairs [newFace, person] that never match ("not this person", remembered forever). */
  forbidden?: Int32Array | undefined;
  /**
   * Per-face slack (ClusterOptions.slack) of the library faces and of the new faces: a pair votes
   * when d − slack_lib − slack_new ≤ threshold, and votes rank by that distance. The k + 4 screened
   * candidates are still the nearest by plain distance.
   */
  librarySlack?: Float32Array | undefined;
  querySlack?: Float32Array | undefined;
}

export interface NearestPeopleResult {
  /** Per new face: the person it joins, or −1. */
  person: Int32Array;
  /** Squared L2 (less the pair's slack) to the nearest voting face of that person (NaN when unassigned). */
  distance: Float32Array;
  /** Votes the person got among the k nearest (0 when unassigned). */
  votes: Int32Array;
}

/** Which library faces a query may keep, and how far it reaches (plain squared L2). */
export interface NearestFacesOptions {
  /** Faces kept per query (nearest first, by the int8 estimate). */
  keep: number;
  /** Plain-distance reach of query row i: faces farther are not kept. */
  reachOf: (row: number) => number;
  /** Group of each library face; −1 = never kept. */
  personOf: Int32Array;
  /** Group of each query: library faces of the same group are not kept. */
  skipPersonOf?: Int32Array | undefined;
}

/**
 * The `keep` nearest library faces of each query within its reach, screened by the int8 kernel
 * with a rigorous error bound: their ids (−1 = none), row-major, `keep` per query, nearest first
 * by the int8 estimate; the caller computes the exact distances it needs.
 */
export function nearestFaces(
  index: FaceIndex,
  queries: Float32Array,
  options: NearestFacesOptions,
): Int32Array {
  const { dim, stride, kernel, libraryOffset, n } = index;
  const q = queries.length / dim;
  const { keep, reachOf, personOf, skipPersonOf } = options;
  const nearId = new Int32Array(q * keep).fill(-1);
  const nearD = new Float32Array(q * keep).fill(Number.POSITIVE_INFINITY);
  const qScale = new Float32Array(QUERY_TILE);
  const qNorm = new Float64Array(QUERY_TILE);
  const qL1 = new Float64Array(QUERY_TILE);
  for (let a = 0; a < q; a += QUERY_TILE) {
    const rows = Math.min(QUERY_TILE, q - a);
    const nq = Math.ceil(rows / 4) * 4;
    const q16 = new Int16Array(kernel.memory.buffer, 0, nq * stride);
    quantizeRows16(queries.subarray(a * dim, (a + rows) * dim), dim, null, rows, q16, stride, qScale);
    q16.fill(0, rows * stride);
    for (let t = 0; t < rows; t++) {
      const o = (a + t) * dim;
      let ni = 0;
      let l1 = 0;
      for (let x = 0; x < dim; x++) {
        ni += queries[o + x]! * queries[o + x]!;
        l1 += Math.abs(queries[o + x]!);
      }
      qNorm[t] = ni;
      qL1[t] = l1;
    }
    // Rows can only come nearer than d when their product reaches this (see graph.ts).
    const cutFor = (t: number, d: number): number => {
      const reach = qNorm[t]! + index.normMin - d;
      const qi = qScale[t]!;
      return reach > 0 && qi > 0 ? Math.floor(reach / (2 * qi * index.inverseMax)) : -2147483648;
    };
    // |dot error| ≤ l1(query)·step(lib)/2 + l1(lib)·step(query)/2 (as in graph.ts).
    const slackMax = (t: number): number =>
      2 * (qL1[t]! * (index.inverseMax / 2) + (qScale[t]! / 2) * index.l1Max) + 1e-5;
    for (let b = 0; b < n; b += LIBRARY_BLOCK) {
      const nd = Math.min(LIBRARY_BLOCK, n - b);
      const cuts = new Int32Array(kernel.memory.buffer, CUTS_OFF, nq);
      for (let t = 0; t < rows; t++) {
        cuts[t] = cutFor(t, Math.min(reachOf(a + t) + slackMax(t), nearD[(a + t) * keep + keep - 1]!));
      }
      cuts.fill(NO_CUT, rows);
      kernel.dotsAbove(0, nq, libraryOffset + b * stride, nd, stride, CUTS_OFF, IDX_OFF, RAW_OFF, COUNTS_OFF);
      const buffer = kernel.memory.buffer;
      const idx = new Int32Array(buffer, IDX_OFF, nq * nd);
      const out = new Int32Array(buffer, RAW_OFF, nq * nd);
      const counts = new Int32Array(buffer, COUNTS_OFF, nq);
      for (let t = 0; t < rows; t++) {
        const qi = qScale[t]!;
        const row = a + t;
        const ni = qNorm[t]!;
        const l1 = qL1[t]!;
        const base = row * keep;
        const skip = skipPersonOf ? skipPersonOf[row]! : -2;
        let worst = nearD[base + keep - 1]!;
        const reach = reachOf(row);
        let cut = cutFor(t, Math.min(reach + slackMax(t), worst));
        const ro = t * nd;
        for (let e = ro; e < ro + counts[t]!; e++) {
          const raw = out[e]!;
          if (raw < cut) continue;
          const lib = b + idx[e]!;
          if (personOf[lib]! < 0 || personOf[lib] === skip) continue;
          const inv = index.inverse[lib]!;
          const approx = ni + index.norm2[lib]! - 2 * raw * qi * inv;
          if (approx > reach + 2 * (l1 * (inv / 2) + (qi / 2) * index.l1Max) + 1e-5 || approx >= worst)
            continue;
          // Insert into the sorted list of `keep`.
          let at = keep - 1;
          while (at > 0 && nearD[base + at - 1]! > approx) {
            nearD[base + at] = nearD[base + at - 1]!;
            nearId[base + at] = nearId[base + at - 1]!;
            at--;
          }
          nearD[base + at] = approx;
          nearId[base + at] = lib;
          worst = nearD[base + keep - 1]!;
          cut = cutFor(t, Math.min(reach + slackMax(t), worst));
        }
      }
    }
  }

  return nearId;
}

/**
 * [Note: recognition by k-NN vote]
 * Each new face takes its k nearest library faces within the threshold (exhaustively: int8
 * kernel screening with a rigorous error bound, exact float distances for the kept ones); the
 * votes of people it may not join (a "not this person", or a person who already has a face in
 * its photo) are set aside, and the allowed person with most votes wins (ties: the nearer face),
 * given at least minVotes. New faces are then settled nearest first, so that when two faces of
 * one photo pick the same person the nearer one keeps it and the other falls back to its next
 * allowed person, or stays unassigned.
 */
export function nearestPeople(
  index: FaceIndex,
  queries: Float32Array,
  options: NearestPeopleOptions,
): NearestPeopleResult {
  const { dim, n } = index;
  if (queries.length % dim !== 0) throw new RangeError('queries length is not a multiple of dim');
  if (options.personOf.length !== n) throw new RangeError('personOf must have one entry per library face');
  const q = queries.length / dim;
  const k = Math.max(1, Math.floor(options.k ?? 5));
  const minVotes = options.minVotes ?? 1;
  const { threshold, personOf } = options;
  const librarySlack = options.librarySlack;
  const querySlack = options.querySlack;
  let maxLibrarySlack = 0;
  if (librarySlack) for (let f = 0; f < n; f++) maxLibrarySlack = Math.max(maxLibrarySlack, librarySlack[f]!);
  /** The plain-distance reach of query row i: its threshold widened by the most slack it can meet. */
  const reachOf = (i: number): number => threshold + (querySlack?.[i] ?? 0) + maxLibrarySlack;

  // k nearest voting faces per query by screened int8 distance (k + 4 kept, then made exact).
  const keep = k + 4;
  const nearId = nearestFaces(index, queries, { keep, reachOf, personOf });

  // Who may not join whom.
  const forbidden = new Map<number, Set<number>>();
  if (options.forbidden) {
    for (let i = 0; i + 1 < options.forbidden.length; i += 2) {
      const face = options.forbidden[i]!;
      const people = forbidden.get(face) ?? new Set<number>();
      people.add(options.forbidden[i + 1]!);
      forbidden.set(face, people);
    }
  }
  const groupPeople = new Map<number, Set<number>>();
  const libraryGroupOf = options.libraryGroupOf;
  const queryGroupOf = options.queryGroupOf;
  if (libraryGroupOf && queryGroupOf) {
    for (let i = 0; i < q; i++) if (queryGroupOf[i]! >= 0) groupPeople.set(queryGroupOf[i]!, new Set());
    for (let f = 0; f < n; f++) {
      const people = groupPeople.get(libraryGroupOf[f]!);
      if (people && personOf[f]! >= 0) people.add(personOf[f]!);
    }
  }
  const mayJoin = (face: number, person: number): boolean => {
    if (forbidden.get(face)?.has(person)) return false;
    const g = queryGroupOf ? queryGroupOf[face]! : -1;
    return !(g >= 0 && groupPeople.get(g)?.has(person));
  };

  // Exact distances, k nearest within the threshold, then a ranked list of candidates per face.
  const candidates: { person: number; votes: number; distance: number }[][] = [];
  const exact: { d: number; person: number }[] = [];
  for (let i = 0; i < q; i++) {
    exact.length = 0;
    for (let t = i * keep; t < i * keep + keep; t++) {
      const lib = nearId[t]!;
      if (lib < 0) continue;
      let s = 0;
      for (let x = 0; x < dim; x++) {
        const diff = queries[i * dim + x]! - index.embeddings[lib * dim + x]!;
        s += diff * diff;
      }
      const d = s - (querySlack?.[i] ?? 0) - (librarySlack?.[lib] ?? 0);
      if (d <= threshold) exact.push({ d, person: personOf[lib]! });
    }
    exact.sort((x, y) => x.d - y.d);
    const tally = new Map<number, { person: number; votes: number; distance: number }>();
    for (const { d, person } of exact.slice(0, k)) {
      if (!mayJoin(i, person)) continue;
      const entry = tally.get(person);
      if (entry) entry.votes++;
      else tally.set(person, { person, votes: 1, distance: d });
    }
    candidates.push(
      [...tally.values()]
        .filter((c) => c.votes >= minVotes)
        .sort((x, y) => y.votes - x.votes || x.distance - y.distance),
    );
  }

  // Settle nearest first; a photo's faces never share a person.
  const person = new Int32Array(q).fill(-1);
  const distance = new Float32Array(q).fill(Number.NaN);
  const votes = new Int32Array(q);
  const order = Array.from({ length: q }, (_, i) => i).sort(
    (x, y) =>
      (candidates[x]![0]?.distance ?? Number.POSITIVE_INFINITY) -
      (candidates[y]![0]?.distance ?? Number.POSITIVE_INFINITY),
  );
  const taken = new Set<string>();
  for (const i of order) {
    const g = queryGroupOf ? queryGroupOf[i]! : -1;
    for (const c of candidates[i]!) {
      if (g >= 0 && taken.has(`${g}:${c.person}`)) continue;
      if (g >= 0) taken.add(`${g}:${c.person}`);
      person[i] = c.person;
      distance[i] = c.distance;
      votes[i] = c.votes;
      break;
    }
  }
  return { person, distance, votes };
}
