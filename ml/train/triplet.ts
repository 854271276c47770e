// FaceNet triplet loss (Schroff et al. 2015, §3) on the adapter's outputs:
//   L = Σ max(0, ‖f(a)−f(p)‖² − ‖f(a)−f(n)‖² + α),  α = 0.2
// with online mining inside mini-batches of P identities × K faces: every anchor–positive pair of
// the batch is used (the paper found this more stable than hardest positives), each with a
// semi-hard negative. Pairs the user said are different people (splits, "not this person",
// same-photo pairs) are always added as triplets: those are the mistakes the user saw.
import { mulberry32 } from '../util/prng.ts';
import {
  type Adapter,
  type AdapterKind,
  adapterBackward,
  adapterForward,
  createAdapter,
  decayRange,
} from './adapter.ts';
import { localityWeight, spreadAnchors } from './locality.ts';

export const TRIPLET_ALPHA = 0.2;

/**
 * Locality of a lowrank adapter (squared L2 on the unit sphere; locality.ts Locality): radius and
 * width tuned on LFW (bench finetune); no correction at all beyond radius + reach.
 */
export const DEFAULT_LOCALITY = { radius: 1, width: 0.1, reach: 0.3 };

/** Indices into a batch's rows. */
export interface Triplet {
  a: number;
  p: number;
  n: number;
}

function sqDist(y: Float32Array, dim: number, i: number, j: number): number {
  let s = 0;
  const oi = i * dim;
  const oj = j * dim;
  for (let k = 0; k < dim; k++) {
    const d = y[oi + k]! - y[oj + k]!;
    s += d * d;
  }
  return s;
}

/** Squared L2 between every pair of rows (n×n, row-major). */
export function pairwiseSqDist(y: Float32Array, dim: number): Float64Array {
  const n = y.length / dim;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = sqDist(y, dim, i, j);
      d[i * n + j] = v;
      d[j * n + i] = v;
    }
  }
  return d;
}

/**
 * Online triplet mining in one batch. For each anchor–positive pair (same label ≥ 0, both orders):
 *  - semi-hard: the closest negative with d(a,n) > d(a,p); it is semi-hard when also d(a,n) < d(a,p)+α
 *    (if the closest farther negative is beyond the margin the triplet is already satisfied and
 *    contributes 0, which is right: nothing to learn from it);
 *  - when every negative is closer than the positive (all hard), the least hard of them (largest
 *    d(a,n)): the hardest negatives lead to collapsed models early in training (paper §3.2).
 * Rows with label < 0 are only ever negatives (of every labelled anchor).
 */
export function mineSemiHard(dist: Float64Array, labels: Int32Array): Triplet[] {
  const n = labels.length;
  const out: Triplet[] = [];
  for (let a = 0; a < n; a++) {
    const la = labels[a]!;
    if (la < 0) continue;
    for (let p = 0; p < n; p++) {
      if (p === a || labels[p] !== la) continue;
      const dap = dist[a * n + p]!;
      let farther = -1;
      let fartherD = Number.POSITIVE_INFINITY;
      let closer = -1;
      let closerD = Number.NEGATIVE_INFINITY;
      for (let m = 0; m < n; m++) {
        if (labels[m] === la) continue;
        const d = dist[a * n + m]!;
        if (d > dap) {
          if (d < fartherD) {
            fartherD = d;
            farther = m;
          }
        } else if (d > closerD) {
          closerD = d;
          closer = m;
        }
      }
      const neg = farther >= 0 ? farther : closer;
      if (neg >= 0) out.push({ a, p, n: neg });
    }
  }
  return out;
}

/**
 * Mean hinge loss over the triplets and its gradient with respect to y (n×dim).
 * d/dy_a = 2(y_n − y_p), d/dy_p = −2(y_a − y_p), d/dy_n = 2(y_a − y_n), for active triplets.
 */
export function tripletLoss(
  y: Float32Array,
  dim: number,
  triplets: readonly Triplet[],
  alpha = TRIPLET_ALPHA,
): { loss: number; active: number; grad: Float32Array } {
  const grad = new Float32Array(y.length);
  if (triplets.length === 0) return { loss: 0, active: 0, grad };
  const scale = 1 / triplets.length;
  let loss = 0;
  let active = 0;
  for (const t of triplets) {
    const l = sqDist(y, dim, t.a, t.p) - sqDist(y, dim, t.a, t.n) + alpha;
    if (l <= 0) continue;
    loss += l;
    active++;
    const oa = t.a * dim;
    const op = t.p * dim;
    const on = t.n * dim;
    for (let k = 0; k < dim; k++) {
      const ya = y[oa + k]!;
      const yp = y[op + k]!;
      const yn = y[on + k]!;
      grad[oa + k]! += 2 * (yn - yp) * scale;
      grad[op + k]! += -2 * (ya - yp) * scale;
      grad[on + k]! += 2 * (ya - yn) * scale;
    }
  }
  return { loss: loss * scale, active, grad };
}

/** What training learns from: labelled faces, and pairs known to be different people. */
export interface TrainingSet {
  dim: number;
  /** Frozen embeddings (count×dim), L2-normalised. */
  embeddings: Float32Array;
  /** Identity per face (≥ 0), or −1 for faces known only through hard negatives. */
  labels: Int32Array;
  /** Flat face pairs [a0, b0, …] that are different people (user splits, rejections, same photo). */
  hardNegatives?: Int32Array | undefined;
  /**
   * Faces (typically the unlabelled rest of the library) on which the adapter should stay close to
   * the identity: without this term a map fitted to a few people drifts everyone else's faces.
   */
  keep?: Int32Array | undefined;
  /** Per-face noise slack the app's grouping forgives (ClusterOptions.slack): the gate groups with it. */
  slack?: Float32Array | undefined;
}

export interface TrainOptions {
  kind?: AdapterKind;
  /** mlp hidden width, or lowrank rank. */
  hidden?: number;
  /** Optimiser steps (mini-batches). Default 200. */
  steps?: number;
  /** Identities per batch (P) and faces per identity (K). Defaults 16 × 4. */
  identitiesPerBatch?: number;
  facesPerIdentity?: number;
  /** User hard-negative pairs added to each batch (all of them when fewer). Default 32. */
  hardNegativesPerBatch?: number;
  alpha?: number;
  /**
   * The triplet loss is relative: it is satisfied once d(a,n) > d(a,p) + α, even when d(a,p) is
   * above the clustering threshold τ and the two faces never merge. With pairThreshold = τ a pair
   * term mean max(0, d_same − (τ − m)) + mean max(0, (τ + m) − d_diff) over the batch's pairs ties
   * the learnt distances to the threshold the app clusters at. Off when unset.
   */
  pairThreshold?: number | undefined;
  /** m above (default 0.1) and the pair term's weight (default 1). */
  pairMargin?: number;
  pairWeight?: number;
  /** Weight λ of the keep term λ·mean‖f(x) − x‖² (default 1) and faces per batch (default 64). */
  keepWeight?: number;
  keepPerBatch?: number;
  /** Adam learning rate; default 1e-3. */
  learningRate?: number;
  /** L2 pull of the parameters towards 0, i.e. towards the identity map; default 1e-3. */
  weightDecay?: number;
  seed?: number;
  /**
   * lowrank: confine the correction to the neighbourhood of the labelled people (locality.ts;
   * anchors from spreadAnchors). Default on (DEFAULT_LOCALITY);
   * false = a global map; reach false = the exponential tail that never reaches 0.
   */
  locality?: { radius?: number; width?: number; reach?: number | false } | false | undefined;
  /**
   * Stop once the triplet loss has been 0 for this many steps in a row (default 0 = never: on LFW
   * stopping at 25 quiet steps left ~1 point of the corrected people's gain on the table).
   */
  patience?: number;
  /** Start from these parameters instead of the identity. */
  init?: Adapter | undefined;
  onProgress?: ((p: { step: number; steps: number; loss: number; active: number }) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface TrainResult {
  adapter: Adapter;
  /** Mean triplet loss per step (before that step's update). */
  losses: number[];
  seconds: number;
}

/** Keep-pool faces whose locality weight is computed (a seeded sample on larger libraries). */
const KEEP_SCAN = 8192;

function seededSample(pool: Int32Array, k: number, rand: () => number): Int32Array {
  const a = Int32Array.from(pool);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (a.length - i));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a.slice(0, k).sort();
}

/** Samples P identities × K faces (with replacement only when an identity has fewer than K). */
export function sampleBatch(
  byIdentity: readonly (readonly number[])[],
  identities: number,
  faces: number,
  rand: () => number,
): number[] {
  const eligible = byIdentity.map((_, i) => i).filter((i) => byIdentity[i]!.length >= 2);
  const picked: number[] = [];
  // Partial Fisher–Yates over the eligible identities.
  const pool = [...eligible];
  const p = Math.min(identities, pool.length);
  for (let i = 0; i < p; i++) {
    const j = i + Math.floor(rand() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    const members = [...byIdentity[pool[i]!]!];
    const k = Math.min(faces, members.length);
    for (let m = 0; m < k; m++) {
      const r = m + Math.floor(rand() * (members.length - m));
      [members[m], members[r]] = [members[r]!, members[m]!];
      picked.push(members[m]!);
    }
  }
  return picked;
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Trains an adapter with the triplet loss; deterministic for a given seed. */
export async function trainAdapter(set: TrainingSet, options: TrainOptions = {}): Promise<TrainResult> {
  const start = performance.now();
  const { dim, embeddings, labels } = set;
  const steps = options.steps ?? 200;
  const alpha = options.alpha ?? TRIPLET_ALPHA;
  const lr = options.learningRate ?? 1e-3;
  const wd = options.weightDecay ?? 1e-3;
  const rand = mulberry32(options.seed ?? 1);
  const adapter: Adapter = options.init
    ? { ...options.init, params: Float32Array.from(options.init.params) }
    : createAdapter(dim, {
        kind: options.kind ?? 'residual',
        ...(options.hidden === undefined ? {} : { hidden: options.hidden }),
        seed: options.seed ?? 1,
      });
  if (adapter.kind === 'lowrank' && options.locality !== false) {
    adapter.locality = {
      anchors: spreadAnchors(embeddings, dim, labels),
      radius: options.locality?.radius ?? DEFAULT_LOCALITY.radius,
      width: options.locality?.width ?? DEFAULT_LOCALITY.width,
    };
    // reach false: the exponential tail (the adapter before reach existed), for comparison.
    const reach = options.locality?.reach ?? DEFAULT_LOCALITY.reach;
    if (reach !== false) adapter.locality.reach = reach;
  }
  const byIdentity: number[][] = [];
  const maxLabel = labels.reduce((mx, l) => Math.max(mx, l), -1);
  for (let i = 0; i <= maxLabel; i++) byIdentity.push([]);
  labels.forEach((l, i) => {
    if (l >= 0) byIdentity[l]!.push(i);
  });
  const negatives = set.hardNegatives ?? new Int32Array(0);
  const negPairs = negatives.length / 2;
  const perBatchNeg = Math.min(options.hardNegativesPerBatch ?? 32, negPairs);
  const P = options.identitiesPerBatch ?? 16;
  const K = options.facesPerIdentity ?? 4;

  // Adam state.
  const m = new Float32Array(adapter.params.length);
  const v = new Float32Array(adapter.params.length);
  const beta1 = 0.9;
  const beta2 = 0.999;
  const losses: number[] = [];
  // A lowrank locality weight depends only on the (frozen) face: computed once per face, on demand.
  const faceGates = adapter.locality ? new Float32Array(labels.length).fill(Number.NaN) : undefined;
  const gateOf = (f: number): number => {
    let g = faceGates![f]!;
    if (Number.isNaN(g)) {
      g = localityWeight(adapter.locality, embeddings, f * dim, dim);
      faceGates![f] = g;
    }
    return g;
  };
  // Keep faces the correction cannot reach (weight 0) teach nothing; with a locality, sample the keep
  // term from those it can (a seeded subset of the library bounds the cost on a large one).
  let keepPool = set.keep ?? new Int32Array(0);
  if (faceGates && keepPool.length > 0) {
    const pick = keepPool.length > KEEP_SCAN ? seededSample(keepPool, KEEP_SCAN, rand) : keepPool;
    keepPool = pick.filter((f) => gateOf(f) > 1e-3);
  }
  const patience = options.patience ?? 0;
  let quiet = 0;
  for (let step = 0; step < steps; step++) {
    options.signal?.throwIfAborted();
    const rows = sampleBatch(byIdentity, P, K, rand);
    // Hard negatives: each pair (u, w) becomes triplets with u (and w) as anchor and a positive of
    // its own identity; the pair's faces join the batch if not already there.
    const rowOf = new Map<number, number>();
    for (const [i, f] of rows.entries()) rowOf.set(f, i);
    const addRow = (f: number): number => {
      let r = rowOf.get(f);
      if (r === undefined) {
        r = rows.length;
        rows.push(f);
        rowOf.set(f, r);
      }
      return r;
    };
    const extra: Array<[number, number]> = [];
    for (let h = 0; h < perBatchNeg; h++) {
      const pair = perBatchNeg === negPairs ? h : Math.floor(rand() * negPairs);
      const u = negatives[2 * pair]!;
      const w = negatives[2 * pair + 1]!;
      for (const [anchor, neg] of [
        [u, w],
        [w, u],
      ] as const) {
        const la = labels[anchor]!;
        const members = la >= 0 ? byIdentity[la]! : [];
        if (members.length < 2) continue;
        let pos = members[Math.floor(rand() * members.length)]!;
        if (pos === anchor) pos = members[(members.indexOf(pos) + 1) % members.length]!;
        extra.push([addRow(anchor), addRow(pos)], [addRow(anchor), addRow(neg)]);
      }
    }
    // Keep faces: appended after everything mined from (label −1 would make them negatives).
    const mined = rows.length;
    const keepCount = Math.min(options.keepPerBatch ?? 64, keepPool.length);
    for (let k = 0; k < keepCount; k++) rows.push(keepPool[Math.floor(rand() * keepPool.length)]!);
    const x = new Float32Array(rows.length * dim);
    rows.forEach((f, i) => {
      x.set(embeddings.subarray(f * dim, (f + 1) * dim), i * dim);
    });
    const batchLabels = Int32Array.from(rows.slice(0, mined), (f) => labels[f]!);
    const cache = adapterForward(adapter, x, faceGates ? Float32Array.from(rows, gateOf) : undefined);
    const triplets = mineSemiHard(pairwiseSqDist(cache.y.subarray(0, mined * dim), dim), batchLabels);
    for (let e = 0; e < extra.length; e += 2) {
      triplets.push({ a: extra[e]![0], p: extra[e]![1], n: extra[e + 1]![1] });
    }
    const { loss, active, grad: gy } = tripletLoss(cache.y, dim, triplets, alpha);
    losses.push(loss);
    if (options.pairThreshold !== undefined) {
      pairTerm(cache.y, dim, batchLabels, gy, {
        threshold: options.pairThreshold,
        margin: options.pairMargin ?? 0.1,
        weight: options.pairWeight ?? 1,
      });
    }
    if (keepCount > 0) {
      const c = (2 * (options.keepWeight ?? 1)) / keepCount;
      for (let i = mined * dim; i < rows.length * dim; i++) gy[i]! += c * (cache.y[i]! - x[i]!);
    }
    const g = adapterBackward(adapter, cache, gy);
    // Adam with decoupled weight decay towards the identity (all-zero parameters), except the mlp's
    // first layer and lowrank's V, which have no identity value to decay towards.
    const p = adapter.params;
    const [decayFrom, decayTo] = decayRange(adapter);
    const c1 = 1 - beta1 ** (step + 1);
    const c2 = 1 - beta2 ** (step + 1);
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      const mi = beta1 * m[i]! + (1 - beta1) * gi;
      const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      let pi = p[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + 1e-8);
      if (i >= decayFrom && i < decayTo) pi -= lr * wd * p[i]!;
      p[i] = pi;
    }
    // Early stop: once every mined triplet is satisfied for `patience` batches in a row, later steps
    // only polish the pair term's few outliers (no measurable gain on LFW); the bar jumps to the end.
    quiet = loss === 0 ? quiet + 1 : 0;
    const done = patience > 0 && quiet >= patience;
    options.onProgress?.({ step: done ? steps : step + 1, steps, loss, active });
    if (done) break;
    if (step % 8 === 7) await yieldToLoop(); // let progress render and aborts arrive
  }
  return { adapter, losses, seconds: (performance.now() - start) / 1000 };
}

/**
 * Threshold-anchored pair term over the labelled rows of a batch (rows −1 are negatives of every
 * labelled row); adds its gradient into gy and returns the loss.
 */
export function pairTerm(
  y: Float32Array,
  dim: number,
  labels: Int32Array,
  gy: Float32Array,
  o: { threshold: number; margin: number; weight: number },
): number {
  const n = labels.length;
  let same = 0;
  let diff = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (labels[i]! < 0 && labels[j]! < 0) continue;
      if (labels[i] === labels[j]) same++;
      else diff++;
    }
  }
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (labels[i]! < 0 && labels[j]! < 0) continue;
      const isSame = labels[i] === labels[j];
      const d = sqDist(y, dim, i, j);
      const l = isSame ? d - (o.threshold - o.margin) : o.threshold + o.margin - d;
      if (l <= 0) continue;
      const w = o.weight / (isSame ? same : diff);
      loss += w * l;
      // d/dy_i of d = 2(y_i − y_j); the negative term has the opposite sign.
      const c = (isSame ? 2 : -2) * w;
      for (let k = 0; k < dim; k++) {
        const g = c * (y[i * dim + k]! - y[j * dim + k]!);
        gy[i * dim + k]! += g;
        gy[j * dim + k]! -= g;
      }
    }
  }
  return loss;
}

/** Mean triplet loss of an adapter over fixed triplets of a fixed batch (for checks and tests). */
export function batchLoss(
  adapter: Adapter,
  x: Float32Array,
  triplets: readonly Triplet[],
  alpha = TRIPLET_ALPHA,
): number {
  return tripletLoss(adapterForward(adapter, x).y, adapter.dim, triplets, alpha).loss;
}
