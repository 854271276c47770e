// Int8 × int16 dot-product kernel in WebAssembly SIMD, and the quantisation around it.
//
// [Note: why a hand-assembled WebAssembly kernel]
// Finding the pairs of faces within the threshold is nearly all of the clustering time, and it is
// dot products. Measured on this project's 2-core machine (d = 128, blocks of 256 × 4096):
//   plain TypeScript on Float32Array, 4 accumulators ......  1.3 G multiply-adds/s
//   WebAssembly SIMD f32x4, 4 query rows at once ..........  6–15 G/s
//   WebAssembly SIMD int8 × int16 (i32x4.dot_i16x8_s) .....  12–21 G/s
// (ranges: the machine was shared). The int8 form is FaceNet's "128-byte embedding", which the
// paper shows loses almost nothing; here it only ranks candidates, and every distance that
// reaches a result is recomputed in float. The module is ~300 bytes, assembled below from a few
// opcodes so there is no build step or binary blob to trust; the equivalent WAT is:
//
//   (func $dots (param $q $nq $db $nd $stride $out i32)   ;; q: i16 rows, db: i8 rows
//     for i in 0..nq step 4:                               ;; four query rows share each db load
//       for j in 0..nd:
//         acc0..acc3 = i32x4(0)
//         for k in 0..stride step 16:
//           v = v128.load(db + j·stride + k)               ;; 16 × i8
//           lo = i16x8.extend_low_i8x16_s(v); hi = i16x8.extend_high_i8x16_s(v)
//           acc_r += i32x4.dot_i16x8_s(v128.load(q_r + 2k), lo)
//                  + i32x4.dot_i16x8_s(v128.load(q_r + 2k + 16), hi)
//         out[(i + r)·nd + j] = horizontal sum of acc_r   ;; i32
//
// Overflow: |q| ≤ QUERY_MAX and |db| ≤ 127, so a sum over `stride` terms stays below 2^31 for
// stride ≤ 2048.

/** Row length in elements after padding (the kernel reads 16 elements at a time). */
export const padStride = (dim: number): number => Math.ceil(dim / 16) * 16;

/** Largest magnitude of the int16 query side: 8191·127·2048 < 2^31. */
export const QUERY_MAX = 8191;

// --- a tiny WebAssembly assembler: only what the kernel needs ---
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

const I32 = 0x7f;
const V128 = 0x7b;
const BLOCK = 0x02;
const LOOP = 0x03;
const VOID = 0x40;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const get = (l: number) => [0x20, l];
const set = (l: number) => [0x21, l];
const tee = (l: number) => [0x22, l];
const i32 = (n: number) => [0x41, ...sleb(n)];
const ADD = 0x6a;
const MUL = 0x6c;
const LT_U = 0x49;
const EQZ = 0x45;
const I32_STORE = [0x36, 2, 0];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const V128_LOAD = (offset: number) => simd(0x00, 4, ...uleb(offset));
const V128_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));
const EXTEND_LOW_S = simd(0x87);
const EXTEND_HIGH_S = simd(0x88);
const DOT_I16 = simd(0xba);
const I32X4_ADD = simd(0xae);
const LANE = (l: number) => simd(0x1b, l);

function assembleKernel(): Uint8Array {
  // params 0..5: q nq db nd stride out; i32 locals 6..14; v128 locals 15..20
  const [Q, NQ, DB, ND, STRIDE, OUT] = [0, 1, 2, 3, 4, 5];
  const [I, J, K, ROW, K2] = [6, 7, 8, 9, 10];
  const QR = [11, 12, 13, 14];
  const ACC = [15, 16, 17, 18];
  const [LO, HI] = [19, 20];
  const rows = [0, 1, 2, 3];
  const whileLt = (counter: number, limit: number, body: number[]) => [
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...get(counter),
    ...get(limit),
    LT_U,
    EQZ,
    BR_IF,
    1,
    ...body,
    BR,
    0,
    END,
    END,
  ];
  const hsum = (a: number) => [
    ...get(a),
    ...LANE(0),
    ...get(a),
    ...LANE(1),
    ADD,
    ...get(a),
    ...LANE(2),
    ADD,
    ...get(a),
    ...LANE(3),
    ADD,
  ];
  const inner = [
    // v = db row + k; lo/hi = widened halves
    ...get(ROW),
    ...get(K),
    ADD,
    ...V128_LOAD(0),
    ...tee(LO),
    ...EXTEND_HIGH_S,
    ...set(HI),
    ...get(LO),
    ...EXTEND_LOW_S,
    ...set(LO),
    ...get(K),
    ...get(K),
    ADD,
    ...set(K2),
    ...rows.flatMap((r) => [
      ...get(ACC[r]!),
      ...get(QR[r]!),
      ...get(K2),
      ADD,
      ...V128_LOAD(0),
      ...get(LO),
      ...DOT_I16,
      ...I32X4_ADD,
      ...get(QR[r]!),
      ...get(K2),
      ADD,
      ...V128_LOAD(16),
      ...get(HI),
      ...DOT_I16,
      ...I32X4_ADD,
      ...set(ACC[r]!),
    ]),
    ...get(K),
    ...i32(16),
    ADD,
    ...tee(K),
    ...get(STRIDE),
    LT_U,
    BR_IF,
    0,
  ];
  const perDbRow = [
    ...get(DB),
    ...get(J),
    ...get(STRIDE),
    MUL,
    ADD,
    ...set(ROW),
    ...V128_ZERO,
    ...tee(ACC[0]!),
    ...tee(ACC[1]!),
    ...tee(ACC[2]!),
    ...set(ACC[3]!),
    ...i32(0),
    ...set(K),
    LOOP,
    VOID,
    ...inner,
    END,
    ...rows.flatMap((r) => [
      ...get(OUT),
      ...get(I),
      ...i32(r),
      ADD,
      ...get(ND),
      MUL,
      ...get(J),
      ADD,
      ...i32(4),
      MUL,
      ADD,
      ...hsum(ACC[r]!),
      ...I32_STORE,
    ]),
    ...get(J),
    ...i32(1),
    ADD,
    ...set(J),
  ];
  const perQueryQuad = [
    ...rows.flatMap((r) => [
      ...get(Q),
      ...get(I),
      ...i32(r),
      ADD,
      ...get(STRIDE),
      ...i32(2),
      MUL,
      MUL,
      ADD,
      ...set(QR[r]!),
    ]),
    ...i32(0),
    ...set(J),
    ...whileLt(J, ND, perDbRow),
    ...get(I),
    ...i32(4),
    ADD,
    ...set(I),
  ];
  const body = [
    ...vec([
      [...uleb(9), I32],
      [...uleb(6), V128],
    ]),
    ...i32(0),
    ...set(I),
    ...whileLt(I, NQ, perQueryQuad),
    END,
  ];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), 0]])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('dots'), 0x00, 0]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

// The ES2023 lib has no WebAssembly types; this is the slice the kernel uses.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

/** One kernel instance with its own growable memory. Not shareable across threads. */
export class DotKernel {
  readonly memory: WasmMemory;
  private readonly fn: (q: number, nq: number, db: number, nd: number, stride: number, out: number) => void;

  constructor() {
    compiled ??= new wasm.Module(assembleKernel());
    this.memory = new wasm.Memory({ initial: 1 });
    const instance = new wasm.Instance(compiled, { env: { memory: this.memory } });
    this.fn = instance.exports.dots as typeof this.fn;
  }

  /** Grows memory to at least `bytes`. Views on `memory.buffer` made before are then stale. */
  reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
  }

  /**
   * out[i·nd + j] (int32) = Σ_k q[i][k]·db[j][k] for i < nq, j < nd. Byte offsets; q holds
   * int16 rows and db int8 rows, both `stride` elements long (zero-padded); nq must be a multiple
   * of 4 (pad with zero rows). Offsets must leave the rows 16-byte aligned for speed only.
   */
  dots(q: number, nq: number, db: number, nd: number, stride: number, out: number): void {
    if (nq % 4 !== 0 || stride % 16 !== 0) throw new RangeError('nq must be a multiple of 4, stride of 16');
    if (nq > 0 && nd > 0) this.fn(q, nq, db, nd, stride, out);
  }
}

/**
 * Quantises rows to int8 with one scale per row (127 / max |x|), into `dst` at row r·stride.
 * Writes 1/scale per row to `inverse`, so dot ≈ Σ q_a·q_b · inverse_a · inverse_b.
 */
export function quantizeRows8(
  src: Float32Array,
  dim: number,
  rows: Int32Array | null,
  count: number,
  dst: Int8Array,
  stride: number,
  inverse: Float32Array,
): void {
  for (let r = 0; r < count; r++) {
    const o = (rows ? rows[r]! : r) * dim;
    let max = 0;
    for (let k = 0; k < dim; k++) max = Math.max(max, Math.abs(src[o + k]!));
    const scale = max > 0 ? 127 / max : 0;
    const d = r * stride;
    for (let k = 0; k < dim; k++) dst[d + k] = Math.round(src[o + k]! * scale);
    dst.fill(0, d + dim, d + stride);
    inverse[r] = max > 0 ? max / 127 : 0;
  }
}

/** As quantizeRows8 but int16 with |q| ≤ QUERY_MAX (the precise side of the product). */
export function quantizeRows16(
  src: Float32Array,
  dim: number,
  rows: Int32Array | null,
  count: number,
  dst: Int16Array,
  stride: number,
  inverse: Float32Array,
): void {
  for (let r = 0; r < count; r++) {
    const o = (rows ? rows[r]! : r) * dim;
    let max = 0;
    for (let k = 0; k < dim; k++) max = Math.max(max, Math.abs(src[o + k]!));
    const scale = max > 0 ? QUERY_MAX / max : 0;
    const d = r * stride;
    for (let k = 0; k < dim; k++) dst[d + k] = Math.round(src[o + k]! * scale);
    dst.fill(0, d + dim, d + stride);
    inverse[r] = max > 0 ? max / QUERY_MAX : 0;
  }
}

/** Squared L2 in float, the distance every result is judged by. */
export function squaredDistance(x: Float32Array, a: number, b: number, dim: number): number {
  const oa = a * dim;
  const ob = b * dim;
  let s = 0;
  for (let k = 0; k < dim; k++) {
    const d = x[oa + k]! - x[ob + k]!;
    s += d * d;
  }
  return s;
}
