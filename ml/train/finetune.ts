// Train-then-gate: split the user's labelled faces into a training part and a held-out part,
// train the adapter on the first, keep it only if the second clusters better.
import { mulberry32 } from './adapter.ts';
import { type GateResult, gateAdapter } from './gate.ts';
import { type TrainingSet, type TrainOptions, type TrainResult, trainAdapter } from './triplet.ts';

export interface FinetuneOptions extends TrainOptions {
  /** Squared-L2 clustering threshold of the embedder (the gate scores at it). */
  threshold: number;
  /** Share of each identity's faces held out for the gate (identities with ≥ 3 faces). Default 0.3. */
  holdOut?: number;
  minGain?: number;
  tolerance?: number;
}

export interface FinetuneResult extends GateResult {
  train: TrainResult;
  trainFaces: number;
  heldOutFaces: number;
}

/**
 * Held-out split per identity: ⌈share·n⌉ faces of each identity with ≥ 3 faces (at least 2 stay in
 * training so it still has a positive pair). Returns a mask: 1 = held out.
 */
export function splitHeldOut(labels: Int32Array, share: number, seed: number): Uint8Array {
  const rand = mulberry32(seed);
  const byId = new Map<number, number[]>();
  labels.forEach((l, i) => {
    if (l >= 0) byId.set(l, [...(byId.get(l) ?? []), i]);
  });
  const held = new Uint8Array(labels.length);
  for (const faces of [...byId.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1])) {
    if (faces.length < 3) continue;
    const k = Math.min(faces.length - 2, Math.max(1, Math.ceil(share * faces.length)));
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(rand() * (faces.length - i));
      [faces[i], faces[j]] = [faces[j]!, faces[i]!];
      held[faces[i]!] = 1;
    }
  }
  return held;
}

export async function finetune(set: TrainingSet, options: FinetuneOptions): Promise<FinetuneResult> {
  const held = splitHeldOut(set.labels, options.holdOut ?? 0.3, (options.seed ?? 1) + 7919);
  // Training sees held-out faces as unlabelled (−1: never anchors or positives), and no hard negative
  // touching a held-out face, so nothing about them leaks into the adapter.
  const trainLabels = Int32Array.from(set.labels, (l, i) => (held[i] ? -1 : l));
  const neg: number[] = [];
  const hn = set.hardNegatives ?? new Int32Array(0);
  for (let i = 0; i < hn.length; i += 2) {
    if (!held[hn[i]!] && !held[hn[i + 1]!]) neg.push(hn[i]!, hn[i + 1]!);
  }
  const keep = set.keep ? set.keep.filter((f) => !held[f]) : undefined;
  const train = await trainAdapter(
    {
      dim: set.dim,
      embeddings: set.embeddings,
      labels: trainLabels,
      hardNegatives: Int32Array.from(neg),
      keep,
    },
    // Tie distances to the clustering threshold unless the caller chose otherwise.
    { pairThreshold: options.threshold, ...options },
  );
  // The gate clusters every labelled face and scores the pairs that touch a held-out one.
  const idx: number[] = [];
  set.labels.forEach((l, i) => {
    if (l >= 0) idx.push(i);
  });
  const embeddings = new Float32Array(idx.length * set.dim);
  idx.forEach((f, r) => {
    embeddings.set(set.embeddings.subarray(f * set.dim, (f + 1) * set.dim), r * set.dim);
  });
  const gate = await gateAdapter(
    train.adapter,
    {
      dim: set.dim,
      embeddings,
      labels: Int32Array.from(idx, (f) => set.labels[f]!),
      focus: Uint8Array.from(idx, (f) => held[f]!),
      threshold: options.threshold,
    },
    {
      baseline: options.init,
      ...(options.minGain === undefined ? {} : { minGain: options.minGain }),
      ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
    },
  );
  const heldOutFaces = held.reduce((s, v) => s + v, 0);
  return { ...gate, train, trainFaces: idx.length - heldOutFaces, heldOutFaces };
}
