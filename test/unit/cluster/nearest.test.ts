import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syntheticEmbeddings } from '../../../bench/cluster-scale/synthetic.ts';
import { buildFaceIndex, nearestPeople } from '../../../ml/cluster/index.ts';

const line = (...xs: number[]) => Float32Array.from(xs.flatMap((x) => [x, 0]));

/** The k nearest library faces within the threshold, by brute force in float64. */
function bruteNearest(
  lib: Float32Array,
  q: Float32Array,
  dim: number,
  k: number,
  threshold: number,
): number[][] {
  const n = lib.length / dim;
  const out: number[][] = [];
  for (let i = 0; i < q.length / dim; i++) {
    const d: [number, number][] = [];
    for (let f = 0; f < n; f++) {
      let s = 0;
      for (let x = 0; x < dim; x++) s += (q[i * dim + x]! - lib[f * dim + x]!) ** 2;
      if (s <= threshold) d.push([s, f]);
    }
    out.push(
      d
        .sort((a, b) => a[0] - b[0])
        .slice(0, k)
        .map(([, f]) => f),
    );
  }
  return out;
}

describe('nearestPeople (k-NN recognition)', () => {
  it('votes like a brute-force k-NN on synthetic people', () => {
    const s = syntheticEmbeddings({ n: 3200, seed: 4 });
    const libN = 3000;
    const lib = s.embeddings.subarray(0, libN * s.dim);
    const queries = s.embeddings.subarray(libN * s.dim);
    const personOf = s.labels.slice(0, libN);
    const k = 5;
    const r = nearestPeople(buildFaceIndex(lib, s.dim), queries, { threshold: 1, personOf, k });
    const brute = bruteNearest(lib, queries, s.dim, k, 1);
    let assigned = 0;
    for (let i = 0; i < brute.length; i++) {
      const tally = new Map<number, number>();
      for (const f of brute[i]!) tally.set(personOf[f]!, (tally.get(personOf[f]!) ?? 0) + 1);
      const best = Math.max(0, ...tally.values());
      if (best === 0) assert.equal(r.person[i], -1, `face ${i}`);
      else {
        assert.equal(tally.get(r.person[i]!), best, `face ${i} gets a person with most votes`);
        assert.equal(r.votes[i], best);
        assigned++;
      }
    }
    assert.ok(assigned > 150);
  });

  it('leaves faces beyond the threshold unassigned', () => {
    const index = buildFaceIndex(line(0, 0.1), 2);
    const r = nearestPeople(index, line(0.05, 5), { threshold: 0.5, personOf: Int32Array.from([7, 7]) });
    assert.deepEqual([...r.person], [7, -1]);
    assert.deepEqual([...r.votes], [2, 0]);
    assert.ok(Math.abs(r.distance[0]! - 0.0025) < 1e-6);
    assert.ok(Number.isNaN(r.distance[1]!));
  });

  it('slack lets a noisy face vote from beyond the plain threshold, by its slackened distance', () => {
    // Library faces at 0 (person 7) and 3 (person 8); the query at 0.75 is 0.5625 from person 7.
    const index = buildFaceIndex(line(0, 3), 2);
    const personOf = Int32Array.from([7, 8]);
    const plain = nearestPeople(index, line(0.75), { threshold: 0.5, personOf });
    assert.deepEqual([...plain.person], [-1]);
    const noisy = nearestPeople(index, line(0.75), {
      threshold: 0.5,
      personOf,
      querySlack: Float32Array.from([0.05]),
      librarySlack: Float32Array.from([0.02, 0]),
    });
    assert.deepEqual([...noisy.person], [7]);
    assert.ok(Math.abs(noisy.distance[0]! - (0.5625 - 0.07)) < 1e-5);
  });

  it('never joins a person the face is forbidden from, nor one already in its photo', () => {
    // Library: person 1 near 0, person 2 near 0.3.
    const index = buildFaceIndex(line(0, 0.05, 0.3), 2);
    const personOf = Int32Array.from([1, 1, 2]);
    const queries = line(0.02, 0.02, 0.02);
    const r = nearestPeople(index, queries, {
      threshold: 0.5,
      personOf,
      k: 3,
      forbidden: Int32Array.from([0, 1]), // face 0: "not person 1"
      libraryGroupOf: Int32Array.from([10, 11, 12]),
      queryGroupOf: Int32Array.from([-1, 11, -1]), // face 1 is in the photo of a person-1 face
    });
    assert.deepEqual([...r.person], [2, 2, 1]);
  });

  it('two new faces of one photo never join the same person: the nearer keeps it', () => {
    const index = buildFaceIndex(line(0, 0.05, 0.6), 2);
    const personOf = Int32Array.from([1, 1, 2]);
    const r = nearestPeople(index, line(0.3, 0.01), {
      threshold: 0.5,
      personOf,
      k: 3,
      queryGroupOf: Int32Array.from([4, 4]),
      libraryGroupOf: Int32Array.from([-1, -1, -1]),
    });
    // Face 1 is nearer to person 1 and keeps it; face 0 falls back to person 2.
    assert.deepEqual([...r.person], [2, 1]);
  });

  it('ignores library faces that are in no person', () => {
    const index = buildFaceIndex(line(0, 0.05), 2);
    const r = nearestPeople(index, line(0.01), { threshold: 0.5, personOf: Int32Array.from([-1, 3]) });
    assert.deepEqual([...r.person], [3]);
    assert.equal(r.votes[0], 1);
  });
});
