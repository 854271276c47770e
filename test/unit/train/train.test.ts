import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticEmbeddings } from '../../../bench/cluster-scale/synthetic.ts';
import {
  type Adapter,
  adaptedEmbeddings,
  applyAdapter,
  createAdapter,
  deserializeAdapter,
  serializeAdapter,
} from '../../../ml/train/adapter.ts';
import { gateAdapter } from '../../../ml/train/gate.ts';
import {
  mineSemiHard,
  pairwiseSqDist,
  type Triplet,
  trainAdapter,
  tripletLoss,
} from '../../../ml/train/triplet.ts';
import { mulberry32 } from '../../../ml/util/prng.ts';
import { smallLabelledSet, unitRows, worstGradientError } from '../../helpers/train.ts';

/** Analytic gradient of the triplet loss through adapter + normalisation vs central differences. */
function gradientCheck(adapter: Adapter, x: Float32Array, triplets: Triplet[], alpha: number): void {
  const worst = worstGradientError(adapter, x, triplets, alpha);
  assert.ok(worst < 2e-2, `worst relative gradient error ${worst}`);
}

test('residual adapter: gradients through the L2 normalisation match finite differences', () => {
  const rand = mulberry32(3);
  const dim = 5;
  const adapter = createAdapter(dim);
  for (let i = 0; i < adapter.params.length; i++) adapter.params[i] = (rand() - 0.5) * 0.6;
  const x = unitRows(6, dim, rand);
  // Large α keeps every triplet active (the hinge is not differentiable at 0).
  const triplets = [
    { a: 0, p: 1, n: 2 },
    { a: 3, p: 4, n: 5 },
    { a: 1, p: 0, n: 5 },
  ];
  gradientCheck(adapter, x, triplets, 4);
});

test('mlp adapter: gradients match finite differences', () => {
  const rand = mulberry32(5);
  const dim = 4;
  const adapter = createAdapter(dim, { kind: 'mlp', hidden: 3, seed: 2 });
  for (let i = 0; i < adapter.params.length; i++) adapter.params[i] = (rand() - 0.5) * 1.2;
  const x = unitRows(5, dim, rand);
  gradientCheck(
    adapter,
    x,
    [
      { a: 0, p: 1, n: 2 },
      { a: 2, p: 3, n: 4 },
    ],
    4,
  );
});

test('a fresh adapter is the identity; serialisation round-trips exactly', () => {
  const rand = mulberry32(9);
  const x = unitRows(4, 8, rand);
  for (const kind of ['residual', 'mlp'] as const) {
    const a = createAdapter(8, { kind, hidden: 6 });
    const y = applyAdapter(a, x);
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(y[i]! - x[i]!) < 1e-6);
    for (let i = 0; i < a.params.length; i++) a.params[i] = rand() - 0.5;
    const b = deserializeAdapter(JSON.parse(JSON.stringify(serializeAdapter(a))));
    assert.deepEqual(b, a);
    const m = adaptedEmbeddings({ dim: 8, data: x, count: 4 }, b);
    assert.deepEqual(m.data, applyAdapter(a, x));
    assert.equal(m.count, 4);
  }
  assert.throws(() => deserializeAdapter({ format: 'kith-adapter', version: 99 }), /version 99/);
});

test('semi-hard mining picks the closest negative beyond the positive, else the least hard one', () => {
  // 1-D points: identity 0 at 0 and 1; identity 1 at 1.05 and 3; a lone face (label 2) at 0.5.
  const pos = [0, 1, 1.05, 3, 0.5];
  const labels = Int32Array.from([0, 0, 1, 1, 2]);
  const y = Float32Array.from(pos);
  const got = mineSemiHard(pairwiseSqDist(y, 1), labels);
  const key = (t: Triplet) => `${t.a}-${t.p}-${t.n}`;
  // a=0,p=1: d_ap=1; negatives 2 (1.1025), 3 (9), 4 (0.25): closest beyond 1 is 2 (semi-hard: < 1.2).
  // a=1,p=0: d_ap=1; negatives 2 (0.0025), 3 (4), 4 (0.25): closest beyond 1 is 3 (satisfied: loss 0).
  // a=2,p=3: d_ap=3.8025; negatives 0 (1.1025), 1 (0.0025), 4 (0.3025): all hard → least hard, 0.
  // a=3,p=2: d_ap=3.8025; negatives 0 (9), 1 (4), 4 (6.25): closest beyond is 1 (semi-hard).
  // The lone face has no positive, so it is never an anchor.
  assert.deepEqual(got.map(key).sort(), ['0-1-2', '1-0-3', '2-3-0', '3-2-1']);
  const { loss, active } = tripletLoss(y, 1, got, 0.2);
  // Active: 0.0975 + 2.9 + 0.0025 = 3.0; the mean is over all 4 mined triplets.
  assert.equal(active, 3);
  assert.ok(Math.abs(loss - 3 / 4) < 1e-4, `loss ${loss}`);
});

test('training lowers the triplet loss on a small labelled set', async () => {
  const set = smallLabelledSet(8);
  // α = 1 so that the pre-trained embedder still violates some triplets.
  const alpha = 1;
  const all = (a: Adapter) => {
    const y = applyAdapter(a, set.embeddings);
    return tripletLoss(y, set.dim, mineSemiHard(pairwiseSqDist(y, set.dim), set.labels), alpha).loss;
  };
  const before = all(createAdapter(set.dim));
  assert.ok(before > 0);
  const r = await trainAdapter(set, {
    steps: 30,
    alpha,
    identitiesPerBatch: 8,
    facesPerIdentity: 4,
    learningRate: 3e-4,
    seed: 7,
  });
  const after = all(r.adapter);
  assert.ok(after < 0.8 * before, `loss ${before} → ${after}`);
  // Deterministic with a seed.
  const again = await trainAdapter(set, {
    steps: 3,
    alpha,
    identitiesPerBatch: 8,
    facesPerIdentity: 4,
    learningRate: 3e-4,
    seed: 7,
  });
  assert.deepEqual(again.losses, r.losses.slice(0, 3));
});

test('training honours an AbortSignal', async () => {
  const set = smallLabelledSet(8);
  const ac = new AbortController();
  ac.abort(new Error('stop'));
  await assert.rejects(trainAdapter(set, { steps: 5, signal: ac.signal }), /stop/);
});

test('the gate refuses an adapter that hurts and keeps the identity out of it', async () => {
  const s = syntheticEmbeddings({ n: 60, identities: 12, dim: 32, seed: 11 });
  const set = { dim: s.dim, embeddings: s.embeddings, labels: s.labels, threshold: 1 };
  const bad = createAdapter(s.dim);
  const rand = mulberry32(1);
  for (let i = 0; i < s.dim * s.dim; i++) bad.params[i] = (rand() - 0.5) * 2;
  const r = await gateAdapter(bad, set);
  assert.equal(r.keep, false, r.reason);
  assert.ok(r.after.pairwise_f < r.before.pairwise_f);
  // The identity changes nothing: no gain, not kept either.
  assert.equal((await gateAdapter(createAdapter(s.dim), set)).keep, false);
});
