// A small trainable adapter on top of a frozen face embedding (the CNN never runs again):
//   residual: y = normalize(x + W x + b)
//   mlp:      y = normalize(x + W2 relu(W1 x + b1) + b2)
//   lowrank:  y = normalize(x + U (Vᵀ x) + b), U, V dim×r (r ≪ dim: cost and capacity fall by dim/r,
//             and a rank-r correction can only move r directions, which leaves most of the space as is)
// W (or W2, or U) starts at 0, so a fresh adapter is the identity on the unit sphere and training only
// has to learn a correction. Output stays L2-normalised, so squared L2 keeps meaning what it did
// (and the embedder's thresholds stay roughly calibrated).
//
// Parameters live in one Float32Array (the optimiser treats them as a flat vector); layout:
//   residual: W (dim×dim, row-major: out i = Σ_j W[i·dim + j] x_j), b (dim)
//   mlp:      W1 (hidden×dim), b1 (hidden), W2 (dim×hidden), b2 (dim)
//   lowrank:  U (dim×r, row-major), V (dim×r, row-major), b (dim); r is stored as `hidden`
import { mulberry32 } from '../util/prng.ts';
import { type Locality, localityWeight } from './locality.ts';

export type AdapterKind = 'residual' | 'mlp' | 'lowrank';

export interface Adapter {
  kind: AdapterKind;
  dim: number;
  /** Hidden width (mlp), rank r (lowrank); 0 for residual. */
  hidden: number;
  params: Float32Array;
  /** lowrank only: where the correction acts (see Locality); absent = everywhere. */
  locality?: Locality | undefined;
}

export const ADAPTER_FORMAT_VERSION = 1;

/** Default rank of a lowrank adapter. */
export const DEFAULT_RANK = 32;

export function paramCount(kind: AdapterKind, dim: number, hidden: number): number {
  if (kind === 'residual') return dim * dim + dim;
  if (kind === 'lowrank') return 2 * dim * hidden + dim;
  return hidden * dim + hidden + dim * hidden + dim;
}

/** Parameters that weight decay pulls towards 0 (= towards the identity map): [from, to). */
export function decayRange(adapter: Adapter): [number, number] {
  const { kind, dim, hidden } = adapter;
  // mlp W1 and lowrank V have no identity value: decaying them would only shrink what W2/U can use.
  if (kind === 'mlp') return [hidden * dim + hidden, adapter.params.length];
  if (kind === 'lowrank') return [0, dim * hidden];
  return [0, adapter.params.length];
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
  const hidden =
    kind === 'mlp'
      ? (options.hidden ?? 128)
      : kind === 'lowrank'
        ? Math.min(dim, options.hidden ?? DEFAULT_RANK)
        : 0;
  const params = new Float32Array(paramCount(kind, dim, hidden));
  if (kind === 'mlp') {
    const rand = mulberry32(options.seed ?? 1);
    const scale = Math.sqrt(2 / dim);
    // Uniform with the He variance: √3 · scale · U(−1, 1).
    for (let i = 0; i < hidden * dim; i++) params[i] = (rand() * 2 - 1) * Math.sqrt(3) * scale;
  } else if (kind === 'lowrank') {
    // V random (so U's gradient, which goes through Vᵀx, is not zero), U = 0: the identity.
    const rand = mulberry32(options.seed ?? 1);
    const scale = Math.sqrt(3 / dim); // unit-variance projections of a unit x
    for (let i = dim * hidden; i < 2 * dim * hidden; i++) params[i] = (rand() * 2 - 1) * scale;
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
  /** mlp: hidden pre-activations (n×hidden); lowrank: projections Vᵀx (n×r). */
  h: Float32Array;
  /** lowrank: locality weight g of each row. */
  gates?: Float32Array;
}

/** Applies the adapter to n row vectors x (n×dim); returns the normalised outputs and a cache. */
export function adapterForward(adapter: Adapter, x: Float32Array, gates?: Float32Array): AdapterCache {
  const { dim, hidden, params: p } = adapter;
  const n = x.length / dim;
  if (!Number.isInteger(n)) throw new RangeError(`input length ${x.length} is not a multiple of ${dim}`);
  const y = new Float32Array(n * dim);
  const norms = new Float32Array(n);
  // gates: the rows' locality weights when the caller already knows them (training: fixed per face).
  if (adapter.kind === 'lowrank') return lowrankForward(adapter, x, n, gates);
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

/** y·g over one row of n×dim arrays at offset o; NaN when the row's gradient is all zero. */
function rowGradientDot(y: Float32Array, gy: Float32Array, o: number, dim: number): number {
  let yg = 0;
  let any = false;
  for (let i = 0; i < dim; i++) {
    const g = gy[o + i]!;
    if (g !== 0) any = true;
    yg += y[o + i]! * g;
  }
  return any ? yg : Number.NaN;
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
  if (adapter.kind === 'lowrank') return lowrankBackward(adapter, cache, gy, grad);
  const gz = new Float64Array(dim);
  const gh = new Float64Array(hidden);
  for (let r = 0; r < n; r++) {
    const o = r * dim;
    // Through y = z/‖z‖: dL/dz = (g − y (y·g)) / ‖z‖ (the radial part of g is lost).
    const yg = rowGradientDot(y, gy, o, dim);
    if (Number.isNaN(yg)) continue; // a face that took no part in any active triplet
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

/**
 * lowrank forward, as two small matrix products per batch: T = X V (n×r), then Z = X + T Uᵀ + b.
 * Inner loops run over contiguous rows (axpy and short dot products), which V8 compiles well.
 */
function lowrankForward(adapter: Adapter, x: Float32Array, n: number, known?: Float32Array): AdapterCache {
  const { dim, hidden: r, params: p } = adapter;
  const vo = dim * r;
  const bo = 2 * dim * r;
  const y = new Float32Array(n * dim);
  const norms = new Float32Array(n);
  const h = new Float32Array(n * r);
  const gates = new Float32Array(n);
  const t = new Float64Array(r);
  const z = new Float64Array(dim);
  for (let row = 0; row < n; row++) {
    const xo = row * dim;
    const g = known ? known[row]! : localityWeight(adapter.locality, x, xo, dim);
    gates[row] = g;
    t.fill(0);
    for (let j = 0; j < dim; j++) {
      const xj = x[xo + j]!;
      const o = vo + j * r;
      for (let k = 0; k < r; k++) t[k]! += xj * p[o + k]!;
    }
    let ss = 0;
    for (let i = 0; i < dim; i++) {
      let s = p[bo + i]!;
      const o = i * r;
      for (let k = 0; k < r; k++) s += p[o + k]! * t[k]!;
      s = x[xo + i]! + g * s;
      z[i] = s;
      ss += s * s;
    }
    const norm = Math.sqrt(ss) || 1;
    norms[row] = norm;
    for (let i = 0; i < dim; i++) y[xo + i] = z[i]! / norm;
    for (let k = 0; k < r; k++) h[row * r + k] = t[k]!;
  }
  return { n, x, y, norms, h, gates };
}

/** lowrank backward: with gz' = g·dL/dz, gU += gz' tᵀ, gV += x (Uᵀ gz')ᵀ, gb += gz', row by row. */
function lowrankBackward(
  adapter: Adapter,
  cache: AdapterCache,
  gy: Float32Array,
  grad: Float32Array,
): Float32Array {
  const { dim, hidden: r, params: p } = adapter;
  const { n, x, y, norms, h, gates } = cache;
  const vo = dim * r;
  const bo = 2 * dim * r;
  const gt = new Float64Array(r);
  for (let row = 0; row < n; row++) {
    const o = row * dim;
    const yg = rowGradientDot(y, gy, o, dim);
    const gate = gates ? gates[row]! : 1;
    if (Number.isNaN(yg) || gate === 0) continue;
    // z = x + g·(U t + b): the parameters see dL/dz scaled by the row's locality weight.
    const inv = gate / norms[row]!;
    const ho = row * r;
    gt.fill(0);
    for (let i = 0; i < dim; i++) {
      const g = (gy[o + i]! - y[o + i]! * yg) * inv;
      grad[bo + i]! += g;
      const uo = i * r;
      for (let k = 0; k < r; k++) {
        grad[uo + k]! += g * h[ho + k]!;
        gt[k]! += g * p[uo + k]!;
      }
    }
    for (let j = 0; j < dim; j++) {
      const xj = x[o + j]!;
      if (xj === 0) continue;
      const go = vo + j * r;
      for (let k = 0; k < r; k++) grad[go + k]! += xj * gt[k]!;
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
  /** lowrank locality: anchors as base64 float32, radius, width, reach (absent in older adapters). */
  locality?: { anchors: string; radius: number; width: number; reach?: number | undefined } | undefined;
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
    ...(adapter.locality
      ? {
          locality: {
            anchors: f32ToBase64(adapter.locality.anchors),
            radius: adapter.locality.radius,
            width: adapter.locality.width,
            ...(adapter.locality.reach === undefined ? {} : { reach: adapter.locality.reach }),
          },
        }
      : {}),
  };
}

const f32ToBase64 = (a: Float32Array): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function base64ToF32(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  // Copy into a fresh, aligned buffer (Buffer slices may be unaligned for Float32Array).
  const out = new Float32Array(bytes.byteLength >> 2);
  new Uint8Array(out.buffer).set(bytes.subarray(0, out.byteLength));
  return out;
}

export function deserializeAdapter(value: unknown): Adapter {
  const s = value as Partial<SerializedAdapter> | null;
  if (s?.format !== 'kith-adapter') throw new Error('not a serialised Kith adapter');
  if (s.version !== ADAPTER_FORMAT_VERSION) {
    throw new Error(`adapter format version ${String(s.version)} is not supported (this build reads 1)`);
  }
  if (
    (s.kind !== 'residual' && s.kind !== 'mlp' && s.kind !== 'lowrank') ||
    typeof s.dim !== 'number' ||
    typeof s.params !== 'string'
  ) {
    throw new Error('malformed adapter');
  }
  const hidden = s.kind === 'residual' ? 0 : (s.hidden ?? 0);
  const bytes = Buffer.from(s.params, 'base64');
  const expected = paramCount(s.kind, s.dim, hidden);
  if (bytes.byteLength !== expected * 4) {
    throw new Error(`adapter has ${bytes.byteLength / 4} parameters, expected ${expected}`);
  }
  const params = base64ToF32(s.params);
  const loc = s.locality;
  if (!loc) return { kind: s.kind, dim: s.dim, hidden, params };
  const anchors = base64ToF32(loc.anchors);
  if (anchors.length % s.dim !== 0) throw new Error('malformed adapter locality');
  return {
    kind: s.kind,
    dim: s.dim,
    hidden,
    params,
    locality: {
      anchors,
      radius: loc.radius,
      width: loc.width,
      ...(typeof loc.reach === 'number' ? { reach: loc.reach } : {}),
    },
  };
}
