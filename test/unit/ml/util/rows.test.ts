import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatherRows } from '../../../../ml/util/rows.ts';

test('gatherRows takes the named rows in the order given, repeats included', () => {
  const m = Float32Array.from([0, 1, 10, 11, 20, 21]);
  assert.deepEqual([...gatherRows(m, 2, [2, 0, 2])], [20, 21, 0, 1, 20, 21]);
  assert.equal(gatherRows(m, 2, []).length, 0);
});
