// Ultra-Light RFB detector post-processing (faceplugin fr_detect.onnx = RFB-320).
// The exported graph already decodes its priors: `boxes` are corner-form (x1, y1, x2, y2)
// normalised to the input, `scores` are softmaxed [background, face] pairs.
import type { Candidate } from './nms.ts';

/** Candidates with face score ≥ threshold, in pixels of a `width`×`height` image the input was stretched from. */
export function decodeRfb(
  scores: Float32Array,
  boxes: Float32Array,
  width: number,
  height: number,
  scoreThreshold: number,
): Candidate[] {
  const n = scores.length / 2;
  const out: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    const score = scores[2 * i + 1]!;
    if (score < scoreThreshold) continue;
    const x1 = boxes[4 * i]! * width;
    const y1 = boxes[4 * i + 1]! * height;
    const x2 = boxes[4 * i + 2]! * width;
    const y2 = boxes[4 * i + 3]! * height;
    if (x2 <= x1 || y2 <= y1) continue;
    out.push({ box: { x: x1, y: y1, w: x2 - x1, h: y2 - y1 }, score, points: null });
  }
  return out;
}
