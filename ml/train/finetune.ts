// Train-then-gate: split the user's labelled faces into a training part and a held-out part,
// train the adapter on the first, keep it only if the second clusters better.
import type { AttachOptions } from '../cluster/index.ts';
import { mulberry32 } from '../util/prng.ts';
import { gatherRows } from '../util/rows.ts';
import { type GateResult, gateAdapter } from './gate.ts';
import { centroidAnchors, localityWeight } from './locality.ts';
import {
  DEFAULT_LOCALITY,
  type TrainingSet,
  type TrainOptions,
  type TrainResult,
  trainAdapter,
} from './triplet.ts';

export interface FinetuneOptions extends TrainOptions {
  /** Squared-L2 clustering threshold of the embedder (the gate scores at it). */
  threshold: number;
  /** Share of each identity's faces held out for the gate (identities with ≥ 3 faces). Default 0.3. */
  holdOut?: number;
  /**
   * Share of the people (with ≥ 2 faces) held out whole, as the gate's probe of people the adapter
   * never learnt from; only when at least 8 people qualify (fewer: the probe would be noise and the
   * corrections too precious). Default 0.15.
   */
  untouchedShare?: number;
  minGain?: number;
  tolerance?: number;
  /** The grouping's attach pass: the gate groups with it, as the app does. */
  attach?: AttachOptions | undefined;
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

/** Whole identities held out (seeded): a mask over faces, 1 = a face of a held-out person. */
export function splitPeople(labels: Int32Array, share: number, seed: number, minPeople = 8): Uint8Array {
  const counts = new Map<number, number>();
  for (const l of labels) if (l >= 0) counts.set(l, (counts.get(l) ?? 0) + 1);
  const ids = [...counts.entries()]
    .filter(([, c]) => c >= 2)
    .map(([id]) => id)
    .sort((a, b) => a - b);
  const out = new Uint8Array(labels.length);
  if (ids.length < minPeople || share <= 0) return out;
  const rand = mulberry32(seed);
  const k = Math.max(1, Math.round(share * ids.length));
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (ids.length - i));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  const picked = new Set(ids.slice(0, k));
  labels.forEach((l, i) => {
    if (picked.has(l)) out[i] = 1;
  });
  return out;
}

/** Strangers checked by the gate (clustered twice there): a bounded, seeded sample. */
const MAX_STRANGERS = 1500;

/**
 * Unlabelled faces (the keep pool) beyond radius + reach (triplet.ts DEFAULT_LOCALITY) of every
 * trained person's centroid, as the gate's strangers (their face indices). Fixed rather than taken from the adapter's own
 * locality, so a wider locality, the face anchors' reach past the centroids' and a global adapter
 * are all checked on the same faces.
 */
export function strangerSample(set: TrainingSet, trainLabels: Int32Array, seed: number): Int32Array {
  const { dim, embeddings } = set;
  const pool = set.keep ?? new Int32Array(0);
  if (pool.length === 0) return new Int32Array(0);
  const anchors = centroidAnchors(embeddings, dim, trainLabels);
  const far = { anchors, radius: DEFAULT_LOCALITY.radius + DEFAULT_LOCALITY.reach, width: 1e-9 };
  const rand = mulberry32(seed + 15485863);
  const order = Int32Array.from(pool);
  const picked: number[] = [];
  for (let i = 0; i < order.length && picked.length < MAX_STRANGERS; i++) {
    const j = i + Math.floor(rand() * (order.length - i));
    const f = order[j]!;
    order[j] = order[i]!;
    order[i] = f;
    // weight 1 at or inside the radius, ~0 beyond it (width ≈ 0): beyond = a stranger.
    if (localityWeight(far, embeddings, f * dim, dim) < 0.5) picked.push(f);
  }
  return Int32Array.from(picked);
}

export async function finetune(set: TrainingSet, options: FinetuneOptions): Promise<FinetuneResult> {
  const seed = options.seed ?? 1;
  const probe = splitPeople(set.labels, options.untouchedShare ?? 0.15, seed + 104729);
  const held = splitHeldOut(
    Int32Array.from(set.labels, (l, i) => (probe[i] ? -1 : l)),
    options.holdOut ?? 0.3,
    seed + 7919,
  );
  // Training sees held-out faces as unlabelled (−1: never anchors or positives), and no hard negative
  // touching a held-out face, so nothing about them leaks into the adapter. Probe people are left out
  // altogether (not even in the keep term): to the adapter they are strangers, like everyone else.
  for (let i = 0; i < held.length; i++) if (probe[i]) held[i] = 1;
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
  const embeddings = gatherRows(set.embeddings, set.dim, idx);
  const strangers = strangerSample(set, trainLabels, seed);
  const slack = set.slack;
  const gate = await gateAdapter(
    train.adapter,
    {
      dim: set.dim,
      embeddings,
      labels: Int32Array.from(idx, (f) => set.labels[f]!),
      focus: Uint8Array.from(idx, (f) => (held[f] && !probe[f] ? 1 : 0)),
      untouched: Uint8Array.from(idx, (f) => probe[f]!),
      strangers: gatherRows(set.embeddings, set.dim, strangers),
      threshold: options.threshold,
      attach: options.attach,
      slack: slack && Float32Array.from(idx, (f) => slack[f]!),
      strangersSlack: slack && Float32Array.from(strangers, (f) => slack[f]!),
    },
    {
      baseline: options.init,
      ...(options.minGain === undefined ? {} : { minGain: options.minGain }),
      ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
    },
  );
  const heldOutFaces = held.reduce((s, v) => s + v, 0);
  // (held counts the probe people's faces too: none of them were trained on.)
  return { ...gate, train, trainFaces: idx.length - heldOutFaces, heldOutFaces };
}
