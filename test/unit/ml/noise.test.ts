import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { warpSimilarity } from '../../../ml/align/warp.ts';
import {
  blurredWarp,
  faceNoise,
  gaussianBlurRgb,
  gaussianKernel,
  MAX_NOISE,
  measuresNoise,
  slackOf,
} from '../../../ml/embed/noise.ts';
import { mulberry32 } from '../../../ml/util/prng.ts';

describe('face noise (blur, noise, slack)', () => {
  it('the Gaussian kernel of σ 1 is the normal density, normalised over radius 3', () => {
    const k = gaussianKernel(1);
    assert.equal(k.length, 7);
    // exp(−i²/2) / Σ, Σ = 1 + 2(e^−0.5 + e^−2 + e^−4.5) = 2.5059500 (truncated, so not √2π)
    const expected = [0.004433, 0.0540056, 0.2420362, 0.3990503, 0.2420362, 0.0540056, 0.004433];
    for (const [i, v] of expected.entries()) assert.ok(Math.abs(k[i]! - v) < 1e-6, `k[${i}] = ${k[i]}`);
  });

  it('blurs an impulse into the kernel’s outer product and leaves flat colour alone', () => {
    const w = 9;
    const img = { data: new Uint8Array(w * w * 3), width: w, height: w };
    const c = (4 * w + 4) * 3;
    img.data[c] = 255;
    const out = gaussianBlurRgb(img, 1);
    // Centre: 255 · 0.3990503² = 40.61; one step right: 255 · 0.3990503 · 0.2420362 = 24.63.
    assert.equal(out.data[c], 41);
    assert.equal(out.data[c + 3], 25);
    assert.equal(out.data[c + 1], 0, 'other channels untouched');
    const flat = { data: new Uint8Array(w * w * 3).fill(117), width: w, height: w };
    assert.ok(gaussianBlurRgb(flat, 1.3).data.every((v) => v === 117));
    assert.equal(gaussianBlurRgb(img, 0), img, 'σ 0 is a no-op');
  });

  it('noise is the squared distance, clipped; slack is k·noise with NaN as 0', () => {
    assert.ok(Math.abs(faceNoise(Float32Array.from([1, 0]), Float32Array.from([0.8, 0.1])) - 0.05) < 1e-7);
    assert.equal(faceNoise(Float32Array.from([1, 0]), Float32Array.from([-1, 0])), MAX_NOISE);
    const s = slackOf(Float32Array.from([0.04, Number.NaN, 0, 0.5]), 1.5);
    assert.ok(Math.abs(s[0]! - 0.06) < 1e-7);
    assert.equal(s[1], 0);
    assert.equal(s[2], 0);
    assert.ok(Math.abs(s[3]! - 1.5 * MAX_NOISE) < 1e-7);
    assert.ok(slackOf(Float32Array.from([0.1]), 0).every((v) => v === 0));
  });
});

describe('blurredWarp', () => {
  const w = 120;
  const h = 90;
  const img = { data: new Uint8Array(w * h * 3), width: w, height: h };
  const r = mulberry32(7);
  for (let i = 0; i < img.data.length; i++) img.data[i] = Math.floor(r() * 256);

  it('a magnified face: the same pixels as blurring the whole photo, then warping', () => {
    // Scale 2 with a little rotation: 112 crop pixels over ~56 photo pixels in the middle.
    const t = { a: 1.9, b: 0.6, tx: -60, ty: -40 };
    const scale = Math.hypot(t.a, t.b);
    const expected = warpSimilarity(gaussianBlurRgb(img, 0.6), t, 112, 112);
    assert.deepEqual(blurredWarp(img, t, 112, 0.6, scale).data, expected.data);
  });

  it('a shrunk face: the crop blurred by σ·scale', () => {
    const t = { a: 0.5, b: 0, tx: 20, ty: 10 };
    const expected = gaussianBlurRgb(warpSimilarity(img, t, 112, 112), 0.3);
    assert.deepEqual(blurredWarp(img, t, 112, 0.6, 0.5).data, expected.data);
  });
});

describe('measuresNoise', () => {
  it('small photos, unless a JPEG of quality ≥ 70; never camera originals', () => {
    assert.equal(measuresNoise(1024, 20), true);
    assert.equal(measuresNoise(1024, 69), true);
    assert.equal(measuresNoise(1024, 70), false);
    assert.equal(measuresNoise(250, 90), false);
    assert.equal(measuresNoise(1600, undefined), true, 'PNG, WebP, HEIC: quality unknown');
    assert.equal(measuresNoise(3000, 20), false);
    assert.equal(measuresNoise(4032, undefined), false);
  });
});
