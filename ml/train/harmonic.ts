// Harmonic embeddings (FaceNet appendix), the simple form: when the user switches embedder, learn a
// map from the old space (v1) into the new one (v2) from faces embedded by both, so people named in
// v1 can match faces embedded in v2 before the whole library is re-embedded. The map is ridge
// least squares (closed form, deterministic), output re-normalised: y = normalize(Wᵀ x).
import { evaluateFolds } from '../verify/lfw-protocol.ts';
import { mulberry32 } from './adapter.ts';

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

export interface HarmonicBenchResult {
  v1: string;
  v2: string;
  train_faces: number;
  test_faces: number;
  test_identities: number;
  /** Cross-model verification (v1 face vs v2 face) on test identities; null when dims differ. */
  before: number | null;
  after: number;
  /** Within-v2 verification on the same pairs: the ceiling. */
  v2_reference: number;
  /**
   * Test people (≥ 2 faces) whose v2 faces mostly find their own mapped v1 person (its other
   * faces) nearest among all test people.
   */
  people_kept: number;
  people: number;
  seconds: number;
}

/**
 * Splits identities in half (seeded): the map learns from one half's faces, and is scored on the
 * other half, people it never saw.
 */
export async function benchHarmonic(
  v1: { dim: number; embedder: string; labels: Int32Array; embeddings: Float32Array },
  v2: { dim: number; embedder: string; labels: Int32Array; embeddings: Float32Array },
  options: { seed?: number; lambda?: number } = {},
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
  const map = fitLinearMap(
    take(v1.embeddings, v1.dim, train),
    v1.dim,
    take(v2.embeddings, v2.dim, train),
    v2.dim,
    options.lambda ?? 1e-2,
  );
  const a = applyLinearMap(map, take(v1.embeddings, v1.dim, test));
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
  return {
    v1: v1.embedder,
    v2: v2.embedder,
    train_faces: train.length,
    test_faces: test.length,
    test_identities: byId.size,
    before: v1.dim === v2.dim ? accuracy((i, j) => dist(a0, i, b, j, v2.dim)) : null,
    after: accuracy((i, j) => dist(a, i, b, j, v2.dim)),
    v2_reference: accuracy((i, j) => dist(b, i, b, j, v2.dim)),
    people_kept: kept,
    people,
    seconds: (performance.now() - start) / 1000,
  };
}
