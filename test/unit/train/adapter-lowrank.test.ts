import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticEmbeddings } from '../../../bench/cluster-scale/synthetic.ts';
import {
  type Adapter,
  applyAdapter,
  createAdapter,
  deserializeAdapter,
  serializeAdapter,
} from '../../../ml/train/adapter.ts';
import { finetune } from '../../../ml/train/finetune.ts';
import { gateAdapter, partitionChange } from '../../../ml/train/gate.ts';
import { centroidAnchors, localityWeight } from '../../../ml/train/locality.ts';
import { trainAdapter } from '../../../ml/train/triplet.ts';
import { finetuneInWorker } from '../../../ml/train/worker.ts';
import { mulberry32 } from '../../../ml/util/prng.ts';
import { smallLabelledSet, unitRows, worstGradientError } from '../../helpers/train.ts';

const TRIPLETS = [
  { a: 0, p: 1, n: 2 },
  { a: 3, p: 4, n: 5 },
  { a: 1, p: 0, n: 5 },
];

test('lowrank adapter: U, V and b gradients match finite differences (with and without locality)', () => {
  const rand = mulberry32(13);
  const dim = 6;
  const x = unitRows(6, dim, rand);
  for (const local of [false, true]) {
    const adapter = createAdapter(dim, { kind: 'lowrank', hidden: 2, seed: 3 });
    assert.equal(adapter.params.length, 2 * dim * 2 + dim);
    for (let i = 0; i < adapter.params.length; i++) adapter.params[i] = (rand() - 0.5) * 0.8;
    if (local) {
      // Anchored on faces 0 and 3 with a narrow radius: rows get different weights in (0, 1].
      adapter.locality = {
        anchors: centroidAnchors(x, dim, Int32Array.from([0, -1, -1, 1, -1, -1])),
        radius: 0.2,
        width: 0.5,
      };
      const gates = [...Array(6).keys()].map((r) => localityWeight(adapter.locality, x, r * dim, dim));
      assert.ok(Math.min(...gates) < 0.9 && Math.max(...gates) === 1, `gates ${gates}`);
    }
    const worst = worstGradientError(adapter, x, TRIPLETS, 4);
    assert.ok(worst < 2e-2, `locality ${local}: worst relative gradient error ${worst}`);
  }
});

test('lowrank adapter: fresh is the identity; a face far from every anchor is left where it was', () => {
  const rand = mulberry32(4);
  const dim = 8;
  const x = unitRows(5, dim, rand);
  const a = createAdapter(dim, { kind: 'lowrank', hidden: 3 });
  const y0 = applyAdapter(a, x);
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(y0[i]! - x[i]!) < 1e-6);
  for (let i = 0; i < a.params.length; i++) a.params[i] = rand() - 0.5;
  // Anchor at face 0 exactly; face 1 made the antipode of it (squared distance 4).
  for (let k = 0; k < dim; k++) x[dim + k] = -x[k]!;
  a.locality = { anchors: x.slice(0, dim), radius: 0.5, width: 0.05 };
  const y = applyAdapter(a, x);
  const moved = (r: number) =>
    Math.hypot(...Array.from({ length: dim }, (_, k) => y[r * dim + k]! - x[r * dim + k]!));
  assert.ok(moved(0) > 0.05, `the anchored face moves (${moved(0)})`);
  assert.ok(moved(1) < 1e-6, `the far face stays (${moved(1)})`);
  const b = deserializeAdapter(JSON.parse(JSON.stringify(serializeAdapter(a))));
  assert.deepEqual(b, a);
  assert.deepEqual(applyAdapter(b, x), y);
});

test('training is deterministic with a seed: identical weights twice, and in a worker thread', async () => {
  const set = smallLabelledSet(12);
  const options = { kind: 'lowrank' as const, steps: 12, alpha: 1, patience: 0, seed: 5, threshold: 1.15 };
  const a = await trainAdapter(set, options);
  const b = await trainAdapter(set, options);
  assert.deepEqual(b.adapter.params, a.adapter.params);
  assert.ok(
    a.adapter.params.some((v, i) => i < set.dim * 32 && v !== 0),
    'training moved U',
  );
  const c = await trainAdapter(set, { ...options, seed: 6 });
  assert.notDeepEqual(c.adapter.params, a.adapter.params);
  // The worker runs finetune (train + gate) on the same data: same weights as in-process.
  const progress: number[] = [];
  const inProcess = await finetune(set, options);
  const inWorker = await finetuneInWorker(set, { ...options, onProgress: (p) => progress.push(p.step) });
  assert.deepEqual(inWorker.train.adapter.params, inProcess.train.adapter.params);
  assert.deepEqual(inWorker.before, inProcess.before);
  assert.equal(progress.at(-1), 12);
  assert.deepEqual(
    progress,
    progress.map((_, i) => i + 1),
  );
});

test('finetuneInWorker: an abort terminates the worker and rejects', async () => {
  const set = smallLabelledSet(12);
  const ac = new AbortController();
  const run = finetuneInWorker(set, {
    threshold: 1.15,
    steps: 100_000,
    patience: 0,
    signal: ac.signal,
    onProgress: (p) => {
      if (p.step === 3) ac.abort(new Error('user cancelled'));
    },
  });
  await assert.rejects(run, /user cancelled/);
});

/** A radius that covers every face's own centroid (and, on these data, no other group's faces). */
function coveringRadius(
  embeddings: Float32Array,
  dim: number,
  labels: Int32Array,
  centroids: Float32Array,
): number {
  let radius = 0;
  for (let i = 0; i < labels.length; i++) {
    const c = centroids.subarray(labels[i]! * dim, (labels[i]! + 1) * dim);
    radius = Math.max(
      radius,
      c.reduce((s, v, k) => s + (v - embeddings[i * dim + k]!) ** 2, 0),
    );
  }
  return radius + 0.01;
}

/** A lowrank adapter whose bias pulls the faces near `anchors` (and only those) to one point. */
function collapser(dim: number, anchors: Float32Array, radius: number): Adapter {
  const a = createAdapter(dim, { kind: 'lowrank', hidden: 1 });
  a.params.fill(0);
  a.params[2 * dim] = 20; // b₀: near the anchors, every face is dragged towards the first axis
  a.locality = { anchors, radius, width: 0.02 };
  return a;
}

/** 12 synthetic people × 6 faces, well apart (the gate tests' library). */
const twelvePeople = () => syntheticEmbeddings({ n: 72, identities: 12, dim: 32, seed: 11, spread: 0.3 });

test('the gate refuses an adapter that helps the corrected people but hurts untouched ones', async () => {
  // 12 identities: 0–5 are the corrected people (focus), 6–11 people training never saw (probe).
  const { dim, embeddings, labels } = twelvePeople();
  const focus = Uint8Array.from(labels, (l) => (l < 6 ? 1 : 0));
  const untouched = Uint8Array.from(labels, (l) => (l >= 6 ? 1 : 0));
  const set = { dim, embeddings, labels, focus, untouched, threshold: 1 };
  const centroids = centroidAnchors(embeddings, dim, labels);
  const radius = coveringRadius(embeddings, dim, labels, centroids);
  const onFocus = collapser(dim, centroids.slice(0, 6 * dim), radius);
  const onOthers = collapser(dim, centroids.slice(6 * dim), radius);
  for (let i = 0; i < labels.length; i++) {
    const g = (a: Adapter) => localityWeight(a.locality, embeddings, i * dim, dim);
    assert.equal(g(focus[i] ? onFocus : onOthers), 1);
    assert.ok(g(focus[i] ? onOthers : onFocus) < 1e-3, 'the groups are apart');
  }
  // In use: an adapter that wrecks the corrected people (they all merge). A new adapter that undoes
  // that (better for them) but wrecks everyone else must be refused…
  const r = await gateAdapter(onOthers, set, { baseline: onFocus });
  assert.ok(r.after.bcubed_f > r.before.bcubed_f + 0.1, 'a clear gain on the corrected people');
  assert.ok(r.untouched && r.untouched.after.bcubed_f < r.untouched.before.bcubed_f - 0.1);
  assert.equal(r.keep, false, r.reason);
  assert.match(r.reason, /hurt people it was not trained on/);
  // …while the same gain with the others left alone (the identity) is kept.
  const ok = await gateAdapter(createAdapter(dim, { kind: 'lowrank' }), set, { baseline: onFocus });
  assert.equal(ok.keep, true, ok.reason);
  assert.deepEqual(ok.untouched?.after, ok.untouched?.before);
});

test('partitionChange counts the grouped pairs only one clustering has', () => {
  assert.equal(partitionChange(Int32Array.from([0, 0, 1, 1]), Int32Array.from([5, 5, 7, 7])), 0);
  // Together in either: (0,1), (0,2), (1,2), (2,3); (0,2) and (1,2) joined, (2,3) split: 3 of 4.
  assert.ok(
    Math.abs(partitionChange(Int32Array.from([0, 0, 1, 1]), Int32Array.from([0, 0, 0, -1])) - 3 / 4) < 1e-12,
  );
});

test('the gate refuses an adapter that regroups unlabelled strangers far from the corrected people', async () => {
  const { dim, embeddings, labels } = twelvePeople();
  // Identities 0–5 are labelled (the corrected people); the faces of 6–11 are unlabelled strangers.
  const rowsOf = (keep: (l: number) => boolean) => [...labels.keys()].filter((i) => keep(labels[i]!));
  const pick = (rows: number[]) => {
    const out = new Float32Array(rows.length * dim);
    rows.forEach((r, k) => {
      out.set(embeddings.subarray(r * dim, (r + 1) * dim), k * dim);
    });
    return out;
  };
  const mine = rowsOf((l) => l < 6);
  const labelled = {
    dim,
    embeddings: pick(mine),
    labels: Int32Array.from(mine, (r) => labels[r]!),
    threshold: 1,
  };
  const strangers = pick(rowsOf((l) => l >= 6));
  const centroids = centroidAnchors(embeddings, dim, labels);
  const radius = coveringRadius(embeddings, dim, labels, centroids);
  const onFocus = collapser(dim, centroids.slice(0, 6 * dim), radius);
  const onStrangers = collapser(dim, centroids.slice(6 * dim), radius);
  const r = await gateAdapter(onStrangers, { ...labelled, strangers }, { baseline: onFocus });
  assert.ok(r.after.bcubed_f > r.before.bcubed_f + 0.1, 'a clear gain on the corrected people');
  assert.ok(r.strangers && r.strangers.changed > 0.5, JSON.stringify(r.strangers));
  assert.equal(r.keep, false, r.reason);
  assert.match(r.reason, /regroup faces far from anyone corrected/);
  const ok = await gateAdapter(
    createAdapter(dim, { kind: 'lowrank' }),
    { ...labelled, strangers },
    { baseline: onFocus },
  );
  assert.equal(ok.keep, true, ok.reason);
  assert.equal(ok.strangers?.changed, 0);
});
