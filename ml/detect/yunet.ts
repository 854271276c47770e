// YuNet (libfacedetection.train) post-processing: one anchor-free prior per cell at strides
// 8, 16 and 32; box centre and landmarks are offsets in cells, size is log-scale in cells.
// Mirrors OpenCV's FaceDetectorYN so scores and boxes match the reference implementation.
import type { Candidate } from './nms.ts';

export const YUNET_STRIDES = [8, 16, 32] as const;

export interface YunetOutputs {
  /** Per stride, in the order of YUNET_STRIDES: flat arrays of length cells×1, ×1, ×4, ×10. */
  cls: readonly Float32Array[];
  obj: readonly Float32Array[];
  bbox: readonly Float32Array[];
  kps: readonly Float32Array[];
}

/**
 * Decodes candidates scoring at least `scoreThreshold` from a padded input of size
 * padW×padH (multiples of 32). Coordinates are in input pixels.
 */
export function decodeYunet(
  out: YunetOutputs,
  padW: number,
  padH: number,
  scoreThreshold: number,
): Candidate[] {
  const result: Candidate[] = [];
  YUNET_STRIDES.forEach((stride, s) => {
    const cols = padW / stride;
    const rows = padH / stride;
    const cls = out.cls[s]!;
    const obj = out.obj[s]!;
    const bbox = out.bbox[s]!;
    const kps = out.kps[s]!;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const idx = r * cols + c;
        const clsScore = Math.min(1, Math.max(0, cls[idx]!));
        const objScore = Math.min(1, Math.max(0, obj[idx]!));
        const score = Math.sqrt(clsScore * objScore);
        if (score < scoreThreshold) continue;
        const cx = (c + bbox[idx * 4]!) * stride;
        const cy = (r + bbox[idx * 4 + 1]!) * stride;
        const w = Math.exp(bbox[idx * 4 + 2]!) * stride;
        const h = Math.exp(bbox[idx * 4 + 3]!) * stride;
        const points = new Float32Array(10);
        for (let n = 0; n < 5; n++) {
          points[2 * n] = (kps[idx * 10 + 2 * n]! + c) * stride;
          points[2 * n + 1] = (kps[idx * 10 + 2 * n + 1]! + r) * stride;
        }
        result.push({ box: { x: cx - w / 2, y: cy - h / 2, w, h }, score, points });
      }
    }
  });
  return result;
}
