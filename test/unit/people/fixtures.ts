// A small synthetic library for correction tests: identities around fixed unit vectors (dim 16),
// 2–3 faces per photo, with two look-alike siblings and two misfit faces that clustering gets wrong.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaceInput, Library } from '../../../electron/core/store/index.ts';
import { openLibrary } from '../../../electron/core/store/index.ts';
import { quantizeInt8 } from '../../../ml/embed/quantize.ts';
import type { Landmarks5 } from '../../../ml/types.ts';

export const DIM = 16;
export const EMBEDDER = 'test-embedder';
/** Squared L2: siblings B1/B2 (≈0.36 apart) merge, distinct identities (≈2) never do. */
export const THRESHOLD = 0.6;

function unit(v: number[]): Float32Array {
  const out = new Float32Array(DIM);
  v.forEach((x, i) => {
    out[i] = x;
  });
  const n = Math.hypot(...out);
  return out.map((x) => x / n);
}

const e = (i: number, s = 1) => Array.from({ length: DIM }, (_, k) => (k === i ? s : 0));
const add = (a: number[], b: number[]) => a.map((x, i) => x + b[i]!);

/** Identity centres. x is really A but looks like C; r is a stranger who looks like A. */
export const CENTRES = {
  A: unit(e(0)),
  B1: unit(add(e(1), e(3, 0.3))),
  B2: unit(add(e(1), e(3, -0.3))),
  C: unit(e(2)),
  x: unit(add(e(0, 0.35), e(2))),
  r: unit(add(e(0), e(4, 0.35))),
} as const;
export type Identity = keyof typeof CENTRES;

/** Photos, each a list of identities (faces of one photo never share a person). */
export const PHOTOS: Identity[][] = [
  ['A', 'B1', 'C'],
  ['A', 'B2', 'C'],
  ['A', 'B1'],
  ['B2', 'C'],
  ['A', 'B1', 'C'],
  ['A', 'B2'],
  ['B1', 'x'],
  ['r', 'C'],
];

/** Deterministic noise in [-1, 1] (no Math.random: the same library every run). */
function noise(seed: number, i: number): number {
  const s = Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453;
  return 2 * (s - Math.floor(s)) - 1;
}

function faceInput(identity: Identity, seed: number, slot: number): FaceInput {
  const c = CENTRES[identity];
  const embedding = unit(Array.from(c, (x, i) => x + 0.03 * noise(seed, i)));
  const box = { x: 20 + slot * 150, y: 30, w: 100, h: 120 };
  const p = (dx: number, dy: number) => [box.x + dx, box.y + dy] as const;
  const landmarks: Landmarks5 = [p(30, 40), p(70, 40), p(50, 65), p(35, 90), p(65, 90)];
  return {
    box,
    landmarks,
    quality: { detScore: 0.95, size: 100, sharpness: 120, frontal: 0.9, overall: 0.6 + (seed % 7) / 100 },
    embedding,
    embeddingQ: quantizeInt8(embedding),
  };
}

export interface Fixture {
  dir: string;
  lib: Library;
  /** Face ids by identity, in photo order. */
  faces: Record<Identity, number[]>;
}

/** A library in a temp folder (removed after the test) holding PHOTOS; a ticking clock. */
export function buildLibrary(t: { after(fn: () => void): void }): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'kith-people-'));
  let clock = 1_700_000_000_000;
  const lib = openLibrary(dir, { create: true, now: () => clock++ });
  t.after(() => {
    lib.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const faces: Record<Identity, number[]> = { A: [], B1: [], B2: [], C: [], x: [], r: [] };
  let seed = 1;
  PHOTOS.forEach((ids, i) => {
    const inputs = ids.map((id, slot) => faceInput(id, seed++, slot));
    const { faceIds } = lib.write.recordAnalysis(
      { path: `/photos/${String(i).padStart(3, '0')}.jpg`, size: 1000 + i, mtimeMs: 1, contentHash: null },
      { width: 640, height: 480, takenAt: null, pipelineId: 'test', embedderId: EMBEDDER, faces: inputs },
    );
    ids.forEach((id, k) => {
      faces[id].push(faceIds[k]!);
    });
  });
  return { dir, lib, faces };
}
