// `kith bench finetune` core: simulate a user on identity-labelled embeddings. The user corrects k
// people (a few confirmed faces each, plus "not this person" on faces the clustering wrongly put
// with them); we train on exactly that, then score the faces the user never touched, separately
// for the corrected people and for everyone else, before and after.
import { cluster } from '../../ml/cluster/index.ts';
import { bcubedScores, pairwiseScores } from '../../ml/metrics/clustering.ts';
import { applyAdapter, serializeAdapter } from '../../ml/train/adapter.ts';
import { type FinetuneOptions, finetune } from '../../ml/train/finetune.ts';
import type { GateResult } from '../../ml/train/gate.ts';
import { mulberry32 } from '../../ml/util/prng.ts';
import { evaluateFolds, type ScoredPair } from '../verify/lfw-protocol.ts';

export interface SubsetScores {
  faces: number;
  identities: number;
  pairwise_f: number;
  pairwise_precision: number;
  pairwise_recall: number;
  bcubed_f: number;
  /** 10-fold verification accuracy on all same pairs and as many random different pairs. */
  verification: number;
}

export interface SimulationScores {
  corrected: SubsetScores;
  untouched: SubsetScores;
}

export interface FinetuneBenchResult {
  embedder: string;
  threshold: number;
  /** The attach pass the groupings ran with (ml/cluster/attach.ts), or null. */
  attach: { k: number; threshold: number } | null;
  /** Whether the groupings forgave each face's measured noise (ClusterOptions.slack). */
  noise_slack: boolean;
  faces: number;
  identities: number;
  corrected_identities: number;
  choose: 'random' | 'errors';
  train_faces: number;
  rejections: number;
  test_faces: number;
  before: SimulationScores;
  after: SimulationScores;
  gate: GateResult;
  adapter: string;
  train_seconds: number;
  steps: number;
  final_loss: number;
  adapter_bytes: number;
  seconds: number;
}

export interface SimulateOptions extends Omit<FinetuneOptions, 'threshold'> {
  threshold: number;
  /** Share of identities with ≥ minFaces faces that the user corrects. Default 0.2. */
  correctShare?: number;
  minFaces?: number;
  /** Confirmed faces per corrected person (at most count − 2, so some stay for testing). Default 5. */
  facesPerPerson?: number;
  /** "Not this person" rejections per corrected person, from the baseline clustering. Default 3. */
  rejectionsPerPerson?: number;
  /** Which people the user corrects: any (default) or those the baseline clustering gets wrong. */
  choose?: 'random' | 'errors';
}

function shuffle<T>(a: T[], rand: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function subsetScores(
  emb: Float32Array,
  dim: number,
  pred: Int32Array,
  truth: Int32Array,
  rows: number[],
  seed: number,
): SubsetScores {
  const p = Int32Array.from(rows, (r) => pred[r]!);
  const t = Int32Array.from(rows, (r) => truth[r]!);
  const rand = mulberry32(seed);
  const dist = (i: number, j: number): number => {
    let s = 0;
    for (let k = 0; k < dim; k++) {
      const v = emb[i * dim + k]! - emb[j * dim + k]!;
      s += v * v;
    }
    return s;
  };
  const pairs: ScoredPair[] = [];
  const byId = new Map<number, number[]>();
  for (const r of rows) byId.set(truth[r]!, [...(byId.get(truth[r]!) ?? []), r]);
  for (const faces of byId.values()) {
    for (let i = 0; i < faces.length; i++) {
      for (let j = i + 1; j < faces.length; j++) {
        pairs.push({ fold: 0, same: true, distance: dist(faces[i]!, faces[j]!) });
      }
    }
  }
  const positives = pairs.length;
  for (let k = 0; k < positives && rows.length > 1; ) {
    const a = rows[Math.floor(rand() * rows.length)]!;
    const b = rows[Math.floor(rand() * rows.length)]!;
    if (truth[a] === truth[b]) continue;
    pairs.push({ fold: 0, same: false, distance: dist(a, b) });
    k++;
  }
  shuffle(pairs, rand).forEach((pair, i) => {
    pair.fold = i % 10;
  });
  const pw = pairwiseScores(p, t);
  return {
    faces: rows.length,
    identities: byId.size,
    pairwise_f: pw.f,
    pairwise_precision: pw.precision,
    pairwise_recall: pw.recall,
    bcubed_f: bcubedScores(p, t).f,
    verification: pairs.length > 0 ? evaluateFolds(pairs, 10).accuracy : 0,
  };
}

export async function simulateFinetune(
  data: {
    dim: number;
    embedder: string;
    labels: Int32Array;
    embeddings: Float32Array;
    /** Per-face noise slack the app's grouping forgives (ClusterOptions.slack), when measured. */
    slack?: Float32Array | undefined;
  },
  options: SimulateOptions,
): Promise<FinetuneBenchResult> {
  const start = performance.now();
  const { dim, labels: truth, embeddings } = data;
  const n = truth.length;
  const seed = options.seed ?? 1;
  const rand = mulberry32(seed);
  const { threshold } = options;
  const byId = new Map<number, number[]>();
  truth.forEach((l, i) => {
    byId.set(l, [...(byId.get(l) ?? []), i]);
  });
  const { slack } = data;
  const grouping = { dim, threshold, linkage: 'average' as const, minClusterSize: 2, attach: options.attach };
  const base = await cluster(embeddings, { ...grouping, slack });
  let eligible = [...byId.keys()].filter((id) => byId.get(id)!.length >= (options.minFaces ?? 4));
  eligible.sort((a, b) => a - b);
  const target = Math.max(1, Math.round((options.correctShare ?? 0.2) * eligible.length));
  if (options.choose === 'errors') {
    // Users correct what they see wrong: people split across clusters, left out, or mixed with others.
    const clusterIds = new Map<number, Set<number>>();
    base.labels.forEach((c, i) => {
      if (c >= 0) clusterIds.set(c, (clusterIds.get(c) ?? new Set()).add(truth[i]!));
    });
    eligible = eligible.filter((id) => {
      const cs = new Set(byId.get(id)!.map((f) => base.labels[f]!));
      const only = [...cs][0]!;
      return cs.size > 1 || only < 0 || clusterIds.get(only)!.size > 1;
    });
  }
  const corrected = shuffle(eligible, rand).slice(0, target);
  const correctedSet = new Set(corrected);

  // What the user confirmed: a few faces of each corrected person.
  const used = new Uint8Array(n);
  const trainLabels = new Int32Array(n).fill(-1);
  for (const id of corrected) {
    const faces = shuffle([...byId.get(id)!], rand);
    const k = Math.min(options.facesPerPerson ?? 5, faces.length - 2);
    for (const f of faces.slice(0, k)) {
      used[f] = 1;
      trainLabels[f] = id;
    }
  }
  // What the user rejected: faces of other people that the baseline clustering put in a corrected
  // person's cluster ("not this person").
  const members = new Map<number, number[]>();
  base.labels.forEach((c, i) => {
    if (c >= 0) members.set(c, [...(members.get(c) ?? []), i]);
  });
  const negatives: number[] = [];
  for (const id of corrected) {
    const confirmed = byId.get(id)!.filter((f) => trainLabels[f] === id);
    const seen = new Set<number>();
    let rejected = 0;
    for (const f of confirmed) {
      for (const g of members.get(base.labels[f]!) ?? []) {
        if (truth[g] === id || seen.has(g) || rejected >= (options.rejectionsPerPerson ?? 3)) continue;
        seen.add(g);
        negatives.push(f, g);
        used[g] = 1;
        rejected++;
      }
    }
  }

  // Every face the user did not touch is in the library, unlabelled: the adapter may see it only
  // through the keep term (stay near the identity), never with a label.
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (!used[i]) keep.push(i);
  const tuned = await finetune(
    {
      dim,
      embeddings,
      labels: trainLabels,
      hardNegatives: Int32Array.from(negatives),
      keep: Int32Array.from(keep),
      slack,
    },
    {
      ...options,
      threshold,
    },
  );

  // Score every face the user never touched, clustered together as the app would.
  const test: number[] = [];
  for (let i = 0; i < n; i++) if (!used[i]) test.push(i);
  const testEmb = new Float32Array(test.length * dim);
  test.forEach((f, r) => {
    testEmb.set(embeddings.subarray(f * dim, (f + 1) * dim), r * dim);
  });
  const testTruth = Int32Array.from(test, (f) => truth[f]!);
  const testSlack = slack && Float32Array.from(test, (f) => slack[f]!);
  const correctedRows: number[] = [];
  const untouchedRows: number[] = [];
  test.forEach((f, r) => {
    (correctedSet.has(truth[f]!) ? correctedRows : untouchedRows).push(r);
  });
  const score = async (emb: Float32Array): Promise<SimulationScores> => {
    const r = await cluster(emb, { ...grouping, slack: testSlack });
    return {
      corrected: subsetScores(emb, dim, r.labels, testTruth, correctedRows, seed),
      untouched: subsetScores(emb, dim, r.labels, testTruth, untouchedRows, seed),
    };
  };
  const before = await score(testEmb);
  const after = await score(applyAdapter(tuned.train.adapter, testEmb));
  const losses = tuned.train.losses;
  return {
    embedder: data.embedder,
    threshold,
    attach: options.attach ? { k: options.attach.k, threshold: options.attach.threshold } : null,
    noise_slack: slack !== undefined,
    faces: n,
    identities: byId.size,
    corrected_identities: corrected.length,
    choose: options.choose ?? 'random',
    train_faces: trainLabels.filter((l) => l >= 0).length,
    rejections: negatives.length / 2,
    test_faces: test.length,
    before,
    after,
    gate: {
      keep: tuned.keep,
      reason: tuned.reason,
      before: tuned.before,
      after: tuned.after,
      untouched: tuned.untouched,
      strangers: tuned.strangers,
    },
    adapter: `${tuned.train.adapter.kind}${tuned.train.adapter.kind === 'residual' ? '' : ` ${tuned.train.adapter.hidden}`}${tuned.train.adapter.locality ? ' local' : ''}`,
    train_seconds: tuned.train.seconds,
    steps: losses.length,
    final_loss: losses.slice(-10).reduce((s, l) => s + l, 0) / Math.max(1, Math.min(10, losses.length)),
    adapter_bytes: JSON.stringify(serializeAdapter(tuned.train.adapter)).length,
    seconds: (performance.now() - start) / 1000,
  };
}
