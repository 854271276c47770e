// Just enough protobuf to read and patch ONNX models (onnx.proto3) without a schema library:
// walk a message's fields, read varints and strings, and write the few messages we emit.

/** Field numbers from onnx.proto3 that Kith reads or writes. */
export const ONNX = {
  model: { graph: 7, functions: 25 },
  function: { node: 7 },
  graph: { node: 1, initializer: 5 },
  node: { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 },
  attribute: { t: 5, g: 6, tensors: 10, graphs: 11 },
  tensor: { dims: 1, dataType: 2, floatData: 4, name: 8, rawData: 9 },
  floatType: 1,
} as const;

export interface Field {
  field: number;
  wire: number;
  /** Varint value (wire type 0). */
  value: number;
  /** Where the field's key starts (the whole field is b[at, end)). */
  at: number;
  /** Payload bounds (wire types 1, 2, 5). */
  start: number;
  end: number;
}

export function readVarint(b: Uint8Array, pos: number): [value: number, next: number] {
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
export function* fields(b: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const at = pos;
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
    yield { field, wire, value, at, start: s, end: pos };
  }
}

/** A TensorProto's header and where its float data lies (raw_data or float_data, 4 bytes a value). */
export interface TensorFields {
  name: string;
  dataType: number;
  dims: number[];
  data: Field[];
}

export function readTensor(b: Uint8Array, start: number, end: number): TensorFields {
  const t: TensorFields = { name: '', dataType: 0, dims: [], data: [] };
  for (const f of fields(b, start, end)) {
    if (f.field === ONNX.tensor.name && f.wire === 2) t.name = readString(b, f);
    else if (f.field === ONNX.tensor.dataType && f.wire === 0) t.dataType = f.value;
    else if (f.field === ONNX.tensor.dims && f.wire === 0) t.dims.push(f.value);
    else if (f.field === ONNX.tensor.dims && f.wire === 2) {
      for (let pos = f.start; pos < f.end; ) {
        const [d, next] = readVarint(b, pos);
        t.dims.push(d);
        pos = next;
      }
    } else if (f.field === ONNX.tensor.rawData && f.wire === 2) t.data.push(f);
    else if (f.field === ONNX.tensor.floatData && (f.wire === 2 || f.wire === 5)) t.data.push(f);
  }
  return t;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

export function readString(b: Uint8Array, f: Field): string {
  return utf8.decode(b.subarray(f.start, f.end));
}

export function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** A length-delimited field: key, length, payload. */
export function lengthField(field: number, payload: Uint8Array): Uint8Array {
  const head = [...varint(field * 8 + 2), ...varint(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

export function stringField(field: number, s: string): Uint8Array {
  return lengthField(field, encoder.encode(s));
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A NodeProto of the default domain: inputs, outputs, name, op type, no attributes. */
export function encodeNode(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  name: string,
): Uint8Array {
  return concat([
    ...inputs.map((s) => stringField(ONNX.node.input, s)),
    ...outputs.map((s) => stringField(ONNX.node.output, s)),
    stringField(ONNX.node.name, name),
    stringField(ONNX.node.opType, opType),
  ]);
}
