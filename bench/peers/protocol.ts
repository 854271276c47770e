// `kith bench peers` (pure parts): the job a peer child process reads, the result it prints
// (validated, so a broken peer is an error rather than a silent NaN), the LFW pair subset of a
// quick run, and the scoring every system goes through (the same k-fold code as `bench lfw`).
import { z } from 'zod';
import { squaredL2 } from '../../ml/embed/vector.ts';
import {
  evaluateFolds,
  type LfwPair,
  lfwImagePath,
  type VerificationReport,
} from '../verify/lfw-protocol.ts';
import { type GroundTruthFace, scoreDetections } from '../verify/wider.ts';

export const peerJobSchema = z.object({
  mode: z.enum(['speed', 'lfw']),
  /** Absolute image paths, in order. */
  files: z.array(z.string()),
  /** Detector score threshold, and the permissive one LFW retries with when nothing is found. */
  score: z.number(),
  retryScore: z.number(),
  /** Model folder (face-api) — absent: the package's own. */
  models: z.string().optional(),
});
export type PeerJob = z.infer<typeof peerJobSchema>;

export const peerResultSchema = z.object({
  peer: z.string(),
  version: z.string(),
  threads: z.number(),
  mode: z.enum(['speed', 'lfw']),
  photos: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  faces: z.number().int().nonnegative(),
  /** Processing time, models loaded and warmed up. */
  seconds: z.number().nonnegative(),
  setup_seconds: z.number().nonnegative(),
  /** speed: per photo, face boxes [x, y, w, h] in original pixels. */
  boxes: z.record(z.string(), z.array(z.array(z.number()).length(4))).optional(),
  /** lfw: per image, the embedding of its central face. */
  embeddings: z.record(z.string(), z.array(z.number())).optional(),
  no_face: z.number().int().nonnegative().optional(),
});
export type PeerResult = z.infer<typeof peerResultSchema>;

/** The last line of a child's stdout, parsed and checked. */
export function parsePeerOutput(stdout: string): PeerResult {
  const last = stdout.trim().split('\n').at(-1) ?? '';
  let value: unknown;
  try {
    value = JSON.parse(last);
  } catch {
    throw new Error(`peer printed no JSON result (last line: ${JSON.stringify(last.slice(0, 200))})`);
  }
  return peerResultSchema.parse(value);
}

/** Interleaved shards (i mod n), so slow and fast photos spread evenly over the workers. */
export function shard<T>(items: readonly T[], n: number): T[][] {
  const out: T[][] = Array.from({ length: Math.max(1, n) }, () => []);
  for (const [i, item] of items.entries()) out[i % out.length]!.push(item);
  return out.filter((s) => s.length > 0);
}

/** Shard results of one peer as one: work summed, wall time the slowest shard's. */
export function mergeShards(parts: readonly PeerResult[]): PeerResult {
  const first = parts[0];
  if (!first) throw new Error('mergeShards: no results');
  const sum = (f: (p: PeerResult) => number): number => parts.reduce((s, p) => s + f(p), 0);
  const merged: PeerResult = {
    ...first,
    threads: sum((p) => p.threads),
    photos: sum((p) => p.photos),
    skipped: sum((p) => p.skipped),
    faces: sum((p) => p.faces),
    seconds: Math.max(...parts.map((p) => p.seconds)),
    setup_seconds: Math.max(...parts.map((p) => p.setup_seconds)),
  };
  if (first.mode === 'speed') merged.boxes = Object.assign({}, ...parts.map((p) => p.boxes ?? {}));
  else {
    merged.embeddings = Object.assign({}, ...parts.map((p) => p.embeddings ?? {}));
    merged.no_face = sum((p) => p.no_face ?? 0);
  }
  return merged;
}

/**
 * At most `limit` pairs keeping the protocol's shape: the same number from every fold, half
 * same-person and half different (pairs.txt lists each fold's same pairs first).
 */
export function pairSubset(pairs: readonly LfwPair[], folds: number, limit?: number): LfwPair[] {
  if (limit === undefined || limit >= pairs.length) return [...pairs];
  const perKind = Math.max(1, Math.floor(limit / (2 * folds)));
  const out: LfwPair[] = [];
  for (let k = 0; k < folds; k++) {
    const fold = pairs.filter((p) => p.fold === k);
    out.push(
      ...fold.filter((p) => p.same).slice(0, perKind),
      ...fold.filter((p) => !p.same).slice(0, perKind),
    );
  }
  return out;
}

/** The images a set of pairs needs, each once, in first-use order. */
export function pairImages(pairs: readonly LfwPair[]): string[] {
  return [
    ...new Set(pairs.flatMap((p) => [lfwImagePath(p.a.name, p.a.index), lfwImagePath(p.b.name, p.b.index)])),
  ];
}

/** Scores pairs from per-image embeddings (squared L2; a missing face counts as an error). */
export function scorePairs(
  pairs: readonly LfwPair[],
  folds: number,
  embedding: (file: string) => ArrayLike<number> | undefined,
): VerificationReport {
  const vec = (name: string, index: number): Float32Array | undefined => {
    const v = embedding(lfwImagePath(name, index));
    return v ? Float32Array.from(v) : undefined;
  };
  return evaluateFolds(
    pairs.map((p) => {
      const a = vec(p.a.name, p.a.index);
      const b = vec(p.b.name, p.b.index);
      return { fold: p.fold, same: p.same, distance: a && b ? squaredL2(a, b) : Number.NaN };
    }),
    folds,
  );
}

export interface SystemFigures {
  photos_per_s: number | null;
  faces_per_s: number | null;
  lfw_accuracy: number | null;
}

/** a ÷ b when both are known and b > 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a != null && b != null && b > 0 ? a / b : null;
}

/** A plain-text table: first row is the header; columns padded to their widest cell. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * Detection recall (faces ≥ `minSize` px high, IoU ≥ 0.5) and precision against WIDER FACE ground
 * truth, as `bench speed` reports it for Kith. `key` maps a photo path to its ground-truth name.
 */
export function detectionScore(
  gt: ReadonlyMap<string, readonly GroundTruthFace[]>,
  boxes: Readonly<Record<string, readonly (readonly number[])[]>>,
  key: (file: string) => string | undefined,
  minSize = 32,
): { recall: number; precision: number; ground_truth: number } | null {
  const t = { groundTruth: 0, matched: 0, detections: 0, truePositives: 0 };
  let photos = 0;
  for (const [file, list] of Object.entries(boxes)) {
    const k = key(file);
    const faces = k === undefined ? undefined : gt.get(k);
    if (!faces) continue;
    photos++;
    const s = scoreDetections(
      faces,
      list.map(([x = 0, y = 0, w = 0, h = 0]) => ({ x, y, w, h })),
      minSize,
    );
    t.groundTruth += s.groundTruth;
    t.matched += s.matched;
    t.detections += s.detections;
    t.truePositives += s.truePositives;
  }
  if (photos === 0) return null;
  return {
    recall: t.matched / Math.max(1, t.groundTruth),
    precision: t.truePositives / Math.max(1, t.detections),
    ground_truth: t.groundTruth,
  };
}
