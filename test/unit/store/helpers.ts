// Shared fixtures for store tests: temp library folders and deterministic faces.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalysisInput, FaceInput, FileStat } from '../../../electron/core/store/index.ts';
import { quantizeInt8 } from '../../../ml/embed/quantize.ts';
import type { Box, Landmarks5 } from '../../../ml/types.ts';

/** A fresh temp folder, removed when the test ends. */
export function tempDir(t: { after(fn: () => void): void }, prefix = 'kith-store-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A unit vector that depends only on `seed` (dim 8 keeps tests small). */
export function unitVector(seed: number, dim = 8): Float32Array {
  const v = new Float32Array(dim);
  let n = 0;
  for (let i = 0; i < dim; i++) {
    v[i] = Math.sin(seed * 12.9898 + i * 78.233);
    n += v[i]! * v[i]!;
  }
  const s = 1 / Math.sqrt(n);
  for (let i = 0; i < dim; i++) v[i]! *= s;
  return v;
}

export function face(seed: number, box: Box = { x: seed * 10, y: 5, w: 40, h: 50 }): FaceInput {
  const embedding = unitVector(seed);
  const p = (dx: number, dy: number) => [box.x + dx, box.y + dy] as const;
  const landmarks: Landmarks5 = [p(10, 15), p(30, 15), p(20, 25), p(12, 38), p(28, 38)];
  return {
    box,
    landmarks,
    quality: {
      detScore: 0.9,
      size: Math.min(box.w, box.h),
      sharpness: 100,
      frontal: 0.9,
      overall: 0.5 + seed / 1000,
    },
    embedding,
    embeddingQ: quantizeInt8(embedding),
  };
}

export function analysis(faces: FaceInput[], pipelineId = 'test'): AnalysisInput {
  return { width: 640, height: 480, takenAt: null, pipelineId, embedderId: 'test-embedder', faces };
}

export function file(
  path: string,
  size = 1000,
  contentHash: string | null = `${'0'.repeat(63)}${size % 10}`,
): FileStat {
  return { path, size, mtimeMs: 1_700_000_000_000, contentHash };
}
