// Warps a packed RGB image into an aligned face crop by inverse mapping with bilinear
// sampling. When the crop is much smaller than the face, sampling a box-filtered copy
// first avoids aliasing (bilinear alone reads only 4 of many source pixels).
import { invertSimilarity, type Similarity, similarityScale } from './similarity.ts';

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Averages k×k blocks of the region [x0, x0+w)×[y0, y0+h) (clamped to the image). */
export function boxDownsample(
  img: RgbImage,
  x0: number,
  y0: number,
  w: number,
  h: number,
  k: number,
): RgbImage {
  const ow = Math.max(1, Math.floor(w / k));
  const oh = Math.max(1, Math.floor(h / k));
  const out = new Uint8Array(ow * oh * 3);
  const { data, width, height } = img;
  for (let oy = 0; oy < oh; oy++) {
    const sy0 = y0 + oy * k;
    for (let ox = 0; ox < ow; ox++) {
      const sx0 = x0 + ox * k;
      let r = 0;
      let g = 0;
      let b = 0;
      let count = 0;
      // Rows and columns of the block that lie inside the image.
      const ya = Math.max(0, sy0);
      const yb = Math.min(height, sy0 + k);
      const xa = Math.max(0, sx0);
      const xb = Math.min(width, sx0 + k);
      for (let sy = ya; sy < yb; sy++) {
        let i = (sy * width + xa) * 3;
        for (let sx = xa; sx < xb; sx++, i += 3) {
          r += data[i]!;
          g += data[i + 1]!;
          b += data[i + 2]!;
        }
        count += Math.max(0, xb - xa);
      }
      const o = (oy * ow + ox) * 3;
      if (count > 0) {
        out[o] = Math.round(r / count);
        out[o + 1] = Math.round(g / count);
        out[o + 2] = Math.round(b / count);
      }
    }
  }
  return { data: out, width: ow, height: oh };
}

/** The pixels of [x0, x0+w)×[y0, y0+h), which must lie inside the image. */
export function cropRegion(img: RgbImage, x0: number, y0: number, w: number, h: number): RgbImage {
  const out = new Uint8Array(w * h * 3);
  for (let row = 0; row < h; row++) {
    const src = ((y0 + row) * img.width + x0) * 3;
    out.set(img.data.subarray(src, src + w * 3), row * w * 3);
  }
  return { data: out, width: w, height: h };
}

/**
 * The image region that an outW×outH crop by `t` samples, widened by `margin` pixels:
 * [x0, x1)×[y0, y1), clipped to the image unless `clip` is false. Clipped and empty (x1 ≤ x0) when
 * the crop lies wholly outside.
 */
export function warpSourceRegion(
  img: RgbImage,
  t: Similarity,
  outW: number,
  outH: number,
  margin: number,
  clip = true,
): { x0: number; y0: number; x1: number; y1: number } {
  const inv = invertSimilarity(t);
  const corners = [
    [0, 0],
    [outW, 0],
    [0, outH],
    [outW, outH],
  ].map(([u, v]) => [inv.a * u! - inv.b * v! + inv.tx, inv.b * u! + inv.a * v! + inv.ty] as const);
  const x0 = Math.floor(Math.min(...corners.map((c) => c[0]))) - margin;
  const y0 = Math.floor(Math.min(...corners.map((c) => c[1]))) - margin;
  const x1 = Math.ceil(Math.max(...corners.map((c) => c[0]))) + margin;
  const y1 = Math.ceil(Math.max(...corners.map((c) => c[1]))) + margin;
  if (!clip) return { x0, y0, x1, y1 };
  return {
    x0: Math.max(0, x0),
    y0: Math.max(0, y0),
    x1: Math.min(img.width, x1),
    y1: Math.min(img.height, y1),
  };
}

/**
 * Output crop of outW×outH where pixel (u, v) takes the source colour at T⁻¹(u, v).
 * Pixels mapping outside the image are black (as OpenCV's warpAffine with a constant border).
 */
export function warpSimilarity(img: RgbImage, t: Similarity, outW: number, outH: number): RgbImage {
  let src = img;
  let transform = t;
  const scale = similarityScale(t);
  const k = Math.floor(1 / scale / 1.5);
  if (k >= 2) {
    // Box-filter the face's source region by k, then warp from that smaller image (the region is not
    // clipped: boxDownsample clamps, and the block grid stays anchored where the crop puts it).
    const { x0, y0, x1, y1 } = warpSourceRegion(img, t, outW, outH, k, false);
    src = boxDownsample(img, x0, y0, x1 - x0, y1 - y0, k);
    // Small-image pixel (i, j) averages source pixels whose centre is x0 + k·(i + c), y0 + k·(j + c).
    const c = (k - 1) / (2 * k);
    transform = {
      a: t.a * k,
      b: t.b * k,
      tx: t.tx + t.a * (x0 + k * c) - t.b * (y0 + k * c),
      ty: t.ty + t.b * (x0 + k * c) + t.a * (y0 + k * c),
    };
  }
  const inv = invertSimilarity(transform);
  const out = new Uint8Array(outW * outH * 3);
  const { data, width, height } = src;
  const stride = width * 3;
  for (let v = 0; v < outH; v++) {
    for (let u = 0; u < outW; u++) {
      const sx = inv.a * u - inv.b * v + inv.tx;
      const sy = inv.b * u + inv.a * v + inv.ty;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < -1 || y0 < -1 || x0 >= width || y0 >= height) continue;
      const fx = sx - x0;
      const fy = sy - y0;
      const o = (v * outW + u) * 3;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < width && y0 + 1 < height) {
        // Interior (almost every pixel of a face crop): all four neighbours exist.
        // Channels unrolled and rounded as floor(v + 0.5) (= Math.round for v ≥ 0): this loop runs
        // for every pixel of every face crop.
        const i00 = y0 * stride + x0 * 3;
        const i01 = i00 + stride;
        const a0 = data[i00]!;
        const a1 = data[i00 + 1]!;
        const a2 = data[i00 + 2]!;
        const c0 = data[i01]!;
        const c1 = data[i01 + 1]!;
        const c2 = data[i01 + 2]!;
        const t0 = a0 + (data[i00 + 3]! - a0) * fx;
        const t1 = a1 + (data[i00 + 4]! - a1) * fx;
        const t2 = a2 + (data[i00 + 5]! - a2) * fx;
        const b0 = c0 + (data[i01 + 3]! - c0) * fx;
        const b1 = c1 + (data[i01 + 4]! - c1) * fx;
        const b2 = c2 + (data[i01 + 5]! - c2) * fx;
        out[o] = (t0 + (b0 - t0) * fy + 0.5) | 0;
        out[o + 1] = (t1 + (b1 - t1) * fy + 0.5) | 0;
        out[o + 2] = (t2 + (b2 - t2) * fy + 0.5) | 0;
        continue;
      }
      for (let ch = 0; ch < 3; ch++) {
        const p00 = x0 >= 0 && y0 >= 0 ? data[(y0 * width + x0) * 3 + ch]! : 0;
        const p10 = x0 + 1 < width && y0 >= 0 ? data[(y0 * width + x0 + 1) * 3 + ch]! : 0;
        const p01 = x0 >= 0 && y0 + 1 < height ? data[((y0 + 1) * width + x0) * 3 + ch]! : 0;
        const p11 = x0 + 1 < width && y0 + 1 < height ? data[((y0 + 1) * width + x0 + 1) * 3 + ch]! : 0;
        const top = p00 + (p10 - p00) * fx;
        const bottom = p01 + (p11 - p01) * fx;
        out[o + ch] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return { data: out, width: outW, height: outH };
}
