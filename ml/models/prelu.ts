// ONNX Runtime's CPU PReLU with per-channel slopes is a scalar, branchy loop (4 ns per value, slower
// on real face crops than on smooth test input) and sits outside its NCHWc convolution layout, so
// each one also costs two reorders. Whenever every slope a ≤ 1,
//   PReLU(x, a) = a·x + ReLU((1 − a)·x)
// (x > 0: a·x + (1 − a)·x = x; x < 0: (1 − a)·x ≤ 0, so a·x), and ORT runs per-channel Mul as 1×1
// depthwise convolutions with the ReLU fused, and the Add, all in NCHWc: faceplugin's embedder runs
// 17 → 9 ms per real face crop on one thread (Mul + Max, the obvious form, gave 13 ms: Max forces
// the reorders), output equal to float rounding. A PReLU with any slope above 1, or slopes that are
// not a plain initializer, is left as it is.
import {
  concat,
  encodeNode,
  type Field,
  fields,
  lengthField,
  ONNX,
  readString,
  readTensor,
  stringField,
  varint,
} from './onnx-proto.ts';

interface NodeInfo {
  inputs: string[];
  outputs: string[];
  name: string;
  opType: string;
  domain: string;
}

function readNode(b: Uint8Array, f: Field): NodeInfo {
  const node: NodeInfo = { inputs: [], outputs: [], name: '', opType: '', domain: '' };
  for (const g of fields(b, f.start, f.end)) {
    if (g.wire !== 2) continue;
    if (g.field === ONNX.node.input) node.inputs.push(readString(b, g));
    else if (g.field === ONNX.node.output) node.outputs.push(readString(b, g));
    else if (g.field === ONNX.node.name) node.name = readString(b, g);
    else if (g.field === ONNX.node.opType) node.opType = readString(b, g);
    else if (g.field === ONNX.node.domain) node.domain = readString(b, g);
  }
  return node;
}

interface FloatTensor {
  name: string;
  dims: number[];
  /** Null when not a float tensor, empty or holding NaN. */
  values: Float32Array | null;
}

/** The float values of an initializer (null when not float, empty or holding NaN). */
function floatValues(b: Uint8Array, data: readonly Field[]): Float32Array | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const values: number[] = [];
  for (const g of data)
    for (let at = g.start; at + 4 <= g.end; at += 4) values.push(view.getFloat32(at, true));
  return values.length > 0 && values.every((v) => !Number.isNaN(v)) ? Float32Array.from(values) : null;
}

/** PReLU slope initializers by name (only those: a model's other weights are not read). */
function slopeTensors(b: Uint8Array, graph: Field): Map<string, FloatTensor> {
  const wanted = new Set<string>();
  for (const f of fields(b, graph.start, graph.end)) {
    if (f.field !== ONNX.graph.node || f.wire !== 2) continue;
    const node = readNode(b, f);
    if (node.opType === 'PRelu' && node.inputs[1]) wanted.add(node.inputs[1]);
  }
  const found = new Map<string, FloatTensor>();
  if (wanted.size === 0) return found;
  for (const f of fields(b, graph.start, graph.end)) {
    if (f.field !== ONNX.graph.initializer || f.wire !== 2) continue;
    const t = readTensor(b, f.start, f.end);
    if (!wanted.has(t.name)) continue;
    const values = t.dataType === ONNX.floatType ? floatValues(b, t.data) : null;
    found.set(t.name, { name: t.name, dims: t.dims, values });
  }
  return found;
}

function encodeFloatTensor(name: string, dims: readonly number[], values: Float32Array): Uint8Array {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return concat([
    ...dims.map((d) => new Uint8Array([...varint(ONNX.tensor.dims * 8), ...varint(d)])),
    new Uint8Array([...varint(ONNX.tensor.dataType * 8), ONNX.floatType]),
    stringField(ONNX.tensor.name, name),
    lengthField(ONNX.tensor.rawData, raw),
  ]);
}

function rewriteGraph(b: Uint8Array, graph: Field): { bytes: Uint8Array; rewritten: number } | null {
  const initializers = slopeTensors(b, graph);
  if (initializers.size === 0) return null;
  const parts: Uint8Array[] = [];
  const added: Uint8Array[] = [];
  let rewritten = 0;
  for (const f of fields(b, graph.start, graph.end)) {
    if (f.field === ONNX.graph.node && f.wire === 2) {
      const node = readNode(b, f);
      const [x, slope] = node.inputs;
      const [y] = node.outputs;
      const a = slope === undefined ? undefined : initializers.get(slope);
      if (
        node.opType === 'PRelu' &&
        (node.domain === '' || node.domain === 'ai.onnx') &&
        x &&
        slope &&
        y &&
        a?.values &&
        node.inputs.length === 2 &&
        node.outputs.length === 1 &&
        a.values.every((v) => v <= 1)
      ) {
        const id = `${y}__kith_prelu`;
        const name = node.name || y;
        const oneMinus = a.values.map((v) => 1 - v);
        added.push(lengthField(ONNX.graph.initializer, encodeFloatTensor(`${id}_1ma`, a.dims, oneMinus)));
        const nodes = [
          encodeNode('Mul', [x, slope], [`${id}_ax`], `${name}/ax`),
          encodeNode('Mul', [x, `${id}_1ma`], [`${id}_bx`], `${name}/bx`),
          encodeNode('Relu', [`${id}_bx`], [`${id}_relu`], `${name}/relu`),
          encodeNode('Add', [`${id}_ax`, `${id}_relu`], [y], `${name}/add`),
        ];
        for (const n of nodes) parts.push(lengthField(ONNX.graph.node, n));
        rewritten++;
        continue;
      }
    }
    parts.push(b.subarray(f.at, f.end));
  }
  return rewritten === 0 ? null : { bytes: concat([...parts, ...added]), rewritten };
}

/**
 * The model (ModelProto bytes) with every PReLU of its main graph whose slopes are an initializer
 * all ≤ 1 replaced by a·x + ReLU((1 − a)·x); the input is returned unchanged when there is none.
 */
export function rewritePrelu(model: Uint8Array): { bytes: Uint8Array; rewritten: number } {
  const parts: Uint8Array[] = [];
  let rewritten = 0;
  for (const f of fields(model, 0, model.length)) {
    if (f.field === ONNX.model.graph && f.wire === 2) {
      const graph = rewriteGraph(model, f);
      if (graph) {
        parts.push(lengthField(ONNX.model.graph, graph.bytes));
        rewritten += graph.rewritten;
        continue;
      }
    }
    parts.push(model.subarray(f.at, f.end));
  }
  return rewritten === 0 ? { bytes: model, rewritten } : { bytes: concat(parts), rewritten };
}
