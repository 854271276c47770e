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
// reaches a result is recomputed in float. The module is ~1.5 KB, assembled below from a few
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
//   (func $above ...)   ;; the same products, but only those ≥ cuts[i + r] are stored, compacted
//
// One thread reaches ~30 G/s once V8 has tiered the module up (the first large call runs in the
// baseline compiler at ~12 G/s: ~40 ms once per process).
//
// Overflow: |q| ≤ QUERY_MAX and |db| ≤ 127, so a sum over `stride` terms stays below 2^31 for
// stride ≤ 2048.
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker } from 'node:worker_threads';

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

const I32_LOAD = [0x28, 2, 0];
const LT_S = 0x48;
const SHR_U = 0x76;

/**
 * Assembles one kernel function. Plain (`dots`): params q nq db nd stride out, every product
 * stored. Fused (`dotsAbove`): params q nq db nd stride cuts idx raw counts rowStride; for query
 * row i only the db rows j with product ≥ cuts[i] are stored, compacted: idx[i·rowStride + c] = j,
 * raw[i·rowStride + c] =
 * product, counts[i] = c. The fused form exists because scanning every product in JavaScript
 * cost 2–3× the products themselves (measured with --cpu-prof at 20k faces: 31% of the time in the
 * graph's scan loop against 12% in the kernel), while a candidate passes the cut once in hundreds.
 */
function kernelBody(fused: boolean): number[] {
  // params: 0..5 (plain) or 0..8 (fused); then i32 locals, then v128 locals.
  const [Q, NQ, DB, ND, STRIDE] = [0, 1, 2, 3, 4];
  const OUT = 5;
  const [CUTS, IDX, RAW, COUNTS, ROW_STRIDE] = [5, 6, 7, 8, 9];
  const p = fused ? 10 : 6;
  const [I, J, K, ROW, K2] = [p, p + 1, p + 2, p + 3, p + 4];
  const QR = [p + 5, p + 6, p + 7, p + 8];
  const RB = [p + 9, p + 10, p + 11, p + 12];
  const C = [p + 13, p + 14, p + 15, p + 16];
  const CUT = [p + 17, p + 18, p + 19, p + 20];
  const SUM = p + 21;
  const i32Locals = fused ? 22 : 9;
  const v = p + i32Locals;
  const ACC = [v, v + 1, v + 2, v + 3];
  const [LO, HI] = [v + 4, v + 5];
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
  /** array[RB + C] = value: the next slot of query row r's compacted list (fused form). */
  const compacted = (array: number, r: number, value: number[]) => [
    ...get(array),
    ...get(RB[r]!),
    ADD,
    ...get(C[r]!),
    ADD,
    ...value,
    ...I32_STORE,
  ];
  const store = (r: number) =>
    fused
      ? [
          // if (sum >= cut) { idx[..] = j; raw[..] = sum; c += 4 }
          ...hsum(ACC[r]!),
          ...set(SUM),
          BLOCK,
          VOID,
          ...get(SUM),
          ...get(CUT[r]!),
          LT_S,
          BR_IF,
          0,
          ...compacted(IDX, r, get(J)),
          ...compacted(RAW, r, get(SUM)),
          ...get(C[r]!),
          ...i32(4),
          ADD,
          ...set(C[r]!),
          END,
        ]
      : [
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
    ...rows.flatMap(store),
    ...get(J),
    ...i32(1),
    ADD,
    ...set(J),
  ];
  /** Address of int32 word i + r of the array at param `array` (cuts, counts). */
  const rowWord = (array: number, r: number) => [
    ...get(array),
    ...get(I),
    ...i32(r),
    ADD,
    ...i32(4),
    MUL,
    ADD,
  ];
  const quadStart = fused
    ? rows.flatMap((r) => [
        // RB = (i + r)·rowStride·4; CUT = cuts[i + r]; C = 0
        ...get(I),
        ...i32(r),
        ADD,
        ...get(ROW_STRIDE),
        MUL,
        ...i32(4),
        MUL,
        ...set(RB[r]!),
        ...rowWord(CUTS, r),
        ...I32_LOAD,
        ...set(CUT[r]!),
        ...i32(0),
        ...set(C[r]!),
      ])
    : [];
  const quadEnd = fused
    ? rows.flatMap((r) => [
        // counts[i + r] = C / 4
        ...rowWord(COUNTS, r),
        ...get(C[r]!),
        ...i32(2),
        SHR_U,
        ...I32_STORE,
      ])
    : [];
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
    ...quadStart,
    ...i32(0),
    ...set(J),
    ...whileLt(J, ND, perDbRow),
    ...quadEnd,
    ...get(I),
    ...i32(4),
    ADD,
    ...set(I),
  ];
  const body = [
    ...vec([
      [...uleb(i32Locals), I32],
      [...uleb(6), V128],
    ]),
    ...i32(0),
    ...set(I),
    ...whileLt(I, NQ, perQueryQuad),
    END,
  ];
  return [...uleb(body.length), ...body];
}

function assembleKernel(shared: boolean): Uint8Array {
  const params = (n: number) => vec(new Array<number[]>(n).fill([I32]));
  // Memory import: shared memories need a maximum (the threads proposal).
  const limits = shared ? [0x03, ...uleb(1), ...uleb(MAX_PAGES)] : [0x00, ...uleb(1)];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(
      1,
      vec([
        [0x60, ...params(6), 0],
        [0x60, ...params(10), 0],
      ]),
    ),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vec([[0], [1]])),
    ...section(
      7,
      vec([
        [...name('dots'), 0x00, 0],
        [...name('above'), 0x00, 1],
      ]),
    ),
    ...section(10, vec([kernelBody(false), kernelBody(true)])),
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
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Most pages a shared (threaded) kernel memory may grow to: 2 GiB. */
const MAX_PAGES = 32768;

type KernelFn = (...args: number[]) => void;

/**
 * [Note: kernel threads]
 * The dot products are split by query rows between the calling thread and helper threads that
 * run the same WebAssembly function on the same (shared) memory. The call stays synchronous: the
 * caller posts the arguments in a SharedArrayBuffer, wakes the helpers with Atomics.notify,
 * computes its own share, and waits for theirs with Atomics.wait. So the graph search, k-means
 * and recognition use both cores of a 2-core machine without becoming asynchronous or copying
 * data. A helper is a tiny plain-JavaScript worker (no TypeScript loader needed) that holds one
 * kernel memory at a time; a kernel that is not the one it holds re-attaches its memory first
 * (a synchronous message, read with receiveMessageOnPort). Helpers are unref'd: they never keep
 * the process alive, and they sleep in Atomics.wait between calls.
 */
const HELPER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const ctrl = new Int32Array(workerData.control);
let fns = null;
Atomics.store(ctrl, 15, 1);
for (;;) {
  let s;
  while ((s = Atomics.load(ctrl, 0)) !== 1 && s !== 4) Atomics.wait(ctrl, 0, s);
  try {
    if (s === 4) {
      const memory = receiveMessageOnPort(workerData.port).message;
      const e = new WebAssembly.Instance(workerData.module, { env: { memory } }).exports;
      fns = [e.dots, e.above];
    } else {
      fns[ctrl[1]](ctrl[2], ctrl[3], ctrl[4], ctrl[5], ctrl[6], ctrl[7], ctrl[8], ctrl[9], ctrl[10], ctrl[11]);
    }
    Atomics.store(ctrl, 0, 2);
  } catch (err) {
    Atomics.store(ctrl, 0, 5);
  }
  Atomics.notify(ctrl, 0);
}
`;
// Control word 0: the job state; word 15: set by the helper once it runs.
const IDLE = 0;
const WORK = 1;
// 2 = done (written by the helper).
const ATTACH = 4;
const FAILED = 5;
const READY = 15;

interface Helper {
  control: Int32Array;
  post(memory: WasmMemory): void;
  /** The kernel whose memory the helper holds. */
  holds: object | undefined;
}

let compiled: object | undefined;
let compiledShared: object | undefined;
let helpers: Helper[] | undefined;

/** Spawns the helper threads once per process (none where threads are unavailable). */
function helperPool(): Helper[] {
  if (helpers) return helpers;
  helpers = [];
  const want = Math.min(3, availableParallelism() - 1);
  if (want <= 0 || typeof SharedArrayBuffer === 'undefined') return helpers;
  try {
    compiledShared ??= new wasm.Module(assembleKernel(true));
    for (let h = 0; h < want; h++) {
      const control = new Int32Array(new SharedArrayBuffer(16 * 4));
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(HELPER_SOURCE, {
        eval: true,
        workerData: { control: control.buffer, port: port2, module: compiledShared },
        transferList: [port2],
      });
      worker.unref();
      port1.unref();
      helpers.push({ control, post: (memory) => port1.postMessage(memory), holds: undefined });
    }
  } catch {
    helpers = [];
  }
  return helpers;
}

/** Waits for a helper to finish its job; throws if it failed. */
function join(helper: Helper): void {
  const c = helper.control;
  let s = Atomics.load(c, 0);
  while (s === WORK || s === ATTACH) {
    Atomics.wait(c, 0, s);
    s = Atomics.load(c, 0);
  }
  Atomics.store(c, 0, IDLE);
  if (s === FAILED) {
    helper.holds = undefined;
    throw new Error('dot kernel helper thread failed');
  }
}

/** One `dotsAbove` call (byte offsets; see DotKernel.dotsAbove). */
export interface AboveCall {
  q: number;
  nq: number;
  db: number;
  nd: number;
  stride: number;
  cuts: number;
  idx: number;
  raw: number;
  counts: number;
  /** Elements between consecutive output rows (≥ nd). */
  rowStride: number;
}

/**
 * One kernel with its own growable memory. With `threads` > 1 (default: the machine's cores, up
 * to 4) the memory is shared and calls are split across helper threads, see [Note: kernel threads].
 */
export class DotKernel {
  readonly memory: WasmMemory;
  private readonly fns: [KernelFn, KernelFn];
  private readonly helpers: Helper[];
  /** The helper running a `dotsAboveOnHelper` call not yet joined. */
  #pending: Helper | undefined;

  constructor(options: { threads?: number | undefined } = {}) {
    const pool = (options.threads ?? 4) > 1 ? helperPool() : [];
    this.helpers = pool.slice(0, Math.max(0, (options.threads ?? 4) - 1));
    let module: object;
    if (this.helpers.length > 0) {
      module = compiledShared!;
      this.memory = new wasm.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    } else {
      compiled ??= new wasm.Module(assembleKernel(false));
      module = compiled;
      this.memory = new wasm.Memory({ initial: 1 });
    }
    const e = new wasm.Instance(module, { env: { memory: this.memory } }).exports;
    this.fns = [e.dots as KernelFn, e.above as KernelFn];
  }

  /** Threads a call is split across now (this one included; helpers count once started). */
  get threads(): number {
    return this.helpers.filter((h) => Atomics.load(h.control, READY) === 1).length + 1;
  }

  /** Grows memory to at least `bytes`. Views on `memory.buffer` made before are then stale. */
  reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
  }

  /**
   * Runs kernel function `fn` over nq query rows, split by quads of rows: args[0] is q, args[1]
   * nq, and `shifts[a]` is how many bytes argument a moves per query row (0: not per row).
   */
  private run(fn: 0 | 1, args: number[], shifts: number[]): void {
    this.joinHelper();
    const nq = args[1]!;
    // Helpers still starting (or that failed to start) are left out: this thread does more.
    const ready = this.helpers.filter((h) => Atomics.load(h.control, READY) === 1);
    // A share below ~64 rows × 256 db rows is not worth waking a thread for.
    const parts = Math.min(ready.length + 1, Math.floor(nq / 16), Math.ceil((nq * args[3]!) / 16384));
    if (parts <= 1) {
      this.fns[fn](...args);
      return;
    }
    // This thread takes the first rows, helper h the (h + 1)-th share.
    const per = Math.ceil(nq / parts / 4) * 4;
    const used: Helper[] = [];
    for (let h = 0; h < parts - 1 && per * (h + 1) < nq; h++) {
      const helper = ready[h]!;
      const from = per * (h + 1);
      const share = args.map((v, a) => v + shifts[a]! * from);
      share[1] = Math.min(per, nq - from);
      this.#start(helper, fn, share);
      used.push(helper);
    }
    const mine = [...args];
    mine[1] = Math.min(per, nq);
    try {
      this.fns[fn](...mine);
    } finally {
      for (const helper of used) join(helper);
    }
  }

  /**
   * out[i·nd + j] (int32) = Σ_k q[i][k]·db[j][k] for i < nq, j < nd. Byte offsets; q holds
   * int16 rows and db int8 rows, both `stride` elements long (zero-padded); nq must be a multiple
   * of 4 (pad with zero rows). Offsets must leave the rows 16-byte aligned for speed only.
   */
  dots(q: number, nq: number, db: number, nd: number, stride: number, out: number): void {
    if (nq % 4 !== 0 || stride % 16 !== 0) throw new RangeError('nq must be a multiple of 4, stride of 16');
    if (nq > 0 && nd > 0) this.run(0, [q, nq, db, nd, stride, out], [2 * stride, 0, 0, 0, 0, 4 * nd]);
  }

  /**
   * The products of `dots` that reach a per-row cut, compacted: for query row i, with
   * c = counts[i], idx[i·rowStride + 0..c) are the db rows j (ascending) whose product is ≥ cuts[i]
   * and raw[i·rowStride + 0..c) those products. cuts and counts hold nq int32s, idx and raw
   * nq·rowStride each (byte offsets; rowStride ≥ nd, default nd). Pad rows need a cut of 2^31 − 1
   * to stay empty. A caller whose nd shrinks from call to call keeps rowStride fixed, so that the
   * rows land on the same memory pages each time (first touches of fresh pages are costly).
   */
  dotsAbove(
    q: number,
    nq: number,
    db: number,
    nd: number,
    stride: number,
    cuts: number,
    idx: number,
    raw: number,
    counts: number,
    rowStride = nd,
  ): void {
    const args = this.#aboveArgs({ q, nq, db, nd, stride, cuts, idx, raw, counts, rowStride });
    if (args) this.run(1, args, [2 * stride, 0, 0, 0, 0, 4, 4 * rowStride, 4 * rowStride, 4, 0]);
  }

  /** `dotsAbove` on the calling thread only (the caller shares the work out itself). */
  dotsAboveHere(call: AboveCall): void {
    const args = this.#aboveArgs(call);
    if (args) this.fns[1](...args);
  }

  /**
   * Starts `dotsAbove` on one helper thread and returns at once; false (nothing started) when no
   * helper is ready or one is still busy. Until `joinHelper()`, the call's query rows, cuts and
   * outputs belong to the helper, and the memory must not grow. See [Note: pipelined all-pairs
   * graph] in graph.ts.
   */
  dotsAboveOnHelper(call: AboveCall): boolean {
    if (this.#pending || call.nq <= 0 || call.nd <= 0) return false;
    const args = this.#aboveArgs(call);
    const helper = this.helpers.find((h) => Atomics.load(h.control, READY) === 1);
    if (!args || !helper) return false;
    this.#start(helper, 1, args);
    this.#pending = helper;
    return true;
  }

  /** Checks a `dotsAbove` call; its kernel arguments, or null when there is nothing to compute. */
  #aboveArgs(c: AboveCall): number[] | null {
    if (c.nq % 4 !== 0 || c.stride % 16 !== 0)
      throw new RangeError('nq must be a multiple of 4, stride of 16');
    if (c.rowStride < c.nd) throw new RangeError('rowStride must be at least nd');
    if (c.nq <= 0) return null;
    if (c.nd <= 0) {
      new Int32Array(this.memory.buffer, c.counts, c.nq).fill(0);
      return null;
    }
    return [c.q, c.nq, c.db, c.nd, c.stride, c.cuts, c.idx, c.raw, c.counts, c.rowStride];
  }

  /** Hands a helper this kernel's memory if it holds another, then starts `fn` on it. */
  #start(helper: Helper, fn: 0 | 1, args: readonly number[]): void {
    const c = helper.control;
    if (helper.holds !== this) {
      helper.post(this.memory);
      helper.holds = this;
      Atomics.store(c, 0, ATTACH);
      Atomics.notify(c, 0);
      join(helper);
    }
    c[1] = fn;
    for (let a = 0; a < args.length; a++) c[2 + a] = args[a]!;
    Atomics.store(c, 0, WORK);
    Atomics.notify(c, 0);
  }

  /** Waits for the call `dotsAboveOnHelper` started (none: returns at once); throws if it failed. */
  joinHelper(): void {
    const helper = this.#pending;
    if (!helper) return;
    this.#pending = undefined;
    join(helper);
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
