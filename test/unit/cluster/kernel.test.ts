import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DotKernel, padStride, quantizeRows8, quantizeRows16 } from '../../../ml/cluster/kernel.ts';
import { rng } from './reference.ts';

describe('int8 × int16 dot kernel', () => {
  it('equals integer dot products for odd sizes, and approximates float ones within the bound', () => {
    const r = rng(42);
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

  it('refuses shapes it cannot run', () => {
    assert.throws(() => new DotKernel().dots(0, 3, 0, 1, 16, 0), RangeError);
  });
});
