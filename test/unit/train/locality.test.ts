import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticEmbeddings } from '../../../bench/cluster-scale/synthetic.ts';
import {
  applyAdapter,
  createAdapter,
  deserializeAdapter,
  serializeAdapter,
} from '../../../ml/train/adapter.ts';
import { centroidAnchors, falloff, localityWeight, spreadAnchors } from '../../../ml/train/locality.ts';
import { DEFAULT_LOCALITY, trainAdapter } from '../../../ml/train/triplet.ts';

test('locality falloff: 1 inside the radius, the lowered exponential up to the reach, 0 beyond', () => {
  const loc = { radius: 1, width: 0.1, reach: 0.3 };
  // Hand-computed: floor = e^−3 = 0.0497871; d = 1.1: (e^−1 − floor) / (1 − floor) = 0.3347589;
  // d = 1.2: (e^−2 − floor) / (1 − floor) = 0.0900306.
  assert.equal(falloff(loc, 0.4), 1);
  assert.equal(falloff(loc, 1), 1);
  assert.ok(Math.abs(falloff(loc, 1.1) - 0.3347589) < 1e-6, String(falloff(loc, 1.1)));
  assert.ok(Math.abs(falloff(loc, 1.2) - 0.0900306) < 1e-6, String(falloff(loc, 1.2)));
  assert.ok(falloff(loc, 1.2999) > 0 && falloff(loc, 1.2999) < 1e-3, 'continuous at the reach');
  assert.equal(falloff(loc, 1.3), 0);
  assert.equal(falloff(loc, 3.9), 0);
  // Without a reach: the plain exponential, e^−1 at one width out and never 0.
  assert.ok(Math.abs(falloff({ radius: 1, width: 0.1 }, 1.1) - Math.exp(-1)) < 1e-12);
  assert.ok(falloff({ radius: 1, width: 0.1 }, 3.9) > 0);
  // localityWeight takes the nearest anchor: a row at squared distance 1.1 from the nearer one.
  const anchors = Float32Array.from([1, 0, 0, 0, 1, 0]);
  const c = 1 - 1.1 / 2; // ‖x − a‖² = 2 − 2 x·a for unit rows
  const x = Float32Array.from([c, 0, Math.sqrt(1 - c * c)]);
  assert.ok(Math.abs(localityWeight({ anchors, ...loc }, x, 0, 3) - 0.3347589) < 1e-5);
});

test('a strong local correction leaves faces beyond its reach exactly where they were', async () => {
  // 24 people: 0–5 labelled (the corrected people); the faces of 6–23 are the unlabelled library.
  const { dim, embeddings, labels } = syntheticEmbeddings({ n: 192, identities: 24, dim: 32, seed: 7 });
  const trainLabels = Int32Array.from(labels, (l) => (l < 6 ? l : -1));
  const keep = Int32Array.from([...labels.keys()].filter((i) => labels[i]! >= 6));
  // Much more than the default training, so the correction is large.
  const options = { kind: 'lowrank' as const, hidden: 4, steps: 60, learningRate: 3e-2, seed: 2 };
  const set = { dim, embeddings, labels: trainLabels, keep };
  const loc = { radius: 1, width: 0.1 };
  const local = (await trainAdapter(set, { ...options, locality: { ...loc, reach: 0.3 } })).adapter;
  const anchors = local.locality!.anchors;
  const far: number[] = [];
  for (const f of keep) {
    const d = Math.min(
      ...Array.from({ length: anchors.length / dim }, (_, a) =>
        [...Array(dim).keys()].reduce(
          (s, k) => s + (embeddings[f * dim + k]! - anchors[a * dim + k]!) ** 2,
          0,
        ),
      ),
    );
    if (d > loc.radius + 0.3) far.push(f);
  }
  assert.ok(far.length >= 10, `faces beyond the reach: ${far.length}`);
  const moved = (y: Float32Array) =>
    Math.max(
      ...far.map((f) =>
        Math.hypot(...[...Array(dim).keys()].map((k) => y[f * dim + k]! - embeddings[f * dim + k]!)),
      ),
    );
  assert.ok(moved(applyAdapter(local, embeddings)) < 1e-6, 'beyond the reach nothing moves');
  // The exponential tail (no reach) moves the same faces: what the gate's strangers saw before.
  const tail = (await trainAdapter(set, { ...options, locality: { ...loc, reach: false } })).adapter;
  assert.equal(tail.locality?.reach, undefined);
  assert.ok(
    moved(applyAdapter(tail, embeddings)) > 1e-3,
    `tail moved ${moved(applyAdapter(tail, embeddings))}`,
  );
  // The app's default has a reach.
  const { anchors: _, ...byDefault } = (await trainAdapter(set, { ...options, steps: 1 })).adapter.locality!;
  assert.deepEqual(byDefault, DEFAULT_LOCALITY);
});

test("spread anchors: each person's centroid, then their faces farthest-first, at most perPerson", () => {
  // Person 0: a = (1, 0), b = (0, 1), c = (0.6, 0.8); person 1: one face (−1, 0).
  const x = Float32Array.from([1, 0, 0, 1, 0.6, 0.8, -1, 0]);
  const labels = Int32Array.from([0, 0, 0, 1]);
  // Centroid of person 0: (1.6, 1.8) / √5.8 = (0.664364, 0.747409); squared distances to it:
  // a 0.671272, b 0.505166, c 0.006909, so a first; then b (0.505 from the nearest anchor, c 0.0069).
  const got = spreadAnchors(x, 2, labels, 2);
  const want = [0.664364, 0.747409, -1, 0, 1, 0, 0, 1];
  assert.equal(got.length, want.length);
  for (const [i, v] of want.entries()) assert.ok(Math.abs(got[i]! - v) < 1e-5, `${i}: ${got[i]} vs ${v}`);
  // Person 1's only face is its centroid: no duplicate anchor. perPerson 0: the centroids only.
  assert.deepEqual(spreadAnchors(x, 2, labels, 0), centroidAnchors(x, 2, labels));
  // A face at the edge of person 0's spread (b): beyond the reach of the centroid alone, at the
  // centre of the correction with the spread anchors.
  const loc = { radius: 0.2, width: 0.1, reach: 0.3 };
  assert.equal(localityWeight({ anchors: centroidAnchors(x, 2, labels), ...loc }, x, 2, 2), 0);
  assert.equal(localityWeight({ anchors: got, ...loc }, x, 2, 2), 1);
});

test('the reach survives serialisation; an adapter stored without one keeps the exponential tail', () => {
  const a = createAdapter(4, { kind: 'lowrank', hidden: 2 });
  a.locality = { anchors: Float32Array.from([1, 0, 0, 0]), radius: 1, width: 0.1, reach: 0.3 };
  const s = serializeAdapter(a);
  assert.equal(s.locality?.reach, 0.3);
  assert.deepEqual(deserializeAdapter(JSON.parse(JSON.stringify(s))), a);
  const { reach: _, ...old } = s.locality!;
  const b = deserializeAdapter({ ...s, locality: old });
  assert.equal(b.locality?.reach, undefined);
  assert.ok(localityWeight(b.locality, Float32Array.from([0, 1, 0, 0]), 0, 4) > 0);
});
