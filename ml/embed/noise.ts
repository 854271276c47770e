// [Note: face noise] Small, over-compressed faces (thumbnails, messenger forwards) embed with much
// more scatter than clean ones: on lfw-dev at half size + JPEG q20, same-person distances roughly
// double while different-person ones barely move, so one fixed threshold either splits such people
// or merges clean ones. Two cheap measures help, both from `kith bench cluster --degrade`:
//  - the crop is embedded after a slight Gaussian blur of σ = 0.6 photo pixels (block artefacts
//    are high-frequency; the face is not): clean faces lose nothing;
//  - the squared distance between the blurred and the unblurred crop's embeddings measures how much
//    the embedding rides on those artefacts: on lfw-dev its 90th percentile is 0.009 for clean faces
//    and its 10th percentile 0.037 for degraded ones. It is the face's "noise", and distances
//    forgive it: d' = d − k·(noise_a + noise_b), k = the embedder's `noiseSlack`. Noise adds to a
//    squared distance the same way (E‖a − b‖² = signal + σ²_a + σ²_b), which is why the correction
//    is additive per face, and why average linkage can carry it as a per-cluster mean.
// Calibrated on lfw-dev at half size + JPEG q20 (`kith bench cluster --degrade scale=0.5,quality=20
// --noise-slack K --sweep …`): faceplugin's k = 0.5 keeps pairwise precision ≥ 0.99 at the usual
// threshold 1.15. σ 0.9 instead of 0.6 reached the same F at that precision (half of lfw-dev), so
// the milder blur stays.
import type { Similarity } from '../align/similarity.ts';
import { cropRegion, type RgbImage, warpSimilarity, warpSourceRegion } from '../align/warp.ts';

/** Blur applied to every crop, in photo pixels (scaled by the crop's magnification). */
export const BLUR_SIGMA_PHOTO_PX = 0.6;
/**
 * The unblurred embedding (a second inference) is only measured for faces magnified at least this
 * much into the crop (a face whose 5 points span less than ~75 photo pixels): larger faces carry
 * few artefacts at crop scale, and their blur is under half a crop pixel.
 */
export const NOISE_MIN_SCALE = 0.75;
/**
 * Photos this big (long side, original pixels) are camera originals: their faces are not measured.
 * Heavy compression comes with small copies (messengers send ≤ 2,560 px), and on a 12-MP photo's
 * many small faces the second inference would cost a good part of the phone-photo speed.
 */
export const NOISE_MAX_PHOTO_SIDE = 3000;
/**
 * JPEGs saved at this quality or better are not measured either: their artefacts are mild (web
 * photos are typically q75, LFW q90), and on 1024-px group photos the second inference cost a third
 * of the speed. Heavy compression (q20–q60: messengers at their worst, re-saved copies) is measured.
 */
export const NOISE_MAX_JPEG_QUALITY = 70;

/** Whether a photo's faces get their noise measured: small photos, unless a good-quality JPEG. */
export function measuresNoise(longSide: number, jpegQuality: number | undefined): boolean {
  return (
    longSide < NOISE_MAX_PHOTO_SIDE && !(jpegQuality !== undefined && jpegQuality >= NOISE_MAX_JPEG_QUALITY)
  );
}
/** Noise is clipped to this before any slack: it bounds how far a threshold graph must widen. */
export const MAX_NOISE = 0.2;

/** A normalised 1-D Gaussian kernel of radius ⌈3σ⌉. */
export function gaussianKernel(sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) {
    const v = Math.exp(-(i * i) / (2 * sigma * sigma));
    k[i + r] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  return k;
}

/**
 * One 1-D pass of kernel `k` over interleaved RGB, along x (`step` 3, rows of `w`) or y (`step` 3w),
 * edges clamped. `n` pixels along the axis, `lines` × `lineStep` values apart.
 */
function convolveAxis(
  src: Uint8Array | Float32Array,
  dst: Float32Array,
  k: Float32Array,
  n: number,
  step: number,
  lines: number,
  lineStep: number,
): void {
  const r = (k.length - 1) / 2;
  for (let line = 0; line < lines; line++) {
    const base = line * lineStep;
    for (let i = 0; i < n; i++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      // Clamped taps only near the ends; the rest of the line reads straight through.
      const inside = i >= r && i + r < n;
      for (let j = -r; j <= r; j++) {
        const o = base + (inside ? i + j : Math.min(n - 1, Math.max(0, i + j))) * step;
        const kv = k[j + r]!;
        s0 += kv * src[o]!;
        s1 += kv * src[o + 1]!;
        s2 += kv * src[o + 2]!;
      }
      const o = base + i * step;
      dst[o] = s0;
      dst[o + 1] = s1;
      dst[o + 2] = s2;
    }
  }
}

/**
 * Separable Gaussian blur of an RGB image, edges clamped (as sharp/libvips' blur). σ ≤ 0.05
 * returns the image unchanged.
 */
export function gaussianBlurRgb(img: RgbImage, sigma: number): RgbImage {
  if (!(sigma > 0.05)) return img;
  const k = gaussianKernel(sigma);
  const { width: w, height: h } = img;
  const tmp = new Float32Array(w * h * 3);
  convolveAxis(img.data, tmp, k, w, 3, h, 3 * w);
  const out = new Float32Array(w * h * 3);
  convolveAxis(tmp, out, k, h, 3 * w, w, 3);
  const data = new Uint8Array(out.length);
  for (let i = 0; i < out.length; i++) data[i] = out[i]! + 0.5; // round half up; Uint8Array truncates
  return { data, width: w, height: h };
}

/**
 * The crop `t` makes of `img` after a Gaussian blur of σ photo pixels. A magnified face (scale ≥ 1,
 * the small faces this is for) is blurred where it is in the photo, a region ~(112/scale)² pixels:
 * blurring the magnified crop instead costs scale² as much (12-MP group photos: ~3² = 9×). A face
 * shrunk into the crop is blurred after the warp, by σ·scale crop pixels (under 0.6).
 */
export function blurredWarp(
  img: RgbImage,
  t: Similarity,
  size: number,
  sigma: number,
  scale: number,
): RgbImage {
  if (scale < 1) return gaussianBlurRgb(warpSimilarity(img, t, size, size), sigma * scale);
  const margin = Math.ceil(3 * sigma) + 2;
  const r = warpSourceRegion(img, t, size, size, margin);
  if (r.x1 <= r.x0 || r.y1 <= r.y0) return warpSimilarity(img, t, size, size);
  const region = gaussianBlurRgb(cropRegion(img, r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0), sigma);
  // Region pixel p is photo pixel p + (x0, y0): fold that offset into the transform.
  const moved = { ...t, tx: t.tx + t.a * r.x0 - t.b * r.y0, ty: t.ty + t.b * r.x0 + t.a * r.y0 };
  return warpSimilarity(region, moved, size, size);
}

/** The face's noise from its two embeddings (squared L2), clipped to [0, MAX_NOISE]. */
export function faceNoise(blurred: Float32Array, unblurred: Float32Array): number {
  let s = 0;
  for (let i = 0; i < blurred.length; i++) s += (blurred[i]! - unblurred[i]!) ** 2;
  return Math.min(MAX_NOISE, s);
}

/** Per-face slack for clustering: k·noise (noise NaN or missing counts as 0). */
export function slackOf(noise: Float32Array, k: number): Float32Array {
  const out = new Float32Array(noise.length);
  if (!(k > 0)) return out;
  for (let i = 0; i < noise.length; i++) {
    const v = noise[i]!;
    out[i] = Number.isFinite(v) && v > 0 ? k * Math.min(MAX_NOISE, v) : 0;
  }
  return out;
}
