// Denormal (subnormal) float32 values make x86 CPUs take a microcode slow path on every multiply
// that touches them. faceplugin's embedder was exported from a pruned network: 8,938 of its weights
// are subnormal and ~170k more are normal but tiny (below 1e-20, next to weights of order 1), whose
// products with activations are subnormal too. It ran 100 ms per face on one thread; with those
// weights set to zero, 14 ms, and the embedding is bit-identical on a test crop (lfw-dev verification
// unchanged). ONNX Runtime's `set_denormal_as_zero` only sets the CPU flags on its own pool threads,
// not on the thread Node runs a session on, so the weights themselves are flushed, in memory, after
// the file's sha256 has been checked. Changing a value in place keeps every protobuf length the same,
// so this walks the ONNX protobuf just far enough to find float tensors and never re-encodes it.

const FLOAT = 1; // TensorProto.DataType.FLOAT

// Field numbers from onnx.proto3.
const MODEL_GRAPH = 7;
const MODEL_FUNCTIONS = 25;
const FUNCTION_NODE = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const NODE_ATTRIBUTE = 5;
const ATTR_T = 5;
const ATTR_G = 6;
const ATTR_TENSORS = 10;
const ATTR_GRAPHS = 11;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_FLOAT_DATA = 4;
const TENSOR_RAW_DATA = 9;

interface Field {
  field: number;
  wire: number;
  /** Varint value (wire type 0). */
  value: number;
  /** Payload bounds (wire types 1, 2, 5). */
  start: number;
  end: number;
}

function readVarint(b: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= b.length) throw new RangeError('ONNX model: truncated varint');
    const byte = b[pos++]!;
    value += (byte & 0x7f) * mul;
    if (byte < 0x80) return [value, pos];
    mul *= 128;
  }
  throw new RangeError('ONNX model: varint too long');
}

/** The fields of one protobuf message occupying b[start, end). */
function* fields(b: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const [key, p] = readVarint(b, pos);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    pos = p;
    let value = 0;
    let s = pos;
    switch (wire) {
      case 0:
        [value, pos] = readVarint(b, pos);
        s = pos;
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const [len, q] = readVarint(b, pos);
        s = q;
        pos = q + len;
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new RangeError(`ONNX model: unsupported protobuf wire type ${wire}`);
    }
    if (pos > end) throw new RangeError('ONNX model: field runs past its message');
    yield { field, wire, value, start: s, end: pos };
  }
}

/**
 * A weight this many times smaller than the largest in its tensor changes no sum it enters by as
 * much as float32's rounding (2^-24 relative), even summed over thousands of terms.
 */
export const NEGLIGIBLE_RATIO = 2 ** -32;

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

/** Number of dimensions of a TensorProto's `dims` field (packed or not). */
function rankOf(b: Uint8Array, f: Field): number {
  if (f.wire === 0) return 1;
  let n = 0;
  for (let pos = f.start; pos < f.end; n++) pos = readVarint(b, pos)[1];
  return n;
}

/**
 * Subnormal values in any float tensor; in weight tensors (rank ≥ 2, where each value is one term of
 * a sum) also the negligible ones. Biases and per-channel slopes (rank 1) lose only subnormals.
 */
function flushTensor(b: Uint8Array, view: DataView, start: number, end: number): number {
  let type = 0;
  let rank = 0;
  const data: Field[] = [];
  for (const f of fields(b, start, end)) {
    if (f.field === TENSOR_DIMS) rank += rankOf(b, f);
    else if (f.field === TENSOR_DATA_TYPE && f.wire === 0) type = f.value;
    else if (f.field === TENSOR_RAW_DATA && f.wire === 2) data.push(f);
    else if (f.field === TENSOR_FLOAT_DATA && (f.wire === 2 || f.wire === 5)) data.push(f);
  }
  if (type !== FLOAT) return 0;
  const below = rank >= 2 ? maxAbs(view, data) * NEGLIGIBLE_RATIO : 0;
  return flushRanges(view, data, below);
}

function flushAttribute(b: Uint8Array, view: DataView, start: number, end: number): number {
  let n = 0;
  for (const f of fields(b, start, end)) {
    if (f.wire !== 2) continue;
    if (f.field === ATTR_T || f.field === ATTR_TENSORS) n += flushTensor(b, view, f.start, f.end);
    else if (f.field === ATTR_G || f.field === ATTR_GRAPHS) n += flushGraph(b, view, f.start, f.end);
  }
  return n;
}

function flushNode(b: Uint8Array, view: DataView, start: number, end: number): number {
  let n = 0;
  for (const f of fields(b, start, end)) {
    if (f.field === NODE_ATTRIBUTE && f.wire === 2) n += flushAttribute(b, view, f.start, f.end);
  }
  return n;
}

function flushGraph(b: Uint8Array, view: DataView, start: number, end: number): number {
  let n = 0;
  for (const f of fields(b, start, end)) {
    if (f.wire !== 2) continue;
    if (f.field === GRAPH_INITIALIZER) n += flushTensor(b, view, f.start, f.end);
    else if (f.field === GRAPH_NODE) n += flushNode(b, view, f.start, f.end);
  }
  return n;
}

/**
 * A copy of an ONNX model (ModelProto bytes) with every subnormal float32 weight, and every weight
 * below NEGLIGIBLE_RATIO × the largest of its (rank ≥ 2) tensor, set to (signed) zero: initializers,
 * Constant nodes' tensors, subgraphs and model-local functions. Weights kept in external data files
 * are not touched. Throws RangeError on bytes that are not a protobuf.
 */
export function flushDenormalWeights(model: Uint8Array): { bytes: Uint8Array; flushed: number } {
  const b = new Uint8Array(model);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let flushed = 0;
  for (const f of fields(b, 0, b.length)) {
    if (f.wire !== 2) continue;
    if (f.field === MODEL_GRAPH) flushed += flushGraph(b, view, f.start, f.end);
    else if (f.field === MODEL_FUNCTIONS) {
      for (const g of fields(b, f.start, f.end)) {
        if (g.field === FUNCTION_NODE && g.wire === 2) flushed += flushNode(b, view, g.start, g.end);
      }
    }
  }
  return { bytes: b, flushed };
}
