// The gate: an adapter is kept only if it makes the user's own held-out faces cluster better at
// the threshold the app uses. Training data can always be fitted; only faces the adapter never saw
// say whether it generalises.
import { cluster } from '../cluster/index.ts';
import { type Adapter, applyAdapter } from './adapter.ts';

export interface HeldOutScores {
  /** Pairwise F of the clustering, over pairs that involve at least one focus face. */
  pairwise_f: number;
  /** BCubed F averaged over the focus faces. */
  bcubed_f: number;
  /** Balanced accuracy (mean of same- and different-pair accuracy) at the threshold, focus pairs. */
  verification: number;
}

export interface EvalSet {
  dim: number;
  embeddings: Float32Array;
  /** Identity per face (≥ 0). */
  labels: Int32Array;
  /** Faces whose pairs are scored (the held-out ones); default all. */
  focus?: Uint8Array | undefined;
  /** Squared-L2 clustering threshold (the embedder's). */
  threshold: number;
}

/** Clusters like the People view (average linkage at the threshold) and scores focus pairs. */
export async function scoreHeldOut(set: EvalSet, embeddings = set.embeddings): Promise<HeldOutScores> {
  const { dim, labels, threshold } = set;
  const n = labels.length;
  const focus = set.focus ?? new Uint8Array(n).fill(1);
  const { labels: pred } = await cluster(embeddings, { dim, threshold, linkage: 'average' });
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let sameOk = 0;
  let same = 0;
  let diffOk = 0;
  let diff = 0;
  for (let i = 0; i < n; i++) {
    const oi = i * dim;
    for (let j = i + 1; j < n; j++) {
      if (!focus[i] && !focus[j]) continue;
      const t = labels[i] === labels[j];
      const p = pred[i]! >= 0 && pred[i] === pred[j];
      if (t && p) tp++;
      else if (p) fp++;
      else if (t) fn++;
      let d = 0;
      const oj = j * dim;
      for (let k = 0; k < dim; k++) {
        const v = embeddings[oi + k]! - embeddings[oj + k]!;
        d += v * v;
      }
      if (t) {
        same++;
        if (d <= threshold) sameOk++;
      } else {
        diff++;
        if (d > threshold) diffOk++;
      }
    }
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 1;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 1;
  // BCubed over focus faces; an unassigned face (−1) is a cluster of its own.
  const key = (i: number) => (pred[i]! >= 0 ? pred[i]! : -1 - i);
  const clusterSize = new Map<number, number>();
  const truthSize = new Map<number, number>();
  const cell = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    clusterSize.set(key(i), (clusterSize.get(key(i)) ?? 0) + 1);
    truthSize.set(labels[i]!, (truthSize.get(labels[i]!) ?? 0) + 1);
    const c = `${key(i)}:${labels[i]}`;
    cell.set(c, (cell.get(c) ?? 0) + 1);
  }
  let bp = 0;
  let br = 0;
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (!focus[i]) continue;
    const c = cell.get(`${key(i)}:${labels[i]}`)!;
    bp += c / clusterSize.get(key(i))!;
    br += c / truthSize.get(labels[i]!)!;
    m++;
  }
  bp = m > 0 ? bp / m : 1;
  br = m > 0 ? br / m : 1;
  return {
    pairwise_f: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    bcubed_f: bp + br > 0 ? (2 * bp * br) / (bp + br) : 0,
    verification: ((same > 0 ? sameOk / same : 1) + (diff > 0 ? diffOk / diff : 1)) / 2,
  };
}

export interface GateResult {
  keep: boolean;
  before: HeldOutScores;
  after: HeldOutScores;
  reason: string;
}

/** Mean of the three scores: the number the gate must raise. */
const combined = (s: HeldOutScores): number => (s.pairwise_f + s.bcubed_f + s.verification) / 3;

/**
 * Keeps the adapter only if the combined held-out score rises by at least `minGain` and no single
 * score falls by more than `tolerance` (a gain in one must not hide a loss in another).
 */
export async function gateAdapter(
  adapter: Adapter,
  set: EvalSet,
  options: { minGain?: number; tolerance?: number; baseline?: Adapter | undefined } = {},
): Promise<GateResult> {
  const minGain = options.minGain ?? 1e-3;
  const tolerance = options.tolerance ?? 2e-3;
  // Compared with what the app uses now: the adapter in use, if any, else the raw embeddings.
  const before = await scoreHeldOut(
    set,
    options.baseline ? applyAdapter(options.baseline, set.embeddings) : set.embeddings,
  );
  const after = await scoreHeldOut(set, applyAdapter(adapter, set.embeddings));
  const gain = combined(after) - combined(before);
  const worst = Math.min(
    after.pairwise_f - before.pairwise_f,
    after.bcubed_f - before.bcubed_f,
    after.verification - before.verification,
  );
  let reason: string;
  let keep = false;
  if (gain < minGain) reason = `held-out score changed by ${gain.toFixed(4)} (< ${minGain})`;
  else if (worst < -tolerance) reason = `one held-out score fell by ${(-worst).toFixed(4)}`;
  else {
    keep = true;
    reason = `held-out score improved by ${gain.toFixed(4)}`;
  }
  return { keep, before, after, reason };
}
