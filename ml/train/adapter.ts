// A small trainable adapter on top of a frozen face embedding (the CNN never runs again):
//   residual: y = normalize(x + W x + b)
//   mlp:      y = normalize(x + W2 relu(W1 x + b1) + b2)
// W (or W2) starts at 0, so a fresh adapter is the identity on the unit sphere and training only
// has to learn a correction. Output stays L2-normalised, so squared L2 keeps meaning what it did
// (and the embedder's thresholds stay roughly calibrated).
//
// Parameters live in one Float32Array (the optimiser treats them as a flat vector); layout:
//   residual: W (dim×dim, row-major: out i = Σ_j W[i·dim + j] x_j), b (dim)
//   mlp:      W1 (hidden×dim), b1 (hidden), W2 (dim×hidden), b2 (dim)

export type AdapterKind = 'residual' | 'mlp';

export interface Adapter {
  kind: AdapterKind;
  dim: number;
  /** Hidden width (mlp only; 0 for residual). */
  hidden: number;
  params: Float32Array;
}

export const ADAPTER_FORMAT_VERSION = 1;

export function paramCount(kind: AdapterKind, dim: number, hidden: number): number {
  return kind === 'residual' ? dim * dim + dim : hidden * dim + hidden + dim * hidden + dim;
}

/**
 * A fresh adapter. residual: exactly the identity (all zeros). mlp: W1 small random (so hidden units
 * differ and gradients flow to W2), W2 = 0, hence also the identity at start.
 */
export function createAdapter(
  dim: number,
  options: { kind?: AdapterKind; hidden?: number; seed?: number } = {},
): Adapter {
  const kind = options.kind ?? 'residual';
  const hidden = kind === 'mlp' ? (options.hidden ?? 128) : 0;
  const params = new Float32Array(paramCount(kind, dim, hidden));
  if (kind === 'mlp') {
    const rand = mulberry32(options.seed ?? 1);
    const scale = Math.sqrt(2 / dim);
    // Uniform with the He variance: √3 · scale · U(−1, 1).
    for (let i = 0; i < hidden * dim; i++) params[i] = (rand() * 2 - 1) * Math.sqrt(3) * scale;
  }
  return { kind, dim, hidden, params };
}

/** Intermediate values of a forward pass, kept for the backward pass. */
export interface AdapterCache {
  n: number;
  x: Float32Array;
  /** Normalised outputs (n×dim). */
  y: Float32Array;
  /** Norm of each pre-normalisation output z. */
  norms: Float32Array;
  /** mlp: hidden pre-activations (n×hidden). */
  h: Float32Array;
}

/** Applies the adapter to n row vectors x (n×dim); returns the normalised outputs and a cache. */
export function adapterForward(adapter: Adapter, x: Float32Array): AdapterCache {
  const { dim, hidden, params: p } = adapter;
  const n = x.length / dim;
  if (!Number.isInteger(n)) throw new RangeError(`input length ${x.length} is not a multiple of ${dim}`);
  const y = new Float32Array(n * dim);
  const norms = new Float32Array(n);
  const h = new Float32Array(adapter.kind === 'mlp' ? n * hidden : 0);
  const z = new Float64Array(dim);
  for (let r = 0; r < n; r++) {
    const xo = r * dim;
    if (adapter.kind === 'residual') {
      const bo = dim * dim;
      for (let i = 0; i < dim; i++) {
        let s = x[xo + i]! + p[bo + i]!;
        const wo = i * dim;
        for (let j = 0; j < dim; j++) s += p[wo + j]! * x[xo + j]!;
        z[i] = s;
      }
    } else {
      const b1 = hidden * dim;
      const w2 = b1 + hidden;
      const b2 = w2 + dim * hidden;
      const ho = r * hidden;
      for (let k = 0; k < hidden; k++) {
        let s = p[b1 + k]!;
        const wo = k * dim;
        for (let j = 0; j < dim; j++) s += p[wo + j]! * x[xo + j]!;
        h[ho + k] = s;
      }
      for (let i = 0; i < dim; i++) {
        let s = x[xo + i]! + p[b2 + i]!;
        const wo = w2 + i * hidden;
        for (let k = 0; k < hidden; k++) {
          const a = h[ho + k]!;
          if (a > 0) s += p[wo + k]! * a;
        }
        z[i] = s;
      }
    }
    let ss = 0;
    for (let i = 0; i < dim; i++) ss += z[i]! * z[i]!;
    const norm = Math.sqrt(ss) || 1;
    norms[r] = norm;
    for (let i = 0; i < dim; i++) y[xo + i] = z[i]! / norm;
  }
  return { n, x, y, norms, h };
}

/** Adapted, normalised embeddings only (no cache kept beyond the call). */
export function applyAdapter(adapter: Adapter, x: Float32Array): Float32Array {
  return adapterForward(adapter, x).y;
}

/**
 * Gradient of a loss with respect to the parameters, given dL/dy (n×dim) for the cache's outputs.
 * Accumulates into `grad` (same layout as params) and returns it.
 */
export function adapterBackward(
  adapter: Adapter,
  cache: AdapterCache,
  gy: Float32Array,
  grad: Float32Array = new Float32Array(adapter.params.length),
): Float32Array {
  const { dim, hidden, params: p } = adapter;
  const { n, x, y, norms, h } = cache;
  const gz = new Float64Array(dim);
  const gh = new Float64Array(hidden);
  for (let r = 0; r < n; r++) {
    const o = r * dim;
    // Through y = z/‖z‖: dL/dz = (g − y (y·g)) / ‖z‖ (the radial part of g is lost).
    let yg = 0;
    let any = false;
    for (let i = 0; i < dim; i++) {
      const g = gy[o + i]!;
      if (g !== 0) any = true;
      yg += y[o + i]! * g;
    }
    if (!any) continue; // a face that took no part in any active triplet
    const inv = 1 / norms[r]!;
    for (let i = 0; i < dim; i++) gz[i] = (gy[o + i]! - y[o + i]! * yg) * inv;
    if (adapter.kind === 'residual') {
      const bo = dim * dim;
      for (let i = 0; i < dim; i++) {
        const g = gz[i]!;
        if (g === 0) continue;
        grad[bo + i]! += g;
        const wo = i * dim;
        for (let j = 0; j < dim; j++) grad[wo + j]! += g * x[o + j]!;
      }
    } else {
      const b1 = hidden * dim;
      const w2 = b1 + hidden;
      const b2 = w2 + dim * hidden;
      const ho = r * hidden;
      gh.fill(0);
      for (let i = 0; i < dim; i++) {
        const g = gz[i]!;
        grad[b2 + i]! += g;
        const wo = w2 + i * hidden;
        for (let k = 0; k < hidden; k++) {
          const a = h[ho + k]!;
          if (a <= 0) continue; // relu: no gradient through an inactive unit
          grad[wo + k]! += g * a;
          gh[k]! += g * p[wo + k]!;
        }
      }
      for (let k = 0; k < hidden; k++) {
        const g = gh[k]!;
        if (g === 0) continue;
        grad[b1 + k]! += g;
        const wo = k * dim;
        for (let j = 0; j < dim; j++) grad[wo + j]! += g * x[o + j]!;
      }
    }
  }
  return grad;
}

/** Applies the adapter to every row of a stored embedding matrix (the app's re-cluster input). */
export function adaptedEmbeddings<M extends { dim: number; data: Float32Array }>(
  matrix: M,
  adapter: Adapter,
): M {
  if (matrix.dim !== adapter.dim) {
    throw new RangeError(`adapter is ${adapter.dim}-d but the embeddings are ${matrix.dim}-d`);
  }
  const data = applyAdapter(adapter, matrix.data);
  return { ...matrix, data, row: (i: number) => data.subarray(i * matrix.dim, (i + 1) * matrix.dim) };
}

/** JSON form: parameters as base64 of little-endian float32 (compact, exact). */
export interface SerializedAdapter {
  format: 'kith-adapter';
  version: number;
  kind: AdapterKind;
  dim: number;
  hidden: number;
  params: string;
}

export function serializeAdapter(adapter: Adapter): SerializedAdapter {
  const bytes = Buffer.from(adapter.params.buffer, adapter.params.byteOffset, adapter.params.byteLength);
  return {
    format: 'kith-adapter',
    version: ADAPTER_FORMAT_VERSION,
    kind: adapter.kind,
    dim: adapter.dim,
    hidden: adapter.hidden,
    params: bytes.toString('base64'),
  };
}

export function deserializeAdapter(value: unknown): Adapter {
  const s = value as Partial<SerializedAdapter> | null;
  if (s?.format !== 'kith-adapter') throw new Error('not a serialised Kith adapter');
  if (s.version !== ADAPTER_FORMAT_VERSION) {
    throw new Error(`adapter format version ${String(s.version)} is not supported (this build reads 1)`);
  }
  if (
    (s.kind !== 'residual' && s.kind !== 'mlp') ||
    typeof s.dim !== 'number' ||
    typeof s.params !== 'string'
  ) {
    throw new Error('malformed adapter');
  }
  const hidden = s.kind === 'mlp' ? (s.hidden ?? 0) : 0;
  const bytes = Buffer.from(s.params, 'base64');
  const expected = paramCount(s.kind, s.dim, hidden);
  if (bytes.byteLength !== expected * 4) {
    throw new Error(`adapter has ${bytes.byteLength / 4} parameters, expected ${expected}`);
  }
  // Copy into a fresh, aligned buffer (Buffer slices may be unaligned for Float32Array).
  const params = new Float32Array(expected);
  new Uint8Array(params.buffer).set(bytes);
  return { kind: s.kind, dim: s.dim, hidden, params };
}

/** Small seeded PRNG (mulberry32): uniform in [0, 1). Deterministic across platforms. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
