// The 512→128 projection (PCA): hand-computed principal directions, the projected unit vector,
// and the resource file's round trip.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossFitProject } from '../../../bench/project.ts';
import { applyProjection, decodeProjection, encodeProjection, fitPca } from '../../../ml/embed/projection.ts';

const near = (a: ArrayLike<number>, b: readonly number[], eps = 1e-5) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= eps, `[${i}] ${a[i]} vs ${b[i]}`);
};

test('fitPca finds the mean and the direction of a line of points', () => {
  // (3,1) + t·(1,2), t = −2…2: mean (3,1), first direction (1,2)/√5 with its larger component positive.
  const pts = [-2, -1, 0, 1, 2].flatMap((t) => [3 + t, 1 + 2 * t]);
  const p = fitPca(Float32Array.from(pts), 2, 1);
  near(p.mean, [3, 1]);
  near(p.basis, [1 / Math.sqrt(5), 2 / Math.sqrt(5)]);
  // One output dimension: the sign of (v − mean)·direction.
  near(applyProjection(p, Float32Array.of(4, 3)), [1]);
  near(applyProjection(p, Float32Array.of(2, -1)), [-1]);
});

test('fitPca orders directions by variance and applyProjection returns a unit vector', () => {
  // Variances 3, 4/3 and 1/3 along the axes: the top two are x then y.
  const pts = [3, 0, 0, -3, 0, 0, 0, 2, 0, 0, -2, 0, 0, 0, 1, 0, 0, -1];
  const p = fitPca(Float32Array.from(pts), 3, 2);
  near(p.mean, [0, 0, 0]);
  near(p.basis, [1, 0, 0, 0, 1, 0]);
  // (1, 1, 5) keeps (1, 1), normalised.
  near(applyProjection(p, Float32Array.of(1, 1, 5)), [Math.SQRT1_2, Math.SQRT1_2]);
  assert.throws(() => applyProjection(p, Float32Array.of(1, 2)), /3-d/);
});

test('the projection file round-trips its numbers', () => {
  const p = fitPca(Float32Array.from([1, 2, 3, 4, 5, 7, 2, 2, 9, 0, 1, 1]), 3, 2);
  const q = decodeProjection(encodeProjection(p, { embedder: 'x' }));
  assert.deepEqual([q.inDim, q.outDim], [3, 2]);
  near(q.mean, [...p.mean], 0);
  near(q.basis, [...p.basis], 0);
  assert.throws(() => decodeProjection(Buffer.from('{"format":"other"}\n')), /kith-projection-1/);
});

test('cross-fitting projects each group with a PCA fitted only on the other groups', () => {
  // Group 0 varies along x, group 1 along y (3-d, 1 output dimension). Fitted on its own group a
  // point would map to ±1; fitted on the other group's direction it maps to 0.
  const data = Float32Array.from([2, 0, 0, -2, 0, 0, 0, 1, 0.5, 0, -1, -0.5]);
  const out = crossFitProject(data, 3, Int32Array.of(0, 0, 1, 1), 1);
  near(out, [0, 0, 0, 0]);
  // Three groups: each point of group 2 is projected by the PCA of groups 0 and 1 (along x).
  const three = crossFitProject(
    Float32Array.from([4, 0, 0, -4, 0, 0, 3, 0, 0, -3, 0, 0, 1, 1, 0, -1, -1, 0]),
    3,
    Int32Array.of(0, 0, 1, 1, 2, 2),
    1,
  );
  near(three.subarray(4), [1, -1]);
});
