// Shared by the training tests: random unit rows, a small labelled set and the finite-difference
// gradient check.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { syntheticEmbeddings } from '../../bench/cluster-scale/synthetic.ts';
import { type Adapter, adapterBackward, adapterForward } from '../../ml/train/adapter.ts';
import { readEmbeddingsFile } from '../../ml/train/embeddings-file.ts';
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

/** lfw-dev faceplugin embeddings saved by `kith bench cluster --save-embeddings` (absent in CI). */
export const LFW_EMBEDDINGS_FILE = new URL('../../scratch/lfw-faceplugin.emb', import.meta.url).pathname;

/**
 * `identities` labelled people × 6 faces: LFW faces from LFW_EMBEDDINGS_FILE when it is there,
 * else synthetic ones.
 */
export async function smallLabelledSet(
  identities: number,
): Promise<{ dim: number; embeddings: Float32Array; labels: Int32Array }> {
  if (existsSync(LFW_EMBEDDINGS_FILE)) {
    const f = await readEmbeddingsFile(LFW_EMBEDDINGS_FILE);
    const byId = new Map<number, number[]>();
    f.labels.forEach((l, i) => {
      byId.set(l, [...(byId.get(l) ?? []), i]);
    });
    const ids = [...byId.entries()].filter(([, v]) => v.length >= 6).slice(0, identities);
    const rows = ids.flatMap(([, v]) => v.slice(0, 6));
    const embeddings = new Float32Array(rows.length * f.dim);
    rows.forEach((r, i) => {
      embeddings.set(f.embeddings.subarray(r * f.dim, (r + 1) * f.dim), i * f.dim);
    });
    const labels = Int32Array.from(ids.flatMap(([, v], k) => v.slice(0, 6).map(() => k)));
    return { dim: f.dim, embeddings, labels };
  }
  const s = syntheticEmbeddings({ n: identities * 6, identities, dim: 64, seed: 4 });
  return { dim: s.dim, embeddings: s.embeddings, labels: s.labels };
}
