// Model input tensors from packed RGB images (detectors and embedders share the layout).
// These loops run once per photo (detector input, ~1 M values) and once per face, so they are
// written as straight indexed loops: no per-pixel closures or lookup arrays, no fill() when
// nothing is padded (profiling showed the generic version costing as much as YuNet itself).
import type { RgbImage } from '../align/warp.ts';

/** Packs RGB bytes into a planar float tensor, (value − mean) / std, in the model's channel order. */
export function toPlanarTensor(
  img: RgbImage,
  order: 'RGB' | 'BGR',
  mean: number,
  std: number,
  padW = img.width,
  padH = img.height,
  /** Reused output (length ≥ 3·padW·padH); a fresh one is allocated without it. */
  into?: Float32Array,
): Float32Array {
  const { data, width, height } = img;
  const plane = padW * padH;
  const inv = 1 / std;
  const bias = -mean / std;
  const out = into ? reuse(into, width, height, padW, padH, bias) : new Float32Array(3 * plane);
  if (!into && bias !== 0 && (padW !== width || padH !== height)) out.fill(bias);
  // First plane gets R for RGB, B for BGR.
  const c0 = order === 'RGB' ? 0 : 2;
  const c2 = 2 - c0;
  for (let y = 0; y < height; y++) {
    let s = y * width * 3;
    let d = y * padW;
    const end = d + width;
    for (; d < end; d++, s += 3) {
      out[d] = data[s + c0]! * inv + bias;
      out[plane + d] = data[s + 1]! * inv + bias;
      out[2 * plane + d] = data[s + c2]! * inv + bias;
    }
  }
  return out;
}

/**
 * Bilinear resize (pixel centres aligned, as OpenCV's INTER_LINEAR) of `img` to outW×outH,
 * packed straight into a planar tensor of padW×padH (padding = what value 0 normalises to).
 * One pass instead of resize-then-pack: the detector input is the largest buffer per photo.
 * When shrinking by more than 2×, bilinear would skip pixels, so callers should prefer a
 * box-filtered or decoder-shrunk source for such factors.
 */
export function resizeToPlanarTensor(
  img: RgbImage,
  outW: number,
  outH: number,
  order: 'RGB' | 'BGR',
  mean: number,
  std: number,
  padW = outW,
  padH = outH,
  /** Reused output (length ≥ 3·padW·padH); a fresh one is allocated without it. */
  into?: Float32Array,
): Float32Array {
  if (outW === img.width && outH === img.height) {
    return toPlanarTensor(img, order, mean, std, padW, padH, into);
  }
  const { data, width, height } = img;
  const plane = padW * padH;
  const inv = 1 / std;
  const bias = -mean / std;
  const out = into ? reuse(into, outW, outH, padW, padH, bias) : new Float32Array(3 * plane);
  if (!into && bias !== 0 && (padW !== outW || padH !== outH)) out.fill(bias);
  const c0 = order === 'RGB' ? 0 : 2;
  const c2 = 2 - c0;
  const sx = width / outW;
  const sy = height / outH;
  // Per output column: left source offset (in bytes) and weight of the right neighbour.
  const xOff = new Int32Array(outW);
  const xOff1 = new Int32Array(outW);
  const xW = new Float32Array(outW);
  for (let u = 0; u < outW; u++) {
    const fx = Math.min(width - 1, Math.max(0, (u + 0.5) * sx - 0.5));
    const x0 = Math.floor(fx);
    xOff[u] = x0 * 3;
    xOff1[u] = Math.min(width - 1, x0 + 1) * 3;
    xW[u] = fx - x0;
  }
  for (let v = 0; v < outH; v++) {
    const fy = Math.min(height - 1, Math.max(0, (v + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const wy = fy - y0;
    const r0 = y0 * width * 3;
    const r1 = Math.min(height - 1, y0 + 1) * width * 3;
    const rowOut = v * padW;
    for (let u = 0; u < outW; u++) {
      const a = r0 + xOff[u]!;
      const b = r0 + xOff1[u]!;
      const c = r1 + xOff[u]!;
      const e = r1 + xOff1[u]!;
      const wx = xW[u]!;
      const w00 = (1 - wx) * (1 - wy);
      const w10 = wx * (1 - wy);
      const w01 = (1 - wx) * wy;
      const w11 = wx * wy;
      const d = rowOut + u;
      out[d] =
        (data[a + c0]! * w00 + data[b + c0]! * w10 + data[c + c0]! * w01 + data[e + c0]! * w11) * inv + bias;
      out[plane + d] =
        (data[a + 1]! * w00 + data[b + 1]! * w10 + data[c + 1]! * w01 + data[e + 1]! * w11) * inv + bias;
      out[2 * plane + d] =
        (data[a + c2]! * w00 + data[b + c2]! * w10 + data[c + c2]! * w01 + data[e + c2]! * w11) * inv + bias;
    }
  }
  return out;
}

/** `into` cut to 3·padW·padH values, its padding set to `value` (the image part is overwritten). */
function reuse(
  into: Float32Array,
  outW: number,
  outH: number,
  padW: number,
  padH: number,
  value: number,
): Float32Array {
  const length = 3 * padW * padH;
  if (into.length < length) throw new RangeError(`tensor buffer of ${into.length} < ${length} values`);
  const out = into.length === length ? into : into.subarray(0, length);
  fillPadding(out, outW, outH, padW, padH, value);
  return out;
}

/** Sets the padding (right of column outW, below row outH) of each plane to `value`. */
function fillPadding(
  out: Float32Array,
  outW: number,
  outH: number,
  padW: number,
  padH: number,
  value: number,
): void {
  const plane = padW * padH;
  for (let c = 0; c < 3; c++) {
    const base = c * plane;
    if (padW > outW)
      for (let y = 0; y < outH; y++) out.fill(value, base + y * padW + outW, base + (y + 1) * padW);
    out.fill(value, base + outH * padW, base + plane);
  }
}

/**
 * One reusable tensor buffer. A fresh multi-megabyte Float32Array per photo costs more than
 * filling it (the kernel zero-fills every new page: ~9 ms per 3 MB detector input here), so
 * a detector keeps its input buffer. `take` hands out a fresh array while the buffer is busy,
 * so overlapping calls stay correct.
 */
export class TensorScratch {
  #buf: Float32Array | undefined;
  #busy = false;

  /** Buffers longer than `maxKeep` values (e.g. a fine pass over a 12 MP photo) are not kept. */
  constructor(private readonly maxKeep = 4 << 20) {}

  async use<R>(length: number, fn: (buf: Float32Array) => Promise<R>): Promise<R> {
    if (this.#busy || length > this.maxKeep) return fn(new Float32Array(length));
    if (!this.#buf || this.#buf.length < length) this.#buf = new Float32Array(length);
    this.#busy = true;
    try {
      return await fn(this.#buf.length === length ? this.#buf : this.#buf.subarray(0, length));
    } finally {
      this.#busy = false;
    }
  }
}
