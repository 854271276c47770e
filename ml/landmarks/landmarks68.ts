// 68-point landmark model (faceplugin fr_landmark.onnx, 64×64 grey input, outputs 136 values
// normalised to the crop) and the reduction of 68 points to the 5 the aligner uses.
import type { Box, Landmarks5, Point } from '../types.ts';

/** iBUG 68-point indices: eyes 36–41 and 42–47, nose tip 30, outer mouth corners 48 and 54. */
export function fivePointsFrom68(pts: Float32Array | readonly number[]): Landmarks5 {
  const at = (i: number): Point => [pts[2 * i]!, pts[2 * i + 1]!];
  const mean = (from: number, to: number): Point => {
    let x = 0;
    let y = 0;
    for (let i = from; i <= to; i++) {
      x += pts[2 * i]!;
      y += pts[2 * i + 1]!;
    }
    const n = to - from + 1;
    return [x / n, y / n];
  };
  return [mean(36, 41), mean(42, 47), at(30), at(48), at(54)];
}

/**
 * The square crop the landmark model reads for a detector box: centred on the box, side =
 * `expand` × the box's longer side (the detector's box is tight; the model was trained on
 * crops with a margin).
 */
export function landmarkCrop(box: Box, expand: number): Box {
  const side = Math.max(box.w, box.h) * expand;
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  return { x: cx - side / 2, y: cy - side / 2, w: side, h: side };
}

/** Maps the model's normalised outputs back into image pixels of the crop. */
export function landmarksToImage(output: Float32Array, crop: Box): Float32Array {
  const out = new Float32Array(output.length);
  for (let i = 0; i < output.length; i += 2) {
    out[i] = crop.x + output[i]! * crop.w;
    out[i + 1] = crop.y + output[i + 1]! * crop.h;
  }
  return out;
}

/** The square around a set of 68 points, used for the second, refined landmark pass. */
export function boxAroundPoints(pts: Float32Array): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < pts.length; i += 2) {
    x0 = Math.min(x0, pts[i]!);
    x1 = Math.max(x1, pts[i]!);
    y0 = Math.min(y0, pts[i + 1]!);
    y1 = Math.max(y1, pts[i + 1]!);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** Mean movement of the 68 points between two passes, as a fraction of the eye distance of `a`. */
export function landmarkInstability(a: Float32Array, b: Float32Array): number {
  const [le, re] = fivePointsFrom68(a);
  const iod = Math.hypot(re[0] - le[0], re[1] - le[1]);
  if (iod === 0) return Infinity;
  let sum = 0;
  for (let i = 0; i < a.length; i += 2) sum += Math.hypot(a[i]! - b[i]!, a[i + 1]! - b[i + 1]!);
  return sum / (a.length / 2) / iod;
}
