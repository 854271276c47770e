import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syntheticEmbeddings } from '../../../../bench/cluster-scale/synthetic.ts';
import { mulberry32 } from '../../../../ml/util/prng.ts';

describe('syntheticEmbeddings', () => {
  const s = syntheticEmbeddings({ n: 4000, seed: 5 });
  const d2 = (a: number, b: number) => {
    let v = 0;
    for (let k = 0; k < s.dim; k++) v += (s.embeddings[a * s.dim + k]! - s.embeddings[b * s.dim + k]!) ** 2;
    return v;
  };

  it('is deterministic for a seed and normalised', () => {
    const again = syntheticEmbeddings({ n: 4000, seed: 5 });
    assert.deepEqual(again.embeddings, s.embeddings);
    assert.deepEqual(again.groupOf, s.groupOf);
    assert.notDeepEqual(syntheticEmbeddings({ n: 4000, seed: 6 }).labels, s.labels);
    for (let i = 0; i < 50; i++) assert.ok(Math.abs(normSq(s.embeddings, i, s.dim) - 1) < 1e-5);
  });

  it('has Zipf-like identity sizes: many tiny people, a few big ones', () => {
    const sizes = new Map<number, number>();
    for (const l of s.labels) sizes.set(l, (sizes.get(l) ?? 0) + 1);
    const sorted = [...sizes.values()].sort((a, b) => b - a);
    assert.ok(sorted[0]! > 300, `largest ${sorted[0]}`);
    assert.ok(sorted.filter((x) => x === 1).length > sizes.size / 3, 'many singletons');
  });

  it('same person mostly < 1.0, different people mostly > 1.2', () => {
    const r = mulberry32(1);
    let same = 0;
    let sameClose = 0;
    let other = 0;
    let otherFar = 0;
    for (let t = 0; t < 20000; t++) {
      const a = Math.floor(r() * 4000);
      const b = Math.floor(r() * 4000);
      if (a === b) continue;
      const v = d2(a, b);
      if (s.labels[a] === s.labels[b]) {
        same++;
        if (v < 1) sameClose++;
      } else {
        other++;
        if (v > 1.2) otherFar++;
      }
    }
    assert.ok(sameClose / same > 0.85, `same ${sameClose}/${same}`);
    assert.ok(otherFar / other > 0.95, `other ${otherFar}/${other}`);
  });

  it('puts distinct identities in each photo, 1–4 faces a photo', () => {
    const photos = new Map<number, number[]>();
    for (let i = 0; i < s.groupOf.length; i++)
      photos.set(s.groupOf[i]!, [...(photos.get(s.groupOf[i]!) ?? []), i]);
    for (const faces of photos.values()) {
      assert.ok(faces.length >= 1 && faces.length <= 4);
      assert.equal(new Set(faces.map((f) => s.labels[f])).size, faces.length);
    }
  });

  it('draws around given centroids', () => {
    const centroids = Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]);
    const c = syntheticEmbeddings({ n: 200, dim: 4, centroids, spread: 0.2, seed: 1 });
    for (let i = 0; i < 200; i++) {
      const axis = c.labels[i] === 0 ? 0 : 1;
      assert.ok(c.embeddings[i * 4 + axis]! > 0.8);
    }
  });
});

function normSq(x: Float32Array, i: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) s += x[i * dim + k]! ** 2;
  return s;
}
