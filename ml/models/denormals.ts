// Denormal (subnormal) float32 values make x86 CPUs take a microcode slow path on every multiply
// that touches them. faceplugin's embedder was exported from a pruned network: 8,938 of its weights
// are subnormal and ~191k more are normal but negligible (dead channels near 1e-35, next to weights
// of order 1), whose products with activations are subnormal too. It ran 100 ms per face on one
// thread; with those weights set to zero, 12–14 ms, and the embedding is bit-identical (lfw-dev
// verification unchanged). ONNX Runtime's `set_denormal_as_zero` only sets the CPU flags on its own pool threads,
// not on the thread Node runs a session on, so the weights themselves are flushed, in memory, after
// the file's sha256 has been checked. Changing a value in place keeps every protobuf length the same,
// so this walks the ONNX protobuf just far enough to find float tensors and never re-encodes it.

import { type Field, fields, ONNX, readTensor } from './onnx-proto.ts';

/**
 * A weight this many times smaller than the largest in its tensor changes no sum it enters by as
 * much as float32's rounding (2^-24 relative), even summed over thousands of terms.
 */
export const NEGLIGIBLE_RATIO = 2 ** -32;

/**
 * Tensors this large hold one value per term or per channel. A pruned network's dead channels keep
 * weights, biases and PReLU slopes near 1e-35: left alone, they make every activation of the channel
 * subnormal (faceplugin's embedder: 19.7 → 14.7 ms per real face crop once they are zero).
 */
export const MIN_WEIGHTS = 8;

function maxAbs(view: DataView, ranges: readonly Field[]): number {
  let max = 0;
  for (const r of ranges) {
    for (let at = r.start; at + 4 <= r.end; at += 4) {
      const v = Math.abs(view.getFloat32(at, true));
      if (v > max && Number.isFinite(v)) max = v;
    }
  }
  return max;
}

/**
 * Sets to (signed) zero the float32 values in the ranges (little-endian) that are subnormal or, with
 * `below` > 0, nonzero and smaller in magnitude than it; returns how many.
 */
function flushRanges(view: DataView, ranges: readonly Field[], below: number): number {
  let n = 0;
  for (const r of ranges) {
    for (let at = r.start; at + 4 <= r.end; at += 4) {
      const bits = view.getUint32(at, true);
      if ((bits & 0x7fffffff) === 0) continue;
      const subnormal = (bits & 0x7f800000) === 0;
      if (subnormal || Math.abs(view.getFloat32(at, true)) < below) {
        view.setUint32(at, bits & 0x80000000, true);
        n++;
      }
    }
  }
  return n;
}

/** Number of values a TensorProto's float data holds (4 bytes each). */
function valueCount(data: readonly Field[]): number {
  let n = 0;
  for (const f of data) n += Math.floor((f.end - f.start) / 4);
  return n;
}

/**
 * Subnormal values in any float tensor; in tensors of at least MIN_WEIGHTS values (weights, biases,
 * per-channel slopes) also the negligible ones. Small constants (scalars, epsilons) lose only
 * subnormals.
 */
function flushTensor(b: Uint8Array, view: DataView, start: number, end: number): number {
  const { dataType, data } = readTensor(b, start, end);
  if (dataType !== ONNX.floatType) return 0;
  const below = valueCount(data) >= MIN_WEIGHTS ? maxAbs(view, data) * NEGLIGIBLE_RATIO : 0;
  return flushRanges(view, data, below);
}

function flushAttribute(b: Uint8Array, view: DataView, start: number, end: number): number {
  let n = 0;
  for (const f of fields(b, start, end)) {
    if (f.wire !== 2) continue;
    if (f.field === ONNX.attribute.t || f.field === ONNX.attribute.tensors)
      n += flushTensor(b, view, f.start, f.end);
    else if (f.field === ONNX.attribute.g || f.field === ONNX.attribute.graphs)
      n += flushGraph(b, view, f.start, f.end);
  }
  return n;
}

function flushNode(b: Uint8Array, view: DataView, start: number, end: number): number {
  let n = 0;
  for (const f of fields(b, start, end)) {
    if (f.field === ONNX.node.attribute && f.wire === 2) n += flushAttribute(b, view, f.start, f.end);
  }
  return n;
}

function flushGraph(b: Uint8Array, view: DataView, start: number, end: number): number {
  let n = 0;
  for (const f of fields(b, start, end)) {
    if (f.wire !== 2) continue;
    if (f.field === ONNX.graph.initializer) n += flushTensor(b, view, f.start, f.end);
    else if (f.field === ONNX.graph.node) n += flushNode(b, view, f.start, f.end);
  }
  return n;
}

/**
 * A copy of an ONNX model (ModelProto bytes) with every subnormal float32 weight, and every weight
 * below NEGLIGIBLE_RATIO × the largest of its tensor (of ≥ MIN_WEIGHTS values), set to (signed) zero: initializers,
 * Constant nodes' tensors, subgraphs and model-local functions. Weights kept in external data files
 * are not touched. Throws RangeError on bytes that are not a protobuf.
 */
export function flushDenormalWeights(model: Uint8Array): { bytes: Uint8Array; flushed: number } {
  const b = new Uint8Array(model);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let flushed = 0;
  for (const f of fields(b, 0, b.length)) {
    if (f.wire !== 2) continue;
    if (f.field === ONNX.model.graph) flushed += flushGraph(b, view, f.start, f.end);
    else if (f.field === ONNX.model.functions) {
      for (const g of fields(b, f.start, f.end)) {
        if (g.field === ONNX.function.node && g.wire === 2) flushed += flushNode(b, view, g.start, g.end);
      }
    }
  }
  return { bytes: b, flushed };
}
