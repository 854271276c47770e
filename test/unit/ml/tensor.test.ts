// Detector/embedder input packing and the face-crop warp: fast paths checked against plain
// reference formulas, so speed work cannot silently change what the models see.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Similarity } from '../../../ml/align/similarity.ts';
import { invertSimilarity } from '../../../ml/align/similarity.ts';
import { type RgbImage, warpSimilarity } from '../../../ml/align/warp.ts';
import { resizeToPlanarTensor, TensorScratch, toPlanarTensor } from '../../../ml/image/tensor.ts';

function randomImage(width: number, height: number, seed: number): RgbImage {
  let s = seed;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[i] = s >> 23;
  }
  return { data, width, height };
}

test('resizeToPlanarTensor at the same size is toPlanarTensor', () => {
  const img = randomImage(7, 5, 1);
  assert.deepEqual(
    resizeToPlanarTensor(img, 7, 5, 'BGR', 127.5, 127.5, 8, 6),
    toPlanarTensor(img, 'BGR', 127.5, 127.5, 8, 6),
  );
});

test('resizeToPlanarTensor halving averages each 2×2 block (bilinear at pixel centres)', () => {
  const img = randomImage(8, 6, 2);
  const out = resizeToPlanarTensor(img, 4, 3, 'RGB', 0, 1);
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 3; v++) {
      for (let u = 0; u < 4; u++) {
        const at = (x: number, y: number): number => img.data[(y * 8 + x) * 3 + c]!;
        const mean =
          (at(2 * u, 2 * v) + at(2 * u + 1, 2 * v) + at(2 * u, 2 * v + 1) + at(2 * u + 1, 2 * v + 1)) / 4;
        assert.ok(Math.abs(out[c * 12 + v * 4 + u]! - mean) < 1e-4, `c${c} (${u},${v})`);
      }
    }
  }
});

test('resizeToPlanarTensor into a reused, dirty buffer resets the padding', () => {
  const img = { data: new Uint8Array(4 * 4 * 3).fill(200), width: 4, height: 4 };
  const buf = new Float32Array(3 * 4 * 4).fill(999);
  const out = resizeToPlanarTensor(img, 3, 3, 'BGR', 100, 50, 4, 4, buf);
  assert.equal(out.buffer, buf.buffer);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        const want = x < 3 && y < 3 ? 2 : -2; // (200 − 100) / 50 inside, (0 − 100) / 50 padding
        assert.equal(out[c * 16 + y * 4 + x], want, `c${c} (${x},${y})`);
      }
    }
  }
  assert.throws(() => resizeToPlanarTensor(img, 3, 3, 'BGR', 0, 1, 4, 4, new Float32Array(10)), RangeError);
  // Same size (no resampling) into a dirty buffer: the plain packing, padding reset too.
  const small = { data: new Uint8Array(3 * 3 * 3).fill(200), width: 3, height: 3 };
  const again = resizeToPlanarTensor(small, 3, 3, 'BGR', 100, 50, 4, 4, buf.fill(999));
  assert.equal(again.buffer, buf.buffer);
  assert.deepEqual([...again], [...resizeToPlanarTensor(small, 3, 3, 'BGR', 100, 50, 4, 4)]);
  assert.deepEqual(new Set(again), new Set([2, -2]));
});

test('TensorScratch reuses one buffer, and hands out a fresh one while busy or when too big', async () => {
  const scratch = new TensorScratch(100);
  const first = await scratch.use(50, async (b) => b.buffer);
  const again = await scratch.use(40, async (b) => {
    assert.equal(b.length, 40);
    const nested = await scratch.use(40, async (n) => n.buffer);
    assert.notEqual(nested, b.buffer);
    return b.buffer;
  });
  assert.equal(again, first);
  const big = await scratch.use(200, async (b) => b.buffer);
  assert.notEqual(big, first);
  assert.equal(await scratch.use(50, async (b) => b.buffer), first);
});

/** Bilinear inverse mapping with black outside, written plainly (the definition warpSimilarity implements). */
function referenceWarp(img: RgbImage, t: Similarity, outW: number, outH: number): Uint8Array {
  const inv = invertSimilarity(t);
  const out = new Uint8Array(outW * outH * 3);
  const px = (x: number, y: number, c: number): number =>
    x < 0 || y < 0 || x >= img.width || y >= img.height ? 0 : img.data[(y * img.width + x) * 3 + c]!;
  for (let v = 0; v < outH; v++) {
    for (let u = 0; u < outW; u++) {
      const sx = inv.a * u - inv.b * v + inv.tx;
      const sy = inv.b * u + inv.a * v + inv.ty;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < -1 || y0 < -1 || x0 >= img.width || y0 >= img.height) continue;
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < 3; c++) {
        const top = px(x0, y0, c) + (px(x0 + 1, y0, c) - px(x0, y0, c)) * fx;
        const bottom = px(x0, y0 + 1, c) + (px(x0 + 1, y0 + 1, c) - px(x0, y0 + 1, c)) * fx;
        out[(v * outW + u) * 3 + c] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return out;
}

test('warpSimilarity equals the plain bilinear definition, inside and across the border', () => {
  const img = randomImage(90, 70, 3);
  for (let i = 0; i < 12; i++) {
    const angle = i * 0.55;
    const scale = 0.8 + (i % 4) * 0.25; // ≥ 0.8: no box pre-filter, pure bilinear
    const t = { a: scale * Math.cos(angle), b: scale * Math.sin(angle), tx: -20 + 9 * i, ty: 30 - 7 * i };
    assert.deepEqual(warpSimilarity(img, t, 64, 64).data, referenceWarp(img, t, 64, 64), `case ${i}`);
  }
});
