import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { DotKernel, padStride, quantizeRows8, quantizeRows16 } from '../../../ml/cluster/kernel.ts';
import { mulberry32 } from '../../../ml/util/prng.ts';

describe('int8 × int16 dot kernel', () => {
  it('equals integer dot products for odd sizes, and approximates float ones within the bound', () => {
    const r = mulberry32(42);
    for (const [dim, nq, nd] of [
      [128, 8, 33],
      [100, 4, 1],
      [17, 12, 50],
    ] as const) {
      const stride = padStride(dim);
      const x = Float32Array.from({ length: (nq + nd) * dim }, () => r() - 0.5);
      const kernel = new DotKernel();
      const dbOff = nq * stride * 2;
      const outOff = dbOff + nd * stride;
      kernel.reserve(outOff + nq * nd * 4);
      const q = new Int16Array(kernel.memory.buffer, 0, nq * stride);
      const db = new Int8Array(kernel.memory.buffer, dbOff, nd * stride);
      const qInv = new Float32Array(nq);
      const dbInv = new Float32Array(nd);
      quantizeRows16(x, dim, null, nq, q, stride, qInv);
      quantizeRows8(x.subarray(nq * dim), dim, null, nd, db, stride, dbInv);
      kernel.dots(0, nq, dbOff, nd, stride, outOff);
      const out = new Int32Array(kernel.memory.buffer, outOff, nq * nd);
      for (let i = 0; i < nq; i++) {
        for (let j = 0; j < nd; j++) {
          let exact = 0;
          let raw = 0;
          let l1q = 0;
          let l1d = 0;
          for (let k = 0; k < dim; k++) {
            const a = x[i * dim + k]!;
            const b = x[(nq + j) * dim + k]!;
            exact += a * b;
            raw += q[i * stride + k]! * db[j * stride + k]!;
            l1q += Math.abs(a);
            l1d += Math.abs(b);
          }
          assert.equal(out[i * nd + j], raw);
          const bound = (l1q * dbInv[j]!) / 2 + (l1d * qInv[i]!) / 2 + 1e-6;
          assert.ok(Math.abs(exact - raw * qInv[i]! * dbInv[j]!) <= bound, `dim ${dim} (${i}, ${j})`);
        }
      }
    }
  });

  it('keeps exactly the products at or above each row cut, on one thread and split across two', async () => {
    const r = mulberry32(7);
    const dim = 128;
    const stride = padStride(dim);
    const [nq, nd] = [64, 700];
    const x = Float32Array.from({ length: (nq + nd) * dim }, () => r() - 0.5);
    for (const threads of [1, 2]) {
      const kernel = new DotKernel({ threads });
      // Split across a helper thread wherever the machine has a second core, once it has started.
      const want = Math.min(threads, availableParallelism());
      for (let wait = 0; kernel.threads < want && wait < 200; wait++) await delay(50);
      assert.equal(kernel.threads, want);
      const dbOff = nq * stride * 2;
      const outOff = dbOff + nd * stride;
      const cutsOff = outOff + nq * nd * 4;
      const countsOff = cutsOff + nq * 4;
      // Rows of the compacted output may be spaced wider than nd (rowStride).
      const wide = nd + 13;
      const idxOff = countsOff + nq * 4;
      const rawOff = idxOff + nq * wide * 4;
      kernel.reserve(rawOff + nq * wide * 4);
      const mem = kernel.memory.buffer;
      quantizeRows16(x, dim, null, nq, new Int16Array(mem, 0, nq * stride), stride, new Float32Array(nq));
      quantizeRows8(
        x.subarray(nq * dim),
        dim,
        null,
        nd,
        new Int8Array(mem, dbOff, nd * stride),
        stride,
        new Float32Array(nd),
      );
      kernel.dots(0, nq, dbOff, nd, stride, outOff);
      const all = new Int32Array(kernel.memory.buffer, outOff, nq * nd).slice();
      const cuts = new Int32Array(kernel.memory.buffer, cutsOff, nq);
      // Cuts from "keep nothing" to "keep everything", most rows in between.
      for (let i = 0; i < nq; i++) cuts[i] = i === 0 ? 2147483647 : i === 1 ? -2147483648 : (i - 32) * 20000;
      // The kernel's own split; then this thread and one helper started by hand on halves of
      // the rows (the pipelined graph's way), with rows spaced by `wide`.
      const runs: Array<[string, number, () => void]> = [
        ['split', nd, () => kernel.dotsAbove(0, nq, dbOff, nd, stride, cutsOff, idxOff, rawOff, countsOff)],
        [
          'here + helper',
          wide,
          () => {
            const h = nq / 2;
            const started = kernel.dotsAboveOnHelper({
              q: h * stride * 2,
              nq: nq - h,
              db: dbOff,
              nd,
              stride,
              cuts: cutsOff + 4 * h,
              idx: idxOff + 4 * h * wide,
              raw: rawOff + 4 * h * wide,
              counts: countsOff + 4 * h,
              rowStride: wide,
            });
            kernel.dotsAboveHere({
              q: 0,
              nq: started ? h : nq,
              db: dbOff,
              nd,
              stride,
              cuts: cutsOff,
              idx: idxOff,
              raw: rawOff,
              counts: countsOff,
              rowStride: wide,
            });
            kernel.joinHelper();
            assert.equal(started, want > 1, 'a helper takes the rows where there is one');
          },
        ],
      ];
      for (const [how, rowStride, run] of runs) {
        run();
        const buf = kernel.memory.buffer;
        const counts = new Int32Array(buf, countsOff, nq);
        const idx = new Int32Array(buf, idxOff, nq * rowStride);
        const raw = new Int32Array(buf, rawOff, nq * rowStride);
        let kept = 0;
        for (let i = 0; i < nq; i++) {
          const expected: number[] = [];
          for (let j = 0; j < nd; j++) if (all[i * nd + j]! >= cuts[i]!) expected.push(j);
          const o = i * rowStride;
          assert.deepEqual(
            Array.from(idx.subarray(o, o + counts[i]!)),
            expected,
            `threads ${threads} ${how} row ${i}`,
          );
          assert.deepEqual(
            Array.from(raw.subarray(o, o + counts[i]!)),
            expected.map((j) => all[i * nd + j]!),
          );
          kept += expected.length;
        }
        assert.equal(counts[0], 0);
        assert.equal(counts[1], nd);
        assert.ok(kept > nd && kept < nq * nd - nd, `cuts should split the rows (${kept})`);
      }
    }
  });

  it('refuses shapes it cannot run', () => {
    assert.throws(() => new DotKernel().dots(0, 3, 0, 1, 16, 0), RangeError);
  });
});
