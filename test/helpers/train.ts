// Shared by the training tests: random unit rows, a small labelled set and the finite-difference
// gradient check.
import assert from 'node:assert/strict';
import { syntheticEmbeddings } from '../../bench/cluster-scale/synthetic.ts';
import { type Adapter, adapterBackward, adapterForward } from '../../ml/train/adapter.ts';
import { batchLoss, type Triplet, tripletLoss } from '../../ml/train/triplet.ts';

/** n random rows of length dim on the unit sphere. */
export function unitRows(n: number, dim: number, rand: () => number): Float32Array {
  const x = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let k = 0; k < dim; k++) {
      const v = rand() * 2 - 1;
      x[r * dim + k] = v;
      s += v * v;
    }
    for (let k = 0; k < dim; k++) x[r * dim + k]! /= Math.sqrt(s);
  }
  return x;
}

/**
 * Worst relative error between the analytic gradient of the triplet loss through adapter +
 * normalisation and central differences, over every parameter.
 */
export function worstGradientError(
  adapter: Adapter,
  x: Float32Array,
  triplets: Triplet[],
  alpha: number,
): number {
  const cache = adapterForward(adapter, x);
  const { grad: gy, active } = tripletLoss(cache.y, adapter.dim, triplets, alpha);
  assert.ok(active > 0, 'the check needs active triplets');
  const analytic = adapterBackward(adapter, cache, gy);
  const p = adapter.params;
  let worst = 0;
  for (let i = 0; i < p.length; i++) {
    const orig = p[i]!;
    p[i] = orig + 1e-2;
    const up = p[i]!;
    const lp = batchLoss(adapter, x, triplets, alpha);
    p[i] = orig - 1e-2;
    const down = p[i]!;
    const lm = batchLoss(adapter, x, triplets, alpha);
    p[i] = orig;
    const numeric = (lp - lm) / (up - down);
    const err = Math.abs(numeric - analytic[i]!) / Math.max(1e-2, Math.abs(numeric) + Math.abs(analytic[i]!));
    worst = Math.max(worst, err);
  }
  return worst;
}

/**
 * `identities` labelled people × 6 faces, synthetic (64-d, fixed seed): the same data on every machine,
 * so a test checks the same thing everywhere. Real embeddings belong to the benchmarks (`kith bench
 * finetune`), which read ../shared.
 */
export function smallLabelledSet(identities: number): {
  dim: number;
  embeddings: Float32Array;
  labels: Int32Array;
} {
  const s = syntheticEmbeddings({ n: identities * 6, identities, dim: 64, seed: 4 });
  return { dim: s.dim, embeddings: s.embeddings, labels: s.labels };
}
