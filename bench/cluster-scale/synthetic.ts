// Synthetic face embeddings with the structure of a real library, for benches and tests.
import { createRandom } from '../../ml/cluster/random.ts';

export interface SyntheticOptions {
  n: number;
  /** Default 128 (FaceNet). */
  dim?: number | undefined;
  seed?: number | undefined;
  /**
   * Identity centres, k × dim row-major (e.g. LFW identity means). They are normalised here.
   * Default: random directions on the sphere (plus look-alikes, see `lookalikes`).
   */
  centroids?: Float32Array | undefined;
  /** Identities to draw from when no centroids are given. Default n/4. */
  identities?: number | undefined;
  /**
   * Typical distance of a face from its identity centre before normalisation. Default 0.75:
   * same-person squared distances ≈ 0.72 (mostly < 1.0), different people ≈ 2, look-alikes ≈ 1.3.
   */
  spread?: number | undefined;
  /** Zipf exponent of identity sizes (identity r has weight 1/(r+1)^zipf). Default 1. */
  zipf?: number | undefined;
  /**
   * Share of random identities drawn near another one (siblings, look-alikes: centre cosine ≈
   * 0.55, so their faces sit ≈ 1.3 apart, just past a typical threshold). Default 0.1.
   */
  lookalikes?: number | undefined;
}

export interface SyntheticFaces {
  embeddings: Float32Array;
  dim: number;
  /** True identity per face (identity numbers; rank 0 is the most frequent). */
  labels: Int32Array;
  /** Photo per face: faces of one photo are always distinct identities (1–4 faces a photo). */
  groupOf: Int32Array;
  /** Per-face quality in (0, 1): lower for faces drawn farther from their identity centre. */
  quality: Float32Array;
}

function normalise(v: Float32Array | Float64Array, offset: number, dim: number): void {
  let s = 0;
  for (let k = 0; k < dim; k++) s += v[offset + k]! * v[offset + k]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let k = 0; k < dim; k++) v[offset + k]! *= inv;
}

/**
 * [Note: synthetic library]
 * Identity sizes follow Zipf: many people with one or two faces, a few (family) with thousands.
 * Each face is centre + spread_i·g/√dim with g standard normal, then normalised; spread_i varies
 * per face (log-normal, σ 0.3) so some faces are hard, as blurred or profile faces are.
 * Deterministic for a given seed.
 */
export function syntheticEmbeddings(options: SyntheticOptions): SyntheticFaces {
  const { n } = options;
  const dim = options.dim ?? 128;
  const rng = createRandom(options.seed ?? 1);
  const spread = options.spread ?? 0.75;
  const zipf = options.zipf ?? 1;

  let centres: Float64Array;
  let identities: number;
  if (options.centroids) {
    if (options.centroids.length % dim !== 0)
      throw new RangeError('centroids length is not a multiple of dim');
    identities = options.centroids.length / dim;
    centres = Float64Array.from(options.centroids);
    for (let c = 0; c < identities; c++) normalise(centres, c * dim, dim);
  } else {
    identities = Math.max(1, options.identities ?? Math.ceil(n / 4));
    const lookalikes = options.lookalikes ?? 0.1;
    centres = new Float64Array(identities * dim);
    for (let c = 0; c < identities; c++) {
      for (let k = 0; k < dim; k++) centres[c * dim + k] = rng.normal();
      normalise(centres, c * dim, dim);
      if (c > 0 && rng.next() < lookalikes) {
        // centre = normalise(other + 1.5·random unit): cosine 1/√(1 + 1.5²) ≈ 0.55 to `other`.
        const other = rng.int(c);
        for (let k = 0; k < dim; k++)
          centres[c * dim + k] = centres[other * dim + k]! + 1.5 * centres[c * dim + k]!;
        normalise(centres, c * dim, dim);
      }
    }
  }
  if (identities === 0) throw new RangeError('no identities to draw from');

  // Zipf by inverse CDF.
  const cdf = new Float64Array(identities);
  let total = 0;
  for (let r = 0; r < identities; r++) {
    total += 1 / (r + 1) ** zipf;
    cdf[r] = total;
  }
  const labels = new Int32Array(n);
  const embeddings = new Float32Array(n * dim);
  const quality = new Float32Array(n);
  const scale = 1 / Math.sqrt(dim);
  for (let i = 0; i < n; i++) {
    const u = rng.next() * total;
    let lo = 0;
    let hi = identities - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    labels[i] = lo;
    const s = spread * Math.exp(0.3 * rng.normal());
    quality[i] = 1 / (1 + (s / spread) ** 2);
    const o = i * dim;
    for (let k = 0; k < dim; k++) embeddings[o + k] = centres[lo * dim + k]! + s * scale * rng.normal();
    normalise(embeddings, o, dim);
  }

  // Photos: consecutive faces in a shuffled order, 1–4 per photo, never one identity twice.
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const groupOf = new Int32Array(n);
  let photo = -1;
  let room = 0;
  const inPhoto: number[] = [];
  for (const face of order) {
    if (room === 0 || inPhoto.includes(labels[face]!)) {
      photo++;
      const u = rng.next();
      room = u < 0.6 ? 1 : u < 0.85 ? 2 : u < 0.95 ? 3 : 4;
      inPhoto.length = 0;
    }
    groupOf[face] = photo;
    inPhoto.push(labels[face]!);
    room--;
  }
  return { embeddings, dim, labels, groupOf, quality };
}
