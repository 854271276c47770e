// The 128-byte form of a wider embedding in the benchmarks (`--project 128`): PCA fitted on faces
// disjoint from the ones it is scored on (cross-fitting), then L2 normalisation and int8.

import { applyProjection, fitPca } from '../ml/embed/projection.ts';
import { dequantizeInt8, quantizeInt8, squaredL2Int8 } from '../ml/embed/quantize.ts';
import { type LfwPair, lfwImagePath, type ScoredPair } from './verify/lfw-protocol.ts';

/** Fits on the vectors of the other groups and projects each group's vectors (row-major out). */
export function crossFitProject(
  data: Float32Array,
  dim: number,
  group: Int32Array,
  outDim: number,
): Float32Array {
  const n = group.length;
  const out = new Float32Array(n * outDim);
  for (const g of new Set(group)) {
    const train: number[] = [];
    for (let i = 0; i < n; i++) if (group[i] !== g) train.push(i);
    const fit = new Float32Array(train.length * dim);
    train.forEach((i, k) => {
      fit.set(data.subarray(i * dim, (i + 1) * dim), k * dim);
    });
    const p = fitPca(fit, dim, outDim);
    for (let i = 0; i < n; i++) {
      if (group[i] === g) out.set(applyProjection(p, data.subarray(i * dim, (i + 1) * dim)), i * outDim);
    }
  }
  return out;
}

/** The stored 1-byte-per-dimension form, back in float (what clustering on it sees). */
export function int8RoundTrip(v: Float32Array): Float32Array {
  return dequantizeInt8(quantizeInt8(v));
}

/** LFW pairs scored on the projected int8 form; each fold's faces projected by a PCA fitted on the other folds. */
export function projectedPairs(
  pairs: readonly LfwPair[],
  embeddings: ReadonlyMap<string, Float32Array>,
  outDim: number,
): ScoredPair[] {
  const foldOf = new Map<string, number>();
  for (const p of pairs) {
    foldOf.set(lfwImagePath(p.a.name, p.a.index), p.fold);
    foldOf.set(lfwImagePath(p.b.name, p.b.index), p.fold);
  }
  const files = [...embeddings.keys()].filter((f) => foldOf.has(f));
  const dim = embeddings.get(files[0] ?? '')?.length ?? 0;
  const data = new Float32Array(files.length * dim);
  files.forEach((f, i) => {
    data.set(embeddings.get(f)!, i * dim);
  });
  const projected = crossFitProject(
    data,
    dim,
    Int32Array.from(files, (f) => foldOf.get(f)!),
    outDim,
  );
  const byFile = new Map(
    files.map((f, i) => [f, quantizeInt8(projected.subarray(i * outDim, (i + 1) * outDim))]),
  );
  return pairs.map((p) => {
    const a = byFile.get(lfwImagePath(p.a.name, p.a.index));
    const b = byFile.get(lfwImagePath(p.b.name, p.b.index));
    return { fold: p.fold, same: p.same, distance: a && b ? squaredL2Int8(a, b) : Number.NaN };
  });
}
