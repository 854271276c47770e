// "Improve recognition": learn from the user's corrections. Confirmed faces (user assignments, and
// every face of a person the user named) are the positives, one identity per person; "not this person", split-apart people and faces sharing a
// photo are the hard negatives. A triplet-loss adapter is trained on top of the stored embeddings
// (the CNN never runs again), kept only if it clusters held-out confirmed faces better, and stored
// versioned in the settings table under `adapter.<embedderId>` (the previous one is kept for undo).
// Training and the gate run in a worker thread (ml/train/worker.ts): the service stays responsive.
import {
  type Adapter,
  adaptedEmbeddings,
  deserializeAdapter,
  type SerializedAdapter,
  serializeAdapter,
} from '../../../ml/train/adapter.ts';
import { type FinetuneOptions, finetune } from '../../../ml/train/finetune.ts';
import type { HeldOutScores } from '../../../ml/train/gate.ts';
import type { TrainingSet } from '../../../ml/train/triplet.ts';
import { finetuneInWorker, type TrainProgress } from '../../../ml/train/worker.ts';
import type { Library } from '../store/library.ts';
import type { EmbeddingMatrix } from '../store/types.ts';
import { attachFor } from './attach.ts';
import { faceSlack } from './slack.ts';

export const ADAPTER_SETTING_VERSION = 1;

export const adapterSettingKey = (embedderId: string): string => `adapter.${embedderId}`;
const previousKey = (embedderId: string): string => `adapter.${embedderId}.previous`;

/** What is stored under `adapter.<embedderId>`. */
export interface StoredAdapter {
  version: number;
  embedderId: string;
  trainedAt: number;
  adapter: SerializedAdapter;
  before: HeldOutScores;
  after: HeldOutScores;
  /** The gate's probe of people held out of training whole (absent with too few people). */
  untouched?: { before: HeldOutScores; after: HeldOutScores } | undefined;
  trainFaces: number;
  heldOutFaces: number;
}

export interface ImproveOptions {
  embedderId: string;
  /** Squared-L2 clustering threshold in use (the gate scores at it). */
  threshold: number;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: TrainProgress) => void) | undefined;
  steps?: number | undefined;
  seed?: number | undefined;
  /** Train in a worker_thread (default), so the caller's event loop stays free; false: in-process. */
  inWorker?: boolean | undefined;
}

export interface ImproveResult {
  kept: boolean;
  reason: string;
  /** Held-out scores without and with the new adapter (absent when training could not start). */
  before?: HeldOutScores;
  after?: HeldOutScores;
  /** Scores of people held out of training whole (the gate's check that others are not hurt). */
  untouched?: { before: HeldOutScores; after: HeldOutScores } | undefined;
  people: number;
  confirmedFaces: number;
  hardNegatives: number;
  seconds: number;
}

/** Training labels and negatives from the library's corrections, as rows of the matrix. */
export function correctionLabels(
  library: Library,
  m: EmbeddingMatrix,
): { labels: Int32Array; hardNegatives: Int32Array; people: number } {
  const row = new Map<number, number>();
  m.faceIds.forEach((id, i) => {
    row.set(id, i);
  });
  const labels = new Int32Array(m.count).fill(-1);
  const labelOf = new Map<number, number>();
  const facesOf = new Map<number, number[]>();
  // Naming a person counts as confirming its faces (issue 15 item 8): the user looked at them.
  const named = new Set(
    library.read
      .listPeople({ includeHidden: true })
      .filter((p) => p.name !== null)
      .map((p) => p.id),
  );
  const confirmed = library.read
    .listAssignments()
    .filter((a) => a.source === 'user' || named.has(a.personId));
  for (const a of confirmed) {
    const r = row.get(a.faceId);
    if (r === undefined) continue;
    let l = labelOf.get(a.personId);
    if (l === undefined) {
      l = labelOf.size;
      labelOf.set(a.personId, l);
    }
    labels[r] = l;
    facesOf.set(a.personId, [...(facesOf.get(a.personId) ?? []), r]);
  }
  const neg: number[] = [];
  // A few pairs per constraint are enough: training samples them every step anyway.
  const few = (rows: number[] | undefined) => (rows ?? []).slice(0, 4);
  for (const c of library.read.listConstraints()) {
    if (c.kind !== 'cannot_link') continue;
    if (c.form === 'face-face') {
      const a = row.get(c.faceA);
      const b = row.get(c.faceB);
      if (a !== undefined && b !== undefined) neg.push(a, b);
    } else if (c.form === 'face-person') {
      const f = row.get(c.faceId);
      if (f !== undefined) for (const p of few(facesOf.get(c.personId))) neg.push(f, p);
    } else {
      for (const a of few(facesOf.get(c.personA)))
        for (const b of few(facesOf.get(c.personB))) neg.push(a, b);
    }
  }
  // Same photo, different faces: never the same person.
  const byPhoto = new Map<number, number[]>();
  m.photoIds.forEach((p, i) => {
    byPhoto.set(p, [...(byPhoto.get(p) ?? []), i]);
  });
  for (const rows of byPhoto.values()) {
    if (rows.length < 2) continue;
    for (const a of rows) {
      if (labels[a]! < 0) continue;
      for (const b of rows) if (b !== a && (labels[b]! < 0 || a < b)) neg.push(a, b);
    }
  }
  return { labels, hardNegatives: Int32Array.from(neg), people: labelOf.size };
}

/** The stored adapter of an embedder, if one was kept (and not undone). */
export function loadAdapter(library: Library, embedderId: string): Adapter | undefined {
  const v = library.read.getSetting(adapterSettingKey(embedderId)) as StoredAdapter | null | undefined;
  return v ? deserializeAdapter(v.adapter) : undefined;
}

/** Stored embeddings as clustering should see them: through the kept adapter, if any. */
export function effectiveEmbeddings(
  library: Library,
  embedderId: string,
  options: { minQuality?: number } = {},
): EmbeddingMatrix {
  const m = library.read.embeddings(embedderId, options);
  const adapter = loadAdapter(library, embedderId);
  return adapter && m.count > 0 ? adaptedEmbeddings(m, adapter) : m;
}

/** Restores the adapter in use before the last kept one (or none). */
export function undoImproveRecognition(library: Library, embedderId: string): void {
  const previous = library.read.getSetting(previousKey(embedderId)) ?? null;
  library.write.transaction(() => {
    library.write.setSetting(adapterSettingKey(embedderId), previous);
    library.write.setSetting(previousKey(embedderId), null);
  });
}

export async function improveRecognition(library: Library, options: ImproveOptions): Promise<ImproveResult> {
  const start = performance.now();
  const m = library.read.embeddings(options.embedderId);
  const { labels, hardNegatives, people } = correctionLabels(library, m);
  const confirmedFaces = labels.filter((l) => l >= 0).length;
  const base = { people, confirmedFaces, hardNegatives: hardNegatives.length / 2 };
  const counts = new Map<number, number>();
  for (const l of labels) if (l >= 0) counts.set(l, (counts.get(l) ?? 0) + 1);
  if ([...counts.values()].filter((c) => c >= 3).length < 2) {
    return {
      kept: false,
      reason: 'Not enough to learn from yet: name or confirm at least 3 faces each of at least 2 people.',
      ...base,
      seconds: (performance.now() - start) / 1000,
    };
  }
  // Refine the adapter in use rather than start over, so earlier lessons are not forgotten.
  const current = loadAdapter(library, options.embedderId);
  const unlabelled: number[] = [];
  labels.forEach((l, i) => {
    if (l < 0) unlabelled.push(i);
  });
  const set: TrainingSet = {
    dim: m.dim,
    embeddings: m.data,
    labels,
    hardNegatives,
    keep: Int32Array.from(unlabelled),
    slack: faceSlack(m),
  };
  const settings: FinetuneOptions = {
    threshold: options.threshold,
    attach: attachFor(options.embedderId, options.threshold),
    // A rank-32 correction confined to the corrected people's neighbourhood (triplet.ts defaults):
    // on LFW it helps them without moving anyone else (`kith bench finetune`).
    kind: 'lowrank',
    steps: options.steps ?? 200,
    learningRate: 3e-4,
    identitiesPerBatch: 32,
    seed: options.seed ?? 1,
    init: current,
    signal: options.signal,
    onProgress: options.onProgress,
  };
  const r = await (options.inWorker === false ? finetune(set, settings) : finetuneInWorker(set, settings));
  options.signal?.throwIfAborted();
  if (r.keep) {
    const stored: StoredAdapter = {
      version: ADAPTER_SETTING_VERSION,
      embedderId: options.embedderId,
      trainedAt: Date.now(),
      adapter: serializeAdapter(r.train.adapter),
      before: r.before,
      after: r.after,
      untouched: r.untouched,
      trainFaces: r.trainFaces,
      heldOutFaces: r.heldOutFaces,
    };
    const key = adapterSettingKey(options.embedderId);
    library.write.transaction(() => {
      library.write.setSetting(previousKey(options.embedderId), library.read.getSetting(key) ?? null);
      library.write.setSetting(key, stored);
    });
  }
  return {
    kept: r.keep,
    reason: r.reason,
    before: r.before,
    after: r.after,
    untouched: r.untouched,
    ...base,
    seconds: (performance.now() - start) / 1000,
  };
}
