import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EvalSet, scoreHeldOut } from '../../../ml/train/gate.ts';

// One person's two faces at squared distance 1.21 (x = 0 and 1.1), a stranger far away; the
// threshold is 1.
const embeddings = Float32Array.from([0, 0, 1.1, 0, 10, 0]);
const set: EvalSet = { dim: 2, embeddings, labels: Int32Array.from([0, 0, 1]), threshold: 1 };

test('the gate groups as the app does: with the noise slack it forgives', async () => {
  assert.equal((await scoreHeldOut(set)).pairwise_f, 0, 'apart at 1.21 > 1');
  // 1.21 − 0.15 − 0.15 = 0.91 ≤ 1: together.
  const slack = Float32Array.from([0.15, 0.15, 0]);
  assert.equal((await scoreHeldOut({ ...set, slack })).pairwise_f, 1);
});

test('the gate groups as the app does: with its attach pass', async () => {
  // A person at 0 and 0.5, their third face at 1.4: average linkage (0.81 + 1.96)/2 = 1.385 > 1
  // keeps it apart; the attach pass with k 1 scores it by its nearest face there, 0.81.
  const three = Float32Array.from([0, 0, 0.5, 0, 1.4, 0, 10, 0]);
  const s: EvalSet = { ...set, embeddings: three, labels: Int32Array.from([0, 0, 0, 1]) };
  assert.ok((await scoreHeldOut(s)).pairwise_f < 1);
  assert.ok((await scoreHeldOut({ ...s, attach: { k: 1, threshold: 0.8 } })).pairwise_f < 1);
  assert.equal((await scoreHeldOut({ ...s, attach: { k: 1, threshold: 0.82 } })).pairwise_f, 1);
});
