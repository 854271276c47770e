import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ARCFACE_112,
  applySimilarity,
  estimateSimilarity,
  invertSimilarity,
  similarityScale,
} from '../../../ml/align/similarity.ts';
import { boxDownsample, warpSimilarity } from '../../../ml/align/warp.ts';
import type { Landmarks5 } from '../../../ml/types.ts';

test('estimateSimilarity recovers a known rotation, scale and translation exactly', () => {
  const angle = 0.3;
  const scale = 1.7;
  const t = { a: scale * Math.cos(angle), b: scale * Math.sin(angle), tx: 12.5, ty: -4 };
  const src = ARCFACE_112;
  const dst = src.map((p) => applySimilarity(t, p));
  const got = estimateSimilarity(src, dst);
  for (const k of ['a', 'b', 'tx', 'ty'] as const) assert.ok(Math.abs(got[k] - t[k]) < 1e-9, k);
  assert.ok(Math.abs(similarityScale(got) - scale) < 1e-9);
});

test('estimateSimilarity is the least-squares fit for noisy points (residual no worse than the truth)', () => {
  const t = { a: 0.9, b: -0.2, tx: 3, ty: 7 };
  const noise = [
    [0.5, -0.3],
    [-0.2, 0.4],
    [0.1, 0.1],
    [-0.6, -0.2],
    [0.3, 0.5],
  ];
  const dst = ARCFACE_112.map((p, i) => {
    const q = applySimilarity(t, p);
    return [q[0] + noise[i]![0]!, q[1] + noise[i]![1]!] as const;
  });
  const fit = estimateSimilarity(ARCFACE_112, dst);
  const residual = (s: typeof t): number =>
    ARCFACE_112.reduce((acc, p, i) => {
      const q = applySimilarity(s, p);
      return acc + (q[0] - dst[i]![0]) ** 2 + (q[1] - dst[i]![1]) ** 2;
    }, 0);
  assert.ok(residual(fit) <= residual(t) + 1e-9);
  // Perturbing the fit in any parameter makes it worse.
  for (const k of ['a', 'b', 'tx', 'ty'] as const) {
    assert.ok(residual({ ...fit, [k]: fit[k] + 1e-3 }) > residual(fit));
    assert.ok(residual({ ...fit, [k]: fit[k] - 1e-3 }) > residual(fit));
  }
});

test('invertSimilarity composes to the identity', () => {
  const t = { a: 0.4, b: 1.1, tx: -20, ty: 33 };
  const inv = invertSimilarity(t);
  const p = [17, -5] as const;
  const back = applySimilarity(inv, applySimilarity(t, p));
  assert.ok(Math.abs(back[0] - p[0]) < 1e-9 && Math.abs(back[1] - p[1]) < 1e-9);
});

test('estimateSimilarity rejects degenerate input', () => {
  assert.throws(() => estimateSimilarity([[1, 1]], [[2, 2]]));
  const same: Landmarks5 = [
    [5, 5],
    [5, 5],
    [5, 5],
    [5, 5],
    [5, 5],
  ];
  assert.throws(() => estimateSimilarity(same, ARCFACE_112), /identical/);
});

/** A gradient image: red = x, green = y, blue constant. */
function gradient(w: number, h: number) {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      data[(y * w + x) * 3] = x % 256;
      data[(y * w + x) * 3 + 1] = y % 256;
      data[(y * w + x) * 3 + 2] = 77;
    }
  }
  return { data, width: w, height: h };
}

test('warpSimilarity with a translation copies the shifted region', () => {
  const img = gradient(100, 80);
  const out = warpSimilarity(img, { a: 1, b: 0, tx: -10, ty: -20 }, 30, 30);
  // Output (u, v) samples source (u + 10, v + 20).
  assert.equal(out.data[(5 * 30 + 7) * 3], 17);
  assert.equal(out.data[(5 * 30 + 7) * 3 + 1], 25);
  assert.equal(out.data[(5 * 30 + 7) * 3 + 2], 77);
});

test('warpSimilarity outside the image is black', () => {
  const img = gradient(10, 10);
  const out = warpSimilarity(img, { a: 1, b: 0, tx: 50, ty: 50 }, 20, 20);
  assert.equal(out.data[0], 0);
  assert.equal(out.data[2], 0);
});

test('warpSimilarity downscaling by 4 box-filters instead of aliasing', () => {
  // A 1-pixel checkerboard averages to mid-grey; point sampling would give 0 or 255.
  const w = 400;
  const data = new Uint8Array(w * w * 3);
  for (let y = 0; y < w; y++)
    for (let x = 0; x < w; x++) data.fill((x + y) % 2 ? 255 : 0, (y * w + x) * 3, (y * w + x) * 3 + 3);
  const out = warpSimilarity({ data, width: w, height: w }, { a: 0.25, b: 0, tx: 0, ty: 0 }, 100, 100);
  const centre = out.data[(50 * 100 + 50) * 3]!;
  assert.ok(centre > 100 && centre < 155, `expected mid-grey, got ${centre}`);
});

test('warpSimilarity keeps geometry when it box-filters (gradient maps to the same place)', () => {
  const img = gradient(1000, 1000);
  const t = { a: 0.25, b: 0, tx: -10, ty: -10 };
  const out = warpSimilarity(img, t, 50, 50);
  // Output (20, 30) ↔ source ((20 + 10) × 4, (30 + 10) × 4) = (120, 160).
  const r = out.data[(30 * 50 + 20) * 3]!;
  const g = out.data[(30 * 50 + 20) * 3 + 1]!;
  assert.ok(Math.abs(r - 120) <= 2, `red ${r}`);
  assert.ok(Math.abs(g - 160) <= 2, `green ${g}`);
});

test('boxDownsample averages blocks', () => {
  const data = Uint8Array.from([0, 0, 0, 100, 100, 100, 200, 200, 200, 100, 100, 100]);
  const out = boxDownsample({ data, width: 2, height: 2 }, 0, 0, 2, 2, 2);
  assert.deepEqual([...out.data], [100, 100, 100]);
});
