// WIDER FACE ground truth (text layout) and detection recall/precision at an IoU threshold.
import { iou, matchByIou } from '../geometry/box.ts';
import type { Box } from '../types.ts';

export interface GroundTruthFace {
  box: Box;
  invalid: boolean;
}

/** Parses wider_face_bbx_gt.txt: file, count, then `x y w h blur expression illumination invalid occlusion pose` lines. */
export function parseWiderGroundTruth(text: string): Map<string, GroundTruthFace[]> {
  const lines = text.split(/\r?\n/);
  const out = new Map<string, GroundTruthFace[]>();
  let i = 0;
  while (i < lines.length) {
    const file = lines[i++]!.trim();
    if (!file) continue;
    const count = Number(lines[i++]);
    if (!Number.isInteger(count)) throw new Error(`wider gt: bad face count after ${file}`);
    const faces: GroundTruthFace[] = [];
    // An image with 0 faces still has one placeholder line of zeros.
    const rows = Math.max(count, 1);
    for (let k = 0; k < rows; k++) {
      const f = (lines[i++] ?? '').trim().split(/\s+/).map(Number);
      if (k >= count) continue;
      faces.push({ box: { x: f[0]!, y: f[1]!, w: f[2]!, h: f[3]! }, invalid: f[7] === 1 });
    }
    out.set(file, faces);
  }
  return out;
}

export interface DetectionScore {
  /** Ground-truth faces that count (valid and at least minSize px high). */
  groundTruth: number;
  matched: number;
  detections: number;
  /** Detections overlapping any ground-truth face (of any size) at the IoU threshold. */
  truePositives: number;
}

/** Greedy one-to-one matching, best IoU first. */
export function scoreDetections(
  gt: readonly GroundTruthFace[],
  detected: readonly Box[],
  minSize: number,
  iouThreshold = 0.5,
): DetectionScore {
  const counted = gt.filter((g) => !g.invalid && g.box.h >= minSize);
  const matched = matchByIou(
    counted.map((g) => g.box),
    detected,
    iouThreshold,
  ).length;
  const truePositives = detected.filter((d) => gt.some((g) => iou(g.box, d) >= iouThreshold)).length;
  return { groundTruth: counted.length, matched, detections: detected.length, truePositives };
}
