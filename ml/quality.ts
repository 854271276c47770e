// Per-face quality: cheap signals that keep blurry, tiny or profile faces out of people.
import type { FaceQuality, Landmarks5 } from './types.ts';

/** Variance of the 4-neighbour Laplacian of the grey crop (packed RGB input). */
export function laplacianVariance(rgb: Uint8Array, width: number, height: number): number {
  const grey = new Float32Array(width * height);
  for (let i = 0; i < width * height; i++) {
    grey[i] = 0.299 * rgb[3 * i]! + 0.587 * rgb[3 * i + 1]! + 0.114 * rgb[3 * i + 2]!;
  }
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const lap = grey[i - 1]! + grey[i + 1]! + grey[i - width]! + grey[i + width]! - 4 * grey[i]!;
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

/**
 * Frontal-ness from the 5 points: in a frontal face the nose tip lies midway between the
 * eyes; as the head turns it moves towards one eye. 1 = frontal, 0 = nose at or past an eye.
 */
export function frontalScore(p: Landmarks5): number {
  const [le, re, nose] = p;
  const eyeDx = re[0] - le[0];
  const eyeDy = re[1] - le[1];
  const eyeDist = Math.hypot(eyeDx, eyeDy);
  if (eyeDist === 0) return 0;
  // Position of the nose projected on the eye line, 0 = left eye, 1 = right eye.
  const t = ((nose[0] - le[0]) * eyeDx + (nose[1] - le[1]) * eyeDy) / (eyeDist * eyeDist);
  return Math.max(0, 1 - Math.abs(t - 0.5) * 2);
}

/** Combines the signals; each term saturates so one very good signal cannot hide a bad one. */
export function faceQuality(detScore: number, size: number, sharpness: number, frontal: number): FaceQuality {
  const sizeTerm = Math.min(1, size / 64);
  const sharpTerm = Math.min(1, sharpness / 100);
  const frontalTerm = Math.min(1, frontal / 0.5);
  const overall = Math.min(detScore, sizeTerm, sharpTerm, frontalTerm);
  return { detScore, size, sharpness, frontal, overall };
}
