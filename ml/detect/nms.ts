// Greedy non-maximum suppression over detector candidates.
import { iou } from '../geometry/box.ts';
import type { Box } from '../types.ts';

export interface Candidate {
  box: Box;
  score: number;
  /** Five points as [x0, y0, …, x4, y4] in the same coordinates as `box`, or null. */
  points: Float32Array | null;
}

/** Keeps the best-scoring candidate of every group overlapping by more than `iouThreshold`. */
export function nms<T extends Candidate>(candidates: readonly T[], iouThreshold: number, topK = 5000): T[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score).slice(0, topK);
  const kept: T[] = [];
  const removed = new Uint8Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) {
    if (removed[i]) continue;
    const a = sorted[i]!;
    kept.push(a);
    for (let j = i + 1; j < sorted.length; j++) {
      if (!removed[j] && iou(a.box, sorted[j]!.box) > iouThreshold) removed[j] = 1;
    }
  }
  return kept;
}
