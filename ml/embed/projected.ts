// An embedder with no model of its own: another embedder's vector mapped by a fitted linear
// projection (ml/embed/projection.ts) to fewer dimensions, e.g. faceplugin's 512-d to the paper's
// 128 bytes. The result is a unit vector, so thresholds, k-NN and the int8 form work on it unchanged.
import type { RgbImage } from '../align/warp.ts';
import type { Landmarks5 } from '../types.ts';
import type { EmbedOptions, EmbedResult, FaceEmbedder } from './embedder.ts';
import { applyProjection, type Projection } from './projection.ts';

export class ProjectedEmbedder implements FaceEmbedder {
  constructor(
    private readonly inner: FaceEmbedder,
    private readonly projection: Projection,
  ) {
    if (inner.size !== projection.inDim) {
      throw new Error(`projection takes ${projection.inDim}-d embeddings, the embedder gives ${inner.size}`);
    }
  }

  get size(): number {
    return this.projection.outDim;
  }

  async embed(img: RgbImage, landmarks: Landmarks5, options?: EmbedOptions): Promise<EmbedResult> {
    const r = await this.inner.embed(img, landmarks, options);
    // The unblurred twin is mapped the same way, so its distance to the embedding (the face's noise
    // estimate) is measured in the space the library stores.
    return {
      ...r,
      embedding: applyProjection(this.projection, r.embedding),
      ...(r.unblurred ? { unblurred: applyProjection(this.projection, r.unblurred) } : {}),
    };
  }
}
