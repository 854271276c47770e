// Aligned-crop embedding: 5 points → similarity onto the ArcFace template → 112×112 crop →
// CNN → L2-normalised vector.
import { ARCFACE_112, estimateSimilarity, type Similarity, similarityScale } from '../align/similarity.ts';
import { type RgbImage, warpSimilarity } from '../align/warp.ts';
import { toPlanarTensor } from '../image/tensor.ts';
import { type ModelSession, ort } from '../models/registry.ts';
import type { Landmarks5 } from '../types.ts';
import { BLUR_SIGMA_PHOTO_PX, blurredWarp, NOISE_MIN_SCALE } from './noise.ts';
import { l2Normalize } from './vector.ts';

export interface EmbedResult {
  embedding: Float32Array;
  /**
   * The embedding of the same crop without the anti-artefact blur, when it was measured (small
   * faces): its squared distance to `embedding` estimates the face's noise (see ml/embed/noise.ts).
   * Wrappers (fusion, projection) map it exactly as they map `embedding`.
   */
  unblurred?: Float32Array;
  /** The aligned crop (RGB), used for the sharpness measure and thumbnails. */
  crop: RgbImage;
}

export interface EmbedOptions {
  /** Measure the face's noise when the embedder can (default true); scans ask `measuresNoise`. */
  measureNoise?: boolean | undefined;
}

/** What the pipeline needs from an embedder: one model (`Embedder`), a fusion or a projection. */
export interface FaceEmbedder {
  readonly size: number;
  embed(img: RgbImage, landmarks: Landmarks5, options?: EmbedOptions): Promise<EmbedResult>;
}

export function alignFace(img: RgbImage, landmarks: Landmarks5, size = 112): RgbImage {
  return alignFaceScaled(img, landmarks, size).crop;
}

/** The aligned crop, its transform and magnification (crop pixels per photo pixel). */
function alignFaceScaled(
  img: RgbImage,
  landmarks: Landmarks5,
  size: number,
): { crop: RgbImage; t: Similarity; scale: number } {
  const template = ARCFACE_112.map(([x, y]) => [(x * size) / 112, (y * size) / 112] as const);
  const t = estimateSimilarity(landmarks, template);
  return { crop: warpSimilarity(img, t, size, size), t, scale: similarityScale(t) };
}

function flipHorizontal(img: RgbImage): RgbImage {
  const out = new Uint8Array(img.data.length);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const s = (y * img.width + x) * 3;
      const d = (y * img.width + (img.width - 1 - x)) * 3;
      out[d] = img.data[s]!;
      out[d + 1] = img.data[s + 1]!;
      out[d + 2] = img.data[s + 2]!;
    }
  }
  return { data: out, width: img.width, height: img.height };
}

export class Embedder implements FaceEmbedder {
  constructor(
    private readonly model: ModelSession,
    /** Also embed the mirrored crop and add the two vectors (a standard, cheap accuracy gain). */
    private readonly flip = false,
    /**
     * Blur the crop slightly and, for small faces, measure the noise (ml/embed/noise.ts): on for
     * embedders with a calibrated `noiseSlack`.
     */
    private readonly denoise = false,
    /** Measure noise at all (off for a part of a fusion whose grouping has no noise slack). */
    private readonly measures = denoise,
  ) {}

  get size(): number {
    return this.model.entry.embeddingSize ?? 0;
  }

  async #run(crop: RgbImage): Promise<Float32Array> {
    const e = this.model.entry;
    const order = e.colour === 'BGR' ? 'BGR' : 'RGB';
    const tensor = new ort.Tensor('float32', toPlanarTensor(crop, order, e.mean, e.std), [
      1,
      3,
      crop.height,
      crop.width,
    ]);
    const out = await this.model.run({ [e.input.name]: tensor });
    return Float32Array.from(out[e.outputs[0]!]!.data as Float32Array);
  }

  /** The crop's embedding, plus its mirror's when `flip`, L2-normalised. */
  async #embedCrop(crop: RgbImage): Promise<Float32Array> {
    const v = await this.#run(crop);
    if (this.flip) {
      const m = await this.#run(flipHorizontal(crop));
      for (let i = 0; i < v.length; i++) v[i]! += m[i]!;
    }
    return l2Normalize(v);
  }

  async embed(img: RgbImage, landmarks: Landmarks5, options: EmbedOptions = {}): Promise<EmbedResult> {
    const size = this.model.entry.input.width;
    const { crop, t, scale } = alignFaceScaled(img, landmarks, size);
    if (!this.denoise) return { embedding: await this.#embedCrop(crop), crop };
    const embedding = await this.#embedCrop(blurredWarp(img, t, size, BLUR_SIGMA_PHOTO_PX, scale));
    if (!this.measures || scale < NOISE_MIN_SCALE || options.measureNoise === false)
      return { embedding, crop };
    return { embedding, crop, unblurred: await this.#embedCrop(crop) };
  }
}
