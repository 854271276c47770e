// Score fusion of several embedders as one embedding: each part's unit vector scaled by √weight
// and concatenated (weights sum to 1). The result is a unit vector whose squared L2 distance is
// the weighted sum of the parts' squared L2 distances, so every threshold, k-NN index and the
// int8 form work on it unchanged.
import type { RgbImage } from '../align/warp.ts';
import type { Landmarks5 } from '../types.ts';
import type { EmbedOptions, EmbedResult, FaceEmbedder } from './embedder.ts';
import { l2Normalize } from './vector.ts';

/** Concatenates √wᵢ · vᵢ/‖vᵢ‖; weights must be positive and sum to 1. */
export function fuseEmbeddings(parts: readonly Float32Array[], weights: readonly number[]): Float32Array {
  if (parts.length !== weights.length || parts.length === 0) {
    throw new Error(`fuseEmbeddings: ${parts.length} parts, ${weights.length} weights`);
  }
  const sum = weights.reduce((s, w) => s + w, 0);
  if (weights.some((w) => !(w > 0)) || Math.abs(sum - 1) > 1e-6) {
    throw new Error(`fuseEmbeddings: weights must be positive and sum to 1, got ${weights.join(', ')}`);
  }
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  parts.forEach((p, i) => {
    const unit = l2Normalize(Float32Array.from(p));
    const scale = Math.sqrt(weights[i]!);
    for (let k = 0; k < unit.length; k++) out[offset + k] = unit[k]! * scale;
    offset += unit.length;
  });
  return out;
}

/** Runs every part on the same face and fuses their embeddings. */
export class FusedEmbedder implements FaceEmbedder {
  constructor(private readonly parts: ReadonlyArray<{ embedder: FaceEmbedder; weight: number }>) {}

  get size(): number {
    return this.parts.reduce((s, p) => s + p.embedder.size, 0);
  }

  async embed(img: RgbImage, landmarks: Landmarks5, options?: EmbedOptions): Promise<EmbedResult> {
    const results: EmbedResult[] = [];
    for (const p of this.parts) results.push(await p.embedder.embed(img, landmarks, options));
    const weights = this.parts.map((p) => p.weight);
    const embedding = fuseEmbeddings(
      results.map((r) => r.embedding),
      weights,
    );
    // A part without its own unblurred embedding contributes its blurred one (no noise from it).
    const unblurred = results.some((r) => r.unblurred)
      ? fuseEmbeddings(
          results.map((r) => r.unblurred ?? r.embedding),
          weights,
        )
      : undefined;
    return { embedding, crop: results[0]!.crop, ...(unblurred ? { unblurred } : {}) };
  }
}
