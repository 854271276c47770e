// Harmonic embeddings (FaceNet appendix): when the user switches embedder, learn a map from the old
// space (v1) into the new one (v2) from faces embedded by both, so people named in v1 can match faces
// embedded in v2 before the whole library is re-embedded. The map is linear, output re-normalised:
// y = normalize(Wᵀ x). Two ways to fit W:
//  - ridge least squares (closed form): each mapped face lands near its own v2 embedding;
//  - the paper's harmonic triplet loss: triplets mixing mapped-v1 and v2 embeddings (anchor from
//    either space, positive and negative from either) must satisfy the margin, so what is learnt is
//    the v2 *geometry* (who is near whom) rather than point positions. Started from the ridge map.

import { mineSemiHard, pairwiseSqDist, TRIPLET_ALPHA, tripletLoss } from '../../ml/train/triplet.ts';
import { mulberry32 } from '../../ml/util/prng.ts';
import { evaluateFolds } from '../verify/lfw-protocol.ts';

export interface LinearMap {
  from: number;
  to: number;
  /** from×to, row-major: y_j = Σ_i x_i W[i·to + j]. */
  weights: Float32Array;
}

/** Ridge regression from rows of x (n×from) to rows of y (n×to): W = (XᵀX + λI)⁻¹ XᵀY. */
export function fitLinearMap(
  x: Float32Array,
  from: number,
  y: Float32Array,
  to: number,
  lambda = 1e-2,
): LinearMap {
  const n = x.length / from;
  if (y.length / to !== n) throw new RangeError('x and y must hold the same faces');
  const a = new Float64Array(from * from);
  const b = new Float64Array(from * to);
  for (let r = 0; r < n; r++) {
    const xo = r * from;
    const yo = r * to;
    for (let i = 0; i < from; i++) {
      const xi = x[xo + i]!;
      if (xi === 0) continue;
      const ao = i * from;
      for (let j = i; j < from; j++) a[ao + j]! += xi * x[xo + j]!;
      const bo = i * to;
      for (let j = 0; j < to; j++) b[bo + j]! += xi * y[yo + j]!;
    }
  }
  for (let i = 0; i < from; i++) {
    a[i * from + i]! += lambda * n;
    for (let j = 0; j < i; j++) a[i * from + j] = a[j * from + i]!;
  }
  // Cholesky A = L Lᵀ (A is symmetric positive definite thanks to λ), then two triangular solves.
  const l = new Float64Array(from * from);
  for (let i = 0; i < from; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * from + j]!;
      for (let k = 0; k < j; k++) s -= l[i * from + k]! * l[j * from + k]!;
      l[i * from + j] = i === j ? Math.sqrt(s) : s / l[j * from + j]!;
    }
  }
  const w = new Float32Array(from * to);
  const z = new Float64Array(from);
  for (let c = 0; c < to; c++) {
    for (let i = 0; i < from; i++) {
      let s = b[i * to + c]!;
      for (let k = 0; k < i; k++) s -= l[i * from + k]! * z[k]!;
      z[i] = s / l[i * from + i]!;
    }
    for (let i = from - 1; i >= 0; i--) {
      let s = z[i]!;
      for (let k = i + 1; k < from; k++) s -= l[k * from + i]! * w[k * to + c]!;
      w[i * to + c] = s / l[i * from + i]!;
    }
  }
  return { from, to, weights: w };
}

/** Maps rows (n×from) into the target space, L2-normalised. */
export function applyLinearMap(map: LinearMap, x: Float32Array): Float32Array {
  const n = x.length / map.from;
  const out = new Float32Array(n * map.to);
  const acc = new Float64Array(map.to);
  for (let r = 0; r < n; r++) {
    acc.fill(0);
    for (let i = 0; i < map.from; i++) {
      const xi = x[r * map.from + i]!;
      const wo = i * map.to;
      for (let j = 0; j < map.to; j++) acc[j]! += xi * map.weights[wo + j]!;
    }
    let s = 0;
    for (let j = 0; j < map.to; j++) s += acc[j]! * acc[j]!;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < map.to; j++) out[r * map.to + j] = acc[j]! * inv;
  }
  return out;
}

/** A random map (uniform, variance 1/from): the harmonic loss alone, from scratch. */
function randomMap(from: number, to: number, seed: number): LinearMap {
  const rand = mulberry32(seed);
  const scale = Math.sqrt(3 / from);
  return { from, to, weights: Float32Array.from({ length: from * to }, () => (rand() * 2 - 1) * scale) };
}

/** Mapped rows and the pre-normalisation norms (for the backward pass). */
function mapForward(map: LinearMap, x: Float32Array): { y: Float32Array; norms: Float32Array } {
  const n = x.length / map.from;
  const { from, to, weights: w } = map;
  const y = new Float32Array(n * to);
  const norms = new Float32Array(n);
  const acc = new Float64Array(to);
  for (let r = 0; r < n; r++) {
    acc.fill(0);
    for (let i = 0; i < from; i++) {
      const xi = x[r * from + i]!;
      const wo = i * to;
      for (let j = 0; j < to; j++) acc[j]! += xi * w[wo + j]!;
    }
    let s = 0;
    for (let j = 0; j < to; j++) s += acc[j]! * acc[j]!;
    const norm = Math.sqrt(s) || 1;
    norms[r] = norm;
    for (let j = 0; j < to; j++) y[r * to + j] = acc[j]! / norm;
  }
  return { y, norms };
}

export interface HarmonicOptions {
  /** Start from this map (default: the ridge map of the same faces); 'random' = from scratch. */
  init?: LinearMap | 'random' | undefined;
  steps?: number;
  learningRate?: number;
  alpha?: number;
  identitiesPerBatch?: number;
  facesPerIdentity?: number;
  seed?: number;
}

/**
 * Fits the v1→v2 map with the harmonic triplet loss: each batch holds P identities × K faces, every
 * face twice (mapped v1 and v2, same label); semi-hard triplets are mined over all 2·P·K rows, so
 * anchors, positives and negatives each come from either space. v2 is fixed: only the mapped rows
 * pass gradients to W (Adam). Deterministic with a seed.
 */
export function fitHarmonicMap(
  x: Float32Array,
  from: number,
  y: Float32Array,
  to: number,
  labels: Int32Array,
  options: HarmonicOptions = {},
): { map: LinearMap; losses: number[] } {
  const n = labels.length;
  const map: LinearMap =
    options.init === 'random'
      ? randomMap(from, to, options.seed ?? 1)
      : options.init
        ? { ...options.init, weights: Float32Array.from(options.init.weights) }
        : fitLinearMap(x, from, y, to);
  const steps = options.steps ?? 300;
  // Small steps from the ridge start: at 1e-3 the map drifted off it and lost cross-model accuracy.
  const lr = options.learningRate ?? 1e-4;
  const alpha = options.alpha ?? TRIPLET_ALPHA;
  const P = options.identitiesPerBatch ?? 32;
  const K = options.facesPerIdentity ?? 4;
  const rand = mulberry32(options.seed ?? 1);
  const byId = new Map<number, number[]>();
  for (let i = 0; i < n; i++) byId.set(labels[i]!, [...(byId.get(labels[i]!) ?? []), i]);
  // Identities with ≥ 2 faces give cross-face positives; every face also pairs with its own v2 twin.
  const ids = [...byId.keys()].sort((a, b) => a - b);
  const w = map.weights;
  const m = new Float32Array(w.length);
  const v = new Float32Array(w.length);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const faces: number[] = [];
    for (let k = 0; k < Math.min(P, ids.length); k++) {
      const j = k + Math.floor(rand() * (ids.length - k));
      [ids[k], ids[j]] = [ids[j]!, ids[k]!];
      const members = byId.get(ids[k]!)!;
      const take = Math.min(K, members.length);
      const pool = [...members];
      for (let t = 0; t < take; t++) {
        const r = t + Math.floor(rand() * (pool.length - t));
        [pool[t], pool[r]] = [pool[r]!, pool[t]!];
        faces.push(pool[t]!);
      }
    }
    const b = faces.length;
    const xb = new Float32Array(b * from);
    const rows = new Float32Array(2 * b * to);
    faces.forEach((f, r) => {
      xb.set(x.subarray(f * from, (f + 1) * from), r * from);
      rows.set(y.subarray(f * to, (f + 1) * to), (b + r) * to);
    });
    const { y: mapped, norms } = mapForward(map, xb);
    rows.set(mapped, 0);
    const batchLabels = Int32Array.from([...faces, ...faces], (f) => labels[f]!);
    const triplets = mineSemiHard(pairwiseSqDist(rows, to), batchLabels).filter(
      // All-v2 triplets carry no gradient (v2 is fixed) and would only dilute the mean.
      (t) => t.a < b || t.p < b || t.n < b,
    );
    const { loss, grad: gy } = tripletLoss(rows, to, triplets, alpha);
    losses.push(loss);
    // Backward through y = z/‖z‖, z = Wᵀx, for the mapped rows only.
    const g = new Float64Array(w.length);
    for (let r = 0; r < b; r++) {
      let yg = 0;
      let any = false;
      for (let j = 0; j < to; j++) {
        const gj = gy[r * to + j]!;
        if (gj !== 0) any = true;
        yg += mapped[r * to + j]! * gj;
      }
      if (!any) continue;
      const inv = 1 / norms[r]!;
      const gz = new Float64Array(to);
      for (let j = 0; j < to; j++) gz[j] = (gy[r * to + j]! - mapped[r * to + j]! * yg) * inv;
      for (let i = 0; i < from; i++) {
        const xi = xb[r * from + i]!;
        if (xi === 0) continue;
        const o = i * to;
        for (let j = 0; j < to; j++) g[o + j]! += xi * gz[j]!;
      }
    }
    const c1 = 1 - 0.9 ** (step + 1);
    const c2 = 1 - 0.999 ** (step + 1);
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      const mi = 0.9 * m[i]! + 0.1 * gi;
      const vi = 0.999 * v[i]! + 0.001 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] = w[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + 1e-8);
    }
  }
  return { map, losses };
}

export interface HarmonicBenchResult {
  v1: string;
  v2: string;
  train_faces: number;
  test_faces: number;
  test_identities: number;
  /** Cross-model verification (v1 face vs v2 face) on test identities; null when dims differ. */
  before: number | null;
  /** The default fit's (`method`) figures; both fits are in `ridge` and `harmonic`. */
  method: 'ridge' | 'harmonic';
  after: number;
  /** Within-v2 verification on the same pairs: the ceiling. */
  v2_reference: number;
  /**
   * Test people (≥ 2 faces) whose v2 faces mostly find their own mapped v1 person (its other
   * faces) nearest among all test people.
   */
  people_kept: number;
  people: number;
  ridge: MapScores;
  harmonic: MapScores;
  seconds: number;
}

export interface MapScores {
  /** Cross-model verification after the map. */
  after: number;
  people_kept: number;
  seconds: number;
}

/**
 * The fit `bench harmonic` reports as `after`. Ridge: on LFW (faceplugin ↔ mobilefacenet, both
 * directions) the harmonic triplet fine-tune ties it on cross-model verification (±0.02 points) and
 * keeps as many or fewer people, while ridge is closed-form (no step size, no seed), several times
 * faster, and the harmonic loss alone (from a random start) is clearly worse.
 */
export const DEFAULT_HARMONIC_METHOD: 'ridge' | 'harmonic' = 'ridge';

/**
 * Splits identities in half (seeded): the map learns from one half's faces, and is scored on the
 * other half, people it never saw.
 */
export async function benchHarmonic(
  v1: { dim: number; embedder: string; labels: Int32Array; embeddings: Float32Array },
  v2: { dim: number; embedder: string; labels: Int32Array; embeddings: Float32Array },
  options: { seed?: number; lambda?: number; harmonic?: HarmonicOptions } = {},
): Promise<HarmonicBenchResult> {
  const start = performance.now();
  const n = v1.labels.length;
  if (v2.labels.length !== n || v1.labels.some((l, i) => l !== v2.labels[i])) {
    throw new Error('the two embedding files must hold the same faces in the same order');
  }
  const rand = mulberry32(options.seed ?? 1);
  const ids = [...new Set(v1.labels)];
  const testIds = new Set(ids.filter(() => rand() < 0.5));
  const rowsOf = (test: boolean) => [...Array(n).keys()].filter((i) => testIds.has(v1.labels[i]!) === test);
  const train = rowsOf(false);
  const test = rowsOf(true);
  const take = (e: Float32Array, dim: number, rows: number[]) => {
    const out = new Float32Array(rows.length * dim);
    rows.forEach((r, k) => {
      out.set(e.subarray(r * dim, (r + 1) * dim), k * dim);
    });
    return out;
  };
  const trainX = take(v1.embeddings, v1.dim, train);
  const trainY = take(v2.embeddings, v2.dim, train);
  let t0 = performance.now();
  const map = fitLinearMap(trainX, v1.dim, trainY, v2.dim, options.lambda ?? 1e-2);
  const ridgeSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const harmonicMap = fitHarmonicMap(
    trainX,
    v1.dim,
    trainY,
    v2.dim,
    Int32Array.from(train, (r) => v1.labels[r]!),
    { init: map, seed: options.seed ?? 1, ...options.harmonic },
  ).map;
  const harmonicSeconds = (performance.now() - t0) / 1000;
  const testX = take(v1.embeddings, v1.dim, test);
  const b = take(v2.embeddings, v2.dim, test);
  const a0 = take(v1.embeddings, v1.dim, test);
  const labels = Int32Array.from(test, (r) => v1.labels[r]!);
  const dist = (p: Float32Array, i: number, q: Float32Array, j: number, dim: number) => {
    let s = 0;
    for (let k = 0; k < dim; k++) {
      const d = p[i * dim + k]! - q[j * dim + k]!;
      s += d * d;
    }
    return s;
  };
  // Pairs: every same-person pair of distinct faces, as many random different-person pairs.
  const pairs: Array<[number, number, boolean]> = [];
  const byId = new Map<number, number[]>();
  labels.forEach((l, i) => {
    byId.set(l, [...(byId.get(l) ?? []), i]);
  });
  for (const faces of byId.values()) {
    for (const i of faces) for (const j of faces) if (i !== j) pairs.push([i, j, true]);
  }
  const positives = pairs.length;
  while (pairs.length < 2 * positives) {
    const i = Math.floor(rand() * labels.length);
    const j = Math.floor(rand() * labels.length);
    if (labels[i] !== labels[j]) pairs.push([i, j, false]);
  }
  const accuracy = (d: (i: number, j: number) => number) =>
    evaluateFolds(
      pairs.map(([i, j, same], k) => ({ fold: k % 10, same, distance: d(i, j) })),
      10,
    ).accuracy;
  // People: the v1 centroid (mapped) of each test person vs each of their v2 faces.
  const peopleKept = (a: Float32Array): { kept: number; people: number } => {
    const centroids = new Map<number, Float32Array>();
    for (const [id, faces] of byId) {
      const c = new Float32Array(v2.dim);
      for (const f of faces) for (let k = 0; k < v2.dim; k++) c[k]! += a[f * v2.dim + k]!;
      centroids.set(id, c);
    }
    const centroidIds = [...centroids.keys()];
    const centroidData = new Float32Array(centroidIds.length * v2.dim);
    centroidIds.forEach((id, k) => {
      const c = centroids.get(id)!;
      const s = Math.hypot(...c) || 1;
      for (let j = 0; j < v2.dim; j++) centroidData[k * v2.dim + j] = c[j]! / s;
    });
    // Leave-one-out: a face's own image never counts in its person's centroid (that would be the
    // same photo seen by both models); people with a single face cannot be scored.
    let kept = 0;
    let people = 0;
    for (const [id, faces] of byId) {
      if (faces.length < 2) continue;
      people++;
      let own = 0;
      for (const f of faces) {
        const sum = centroids.get(id)!;
        const loo = new Float32Array(v2.dim);
        for (let j = 0; j < v2.dim; j++) loo[j] = sum[j]! - a[f * v2.dim + j]!;
        const norm = Math.hypot(...loo) || 1;
        for (let j = 0; j < v2.dim; j++) loo[j]! /= norm;
        const ownD = dist(b, f, loo, 0, v2.dim);
        let beaten = false;
        for (let k = 0; k < centroidIds.length && !beaten; k++) {
          if (centroidIds[k] !== id && dist(b, f, centroidData, k, v2.dim) < ownD) beaten = true;
        }
        if (!beaten) own++;
      }
      if (own * 2 > faces.length) kept++;
    }
    return { kept, people };
  };
  const scoreMap = (m: LinearMap, seconds: number): MapScores => {
    const a = applyLinearMap(m, testX);
    return {
      after: accuracy((i, j) => dist(a, i, b, j, v2.dim)),
      people_kept: peopleKept(a).kept,
      seconds,
    };
  };
  const ridge = scoreMap(map, ridgeSeconds);
  const harmonic = scoreMap(harmonicMap, harmonicSeconds);
  const chosen = DEFAULT_HARMONIC_METHOD === 'harmonic' ? harmonic : ridge;
  return {
    v1: v1.embedder,
    v2: v2.embedder,
    train_faces: train.length,
    test_faces: test.length,
    test_identities: byId.size,
    before: v1.dim === v2.dim ? accuracy((i, j) => dist(a0, i, b, j, v2.dim)) : null,
    method: DEFAULT_HARMONIC_METHOD,
    after: chosen.after,
    v2_reference: accuracy((i, j) => dist(b, i, b, j, v2.dim)),
    people_kept: chosen.people_kept,
    people: [...byId.values()].filter((faces) => faces.length >= 2).length,
    ridge,
    harmonic,
    seconds: (performance.now() - start) / 1000,
  };
}
