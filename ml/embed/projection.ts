// The paper's 128 bytes for a wider embedder: a linear map (PCA) from its D dimensions to 128,
// then L2 normalisation and the int8 form. The map is data, fitted by `kith bench project` and
// shipped as a resource file (a JSON header line, then float32 mean and row-major basis).
import { l2Normalize } from './vector.ts';

export interface Projection {
  inDim: number;
  outDim: number;
  /** Subtracted before projecting (length inDim). */
  mean: Float32Array;
  /** outDim rows of inDim, orthonormal: the top principal directions, largest variance first. */
  basis: Float32Array;
}

/** y = B (v − mean), L2-normalised: a unit vector of outDim. */
export function applyProjection(p: Projection, v: Float32Array): Float32Array {
  if (v.length !== p.inDim) throw new Error(`projection takes ${p.inDim}-d vectors, got ${v.length}`);
  const out = new Float32Array(p.outDim);
  for (let r = 0; r < p.outDim; r++) {
    let s = 0;
    const row = r * p.inDim;
    for (let i = 0; i < p.inDim; i++) s += p.basis[row + i]! * (v[i]! - p.mean[i]!);
    out[r] = s;
  }
  return l2Normalize(out);
}

/** Modified Gram–Schmidt on the columns of a (rows × cols, row-major), in place. */
function orthonormalizeColumns(a: Float64Array, rows: number, cols: number): void {
  for (let c = 0; c < cols; c++) {
    for (let k = 0; k < c; k++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += a[r * cols + c]! * a[r * cols + k]!;
      for (let r = 0; r < rows; r++) a[r * cols + c]! -= dot * a[r * cols + k]!;
    }
    let n = 0;
    for (let r = 0; r < rows; r++) n += a[r * cols + c]! ** 2;
    n = Math.sqrt(n) || 1;
    for (let r = 0; r < rows; r++) a[r * cols + c]! /= n;
  }
}

/** Eigenvalues and eigenvectors (columns of v) of a symmetric k×k matrix, by cyclic Jacobi. */
export function symmetricEigen(m: Float64Array, k: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += a[p * k + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * k + q]! - a[p * k + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = a[r * k + p]!;
          const arq = a[r * k + q]!;
          a[r * k + p] = c * arp - s * arq;
          a[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p * k + r]!;
          const aqr = a[q * k + r]!;
          a[p * k + r] = c * apr - s * aqr;
          a[q * k + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = v[r * k + p]!;
          const vrq = v[r * k + q]!;
          v[r * k + p] = c * vrp - s * vrq;
          v[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: k }, (_, i) => a[i * k + i]!), vectors: v };
}

/**
 * PCA of `count` vectors of `dim` (row-major) down to `outDim`: randomized subspace iteration on
 * the covariance matrix (outDim + 32 directions, a few power steps), then Rayleigh–Ritz with an
 * exact small eigen-decomposition, largest variance first. Deterministic: a fixed pseudo-random
 * start, and each direction's sign makes its largest component positive.
 */
export function fitPca(data: Float32Array, dim: number, outDim: number, iterations = 8): Projection {
  const count = data.length / dim;
  if (!Number.isInteger(count) || count < 2) throw new Error('fitPca: need at least 2 vectors');
  if (outDim > dim) throw new Error(`fitPca: ${outDim} > ${dim}`);
  const mean = new Float64Array(dim);
  for (let n = 0; n < count; n++) for (let i = 0; i < dim; i++) mean[i]! += data[n * dim + i]!;
  for (let i = 0; i < dim; i++) mean[i]! /= count;
  const cov = new Float64Array(dim * dim);
  const x = new Float64Array(dim);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < dim; i++) x[i] = data[n * dim + i]! - mean[i]!;
    for (let i = 0; i < dim; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      for (let j = i; j < dim; j++) cov[i * dim + j]! += xi * x[j]!;
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      cov[i * dim + j]! /= count;
      cov[j * dim + i] = cov[i * dim + j]!;
    }
  }
  const k = Math.min(dim, outDim + 32);
  // C·Q for Q of dim × k (row-major).
  const times = (q: Float64Array): Float64Array<ArrayBuffer> => {
    const z = new Float64Array(dim * k);
    for (let i = 0; i < dim; i++) {
      for (let r = 0; r < dim; r++) {
        const c = cov[i * dim + r]!;
        if (c === 0) continue;
        for (let j = 0; j < k; j++) z[i * k + j]! += c * q[r * k + j]!;
      }
    }
    return z;
  };
  let q: Float64Array<ArrayBuffer> = new Float64Array(dim * k);
  let seed = 12345;
  for (let i = 0; i < q.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    q[i] = seed / 2 ** 32 - 0.5;
  }
  orthonormalizeColumns(q, dim, k);
  for (let it = 0; it < iterations; it++) {
    q = times(q);
    orthonormalizeColumns(q, dim, k);
  }
  // Rayleigh–Ritz: T = Qᵀ C Q (k × k), its eigenvectors rotate Q onto the principal directions.
  const cq = times(q);
  const t = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < dim; i++) s += q[i * k + a]! * cq[i * k + b]!;
      t[a * k + b] = s;
    }
  }
  const { values, vectors } = symmetricEigen(t, k);
  const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => values[b]! - values[a]!);
  const basis = new Float32Array(outDim * dim);
  const dir = new Float64Array(dim);
  for (let r = 0; r < outDim; r++) {
    const j = order[r]!;
    let big = 0;
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += q[i * k + c]! * vectors[c * k + j]!;
      dir[i] = s;
      if (Math.abs(s) > Math.abs(big)) big = s;
    }
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < dim; i++) basis[r * dim + i] = sign * dir[i]!;
  }
  return { inDim: dim, outDim, mean: Float32Array.from(mean), basis };
}

const FORMAT = 'kith-projection-1';

/** The resource file: `{"format","inDim","outDim",…info}\n`, then float32 LE mean and basis. */
export function encodeProjection(p: Projection, info: Record<string, unknown> = {}): Buffer {
  const header = JSON.stringify({ format: FORMAT, inDim: p.inDim, outDim: p.outDim, ...info });
  return Buffer.concat([
    Buffer.from(`${header}\n`),
    Buffer.from(p.mean.buffer, p.mean.byteOffset, p.mean.byteLength),
    Buffer.from(p.basis.buffer, p.basis.byteOffset, p.basis.byteLength),
  ]);
}

export function decodeProjection(bytes: Uint8Array): Projection {
  const nl = bytes.indexOf(10);
  const header = JSON.parse(Buffer.from(bytes.subarray(0, nl)).toString('utf8')) as {
    format?: string;
    inDim: number;
    outDim: number;
  };
  if (header.format !== FORMAT) throw new Error(`not a ${FORMAT} file`);
  const { inDim, outDim } = header;
  const body = bytes.subarray(nl + 1);
  if (body.length !== 4 * (inDim + inDim * outDim)) throw new Error('projection file: wrong size');
  // Copy: the body is not 4-byte aligned in general.
  const floats = new Float32Array(inDim + inDim * outDim);
  new Uint8Array(floats.buffer).set(body);
  return { inDim, outDim, mean: floats.slice(0, inDim), basis: floats.slice(inDim) };
}
