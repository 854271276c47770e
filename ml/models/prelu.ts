// ONNX Runtime's CPU PReLU with per-channel slopes is a scalar, branchy loop (4 ns per value, slower
// on real face crops than on smooth test input) and sits outside its NCHWc convolution layout, so
// each one also costs two reorders. PReLU(x, a) = max(x, a·x) whenever a ≤ 1 (for x > 0, a·x ≤ x;
// for x < 0, a·x ≥ x), and Mul and Max are vectorised: faceplugin's embedder runs 17 → 12.5 ms per
// real face crop on one thread, with the same output. A PReLU with any slope above 1, or a slope
// that is not a plain initializer, is left as it is.
import { concat, encodeNode, type Field, fields, lengthField, ONNX, readString } from './onnx-proto.ts';

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

/** An initializer's name and, for a float tensor, its largest value (NaN if not float or empty). */
function initializerMax(b: Uint8Array, f: Field): { name: string; max: number } {
  let name = '';
  let type = 0;
  const data: Field[] = [];
  for (const g of fields(b, f.start, f.end)) {
    if (g.field === ONNX.tensor.name && g.wire === 2) name = readString(b, g);
    else if (g.field === ONNX.tensor.dataType && g.wire === 0) type = g.value;
    else if (g.field === ONNX.tensor.rawData && g.wire === 2) data.push(g);
    else if (g.field === ONNX.tensor.floatData && (g.wire === 2 || g.wire === 5)) data.push(g);
  }
  if (type !== ONNX.floatType) return { name, max: Number.NaN };
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let max = Number.NEGATIVE_INFINITY;
  let any = false;
  for (const g of data) {
    for (let at = g.start; at + 4 <= g.end; at += 4) {
      const v = view.getFloat32(at, true);
      if (Number.isNaN(v)) return { name, max: Number.NaN };
      max = Math.max(max, v);
      any = true;
    }
  }
  return { name, max: any ? max : Number.NaN };
}

function rewriteGraph(b: Uint8Array, graph: Field): { bytes: Uint8Array; rewritten: number } | null {
  const slopeMax = new Map<string, number>();
  for (const f of fields(b, graph.start, graph.end)) {
    if (f.field === ONNX.graph.initializer && f.wire === 2) {
      const { name, max } = initializerMax(b, f);
      slopeMax.set(name, max);
    }
  }
  const parts: Uint8Array[] = [];
  let rewritten = 0;
  for (const f of fields(b, graph.start, graph.end)) {
    if (f.field === ONNX.graph.node && f.wire === 2) {
      const node = readNode(b, f);
      const [x, slope] = node.inputs;
      const [y] = node.outputs;
      const max = slope === undefined ? Number.NaN : (slopeMax.get(slope) ?? Number.NaN);
      if (
        node.opType === 'PRelu' &&
        (node.domain === '' || node.domain === 'ai.onnx') &&
        x &&
        slope &&
        y &&
        node.inputs.length === 2 &&
        node.outputs.length === 1 &&
        max <= 1
      ) {
        const scaled = `${y}__kith_prelu_ax`;
        const name = node.name || y;
        parts.push(lengthField(ONNX.graph.node, encodeNode('Mul', [x, slope], [scaled], `${name}/mul`)));
        parts.push(lengthField(ONNX.graph.node, encodeNode('Max', [x, scaled], [y], `${name}/max`)));
        rewritten++;
        continue;
      }
    }
    parts.push(b.subarray(f.at, f.end));
  }
  return rewritten === 0 ? null : { bytes: concat(parts), rewritten };
}

/**
 * The model (ModelProto bytes) with every PReLU of its main graph whose slopes are an initializer
 * all ≤ 1 replaced by Mul + Max; the input is returned unchanged when there is none.
 */
export function preluToMax(model: Uint8Array): { bytes: Uint8Array; rewritten: number } {
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
