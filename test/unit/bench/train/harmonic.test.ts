import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticEmbeddings } from '../../../../bench/cluster-scale/synthetic.ts';
import {
  applyLinearMap,
  fitHarmonicMap,
  fitLinearMap,
  type LinearMap,
} from '../../../../bench/train/harmonic.ts';
import { mineSemiHard, pairwiseSqDist, tripletLoss } from '../../../../ml/train/triplet.ts';
import { mulberry32 } from '../../../../ml/util/prng.ts';
import { unitRows } from '../../../helpers/train.ts';

/** v1: synthetic faces; v2: the same faces through a fixed random linear map, noise, re-normalised. */
function twoSpaces() {
  const from = 24;
  const to = 16;
  const s = syntheticEmbeddings({ n: 120, identities: 20, dim: from, seed: 3, spread: 0.5 });
  const rand = mulberry32(8);
  const truth: LinearMap = {
    from,
    to,
    weights: Float32Array.from({ length: from * to }, () => rand() * 2 - 1),
  };
  const y = applyLinearMap(truth, s.embeddings);
  for (let i = 0; i < y.length; i++) y[i]! += (rand() - 0.5) * 0.05;
  return {
    x: s.embeddings,
    from,
    y: applyLinearMap({ from: to, to, weights: identity(to) }, y),
    to,
    labels: s.labels,
  };
}

function identity(d: number): Float32Array {
  const w = new Float32Array(d * d);
  for (let i = 0; i < d; i++) w[i * d + i] = 1;
  return w;
}

/** The harmonic triplet loss over every face: mapped v1 rows and v2 rows mined together. */
function mixedLoss(map: LinearMap, x: Float32Array, y: Float32Array, labels: Int32Array): number {
  const rows = new Float32Array(2 * y.length);
  rows.set(applyLinearMap(map, x), 0);
  rows.set(y, y.length);
  const l2 = Int32Array.from([...labels, ...labels]);
  return tripletLoss(rows, map.to, mineSemiHard(pairwiseSqDist(rows, map.to), l2), 0.2).loss;
}

test('harmonic triplet loss: a map learnt from scratch mixes v1 and v2 faces; deterministic', () => {
  const { x, from, y, to, labels } = twoSpaces();
  const options = { init: 'random' as const, steps: 150, learningRate: 3e-3, identitiesPerBatch: 8, seed: 2 };
  const start = fitHarmonicMap(x, from, y, to, labels, { ...options, steps: 0 }).map;
  const { map, losses } = fitHarmonicMap(x, from, y, to, labels, options);
  const before = mixedLoss(start, x, y, labels);
  const after = mixedLoss(map, x, y, labels);
  assert.ok(after < 0.5 * before, `mixed triplet loss ${before} → ${after}`);
  assert.equal(losses.length, 150);
  // A mapped v1 face is now nearer its own v2 embedding than most other faces' embeddings are.
  const mapped = applyLinearMap(map, x);
  let nearestOwnPerson = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    for (let j = 0; j < labels.length; j++) {
      let d = 0;
      for (let k = 0; k < to; k++) d += (mapped[i * to + k]! - y[j * to + k]!) ** 2;
      if (d < bestD) [best, bestD] = [j, d];
    }
    if (labels[best] === labels[i]) nearestOwnPerson++;
  }
  assert.ok(nearestOwnPerson > 0.8 * labels.length, `${nearestOwnPerson} of ${labels.length}`);
  const again = fitHarmonicMap(x, from, y, to, labels, options).map;
  assert.deepEqual(again.weights, map.weights);
});

test('harmonic map: ridge least squares recovers a known linear map between spaces', () => {
  const rand = mulberry32(21);
  const from = 6;
  const to = 3;
  const w = Float32Array.from({ length: from * to }, () => rand() - 0.5);
  const n = 200;
  const x = unitRows(n, from, rand);
  const y = new Float32Array(n * to);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < to; j++) {
      let s = 0;
      for (let i = 0; i < from; i++) s += x[r * from + i]! * w[i * to + j]!;
      y[r * to + j] = s;
    }
  }
  const map = fitLinearMap(x, from, y, to, 1e-8);
  for (let i = 0; i < w.length; i++) assert.ok(Math.abs(map.weights[i]! - w[i]!) < 1e-3, `weight ${i}`);
  const mapped = applyLinearMap(map, x.subarray(0, from));
  assert.ok(Math.abs(Math.hypot(...mapped) - 1) < 1e-6);
});
