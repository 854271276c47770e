// WIDER FACE ground truth (text layout) and detection recall/precision at an IoU threshold.
import { iou, matchByIou } from '../../ml/geometry/box.ts';
import type { Box } from '../../ml/types.ts';

export interface GroundTruthFace {
  box: Box;
  invalid: boolean;
  /** WIDER's labels when not 0: blur 1–2 (normal, heavy; 0 clear), illumination 1 (extreme),
   * occlusion 1–2 (partial, heavy), pose 1 (atypical). */
  blur?: number;
  illumination?: number;
  occlusion?: number;
  pose?: number;
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
      const face: GroundTruthFace = { box: { x: f[0]!, y: f[1]!, w: f[2]!, h: f[3]! }, invalid: f[7] === 1 };
      if (f[4]) face.blur = f[4];
      if (f[6]) face.illumination = f[6];
      if (f[8]) face.occlusion = f[8];
      if (f[9]) face.pose = f[9];
      faces.push(face);
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

/** The text layout `parseWiderGroundTruth` reads (expression written as 0). */
export function formatWiderGroundTruth(gt: ReadonlyMap<string, readonly GroundTruthFace[]>): string {
  const lines: string[] = [];
  for (const [file, faces] of gt) {
    lines.push(file, String(faces.length));
    for (const f of faces) {
      const { box } = f;
      lines.push(
        `${box.x} ${box.y} ${box.w} ${box.h} ${f.blur ?? 0} 0 ${f.illumination ?? 0} ${f.invalid ? 1 : 0} ${f.occlusion ?? 0} ${f.pose ?? 0}`,
      );
    }
    if (faces.length === 0) lines.push('0 0 0 0 0 0 0 0 0 0');
  }
  return `${lines.join('\n')}\n`;
}

/** Ground truth for a copy of the photos scaled by sx horizontally and sy vertically. */
export function scaleGroundTruth(
  faces: readonly GroundTruthFace[],
  sx: number,
  sy: number,
): GroundTruthFace[] {
  return faces.map(({ box, invalid }) => ({
    box: { x: box.x * sx, y: box.y * sy, w: box.w * sx, h: box.h * sy },
    invalid,
  }));
}
