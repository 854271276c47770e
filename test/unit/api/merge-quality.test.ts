// Issue 15 items 6, 8, 9 and 13 through the API: merge candidates ranked by likeness, suggested merges
// with "different people", dismissing a junk person, the grouping's quality on the user's confirmations,
// cancelling "Improve recognition", and no review question about a face assigned at no confidence.
// The numeric rules are pure functions, checked against hand-computed values first.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pairwiseAgreement } from '../../../electron/core/service/grouping-quality.ts';
import {
  likeness,
  type PersonVector,
  rankCandidates,
  suggestPairs,
} from '../../../electron/core/service/merge-suggestions.ts';
import { type ApiFixture, apiCaller, buildApiFixture, THRESHOLD } from './fixtures.ts';

const v = (...xs: number[]) => Float32Array.from(xs);

describe('pure rules', () => {
  test('likeness: 1 on top, 0.5 at the threshold, 0 at twice the threshold', () => {
    assert.equal(likeness(0, 0.8), 1);
    assert.equal(likeness(0.8, 0.8), 0.5);
    assert.equal(likeness(0.4, 0.8), 0.75);
    assert.equal(likeness(2, 0.8), 0);
  });

  test('candidates: most alike first, named first within a 10% step, no embedding last', () => {
    // Squared distances from the target (0,0) at threshold 0.5 (likeness 1 − d): p1 0.25 → 0.75,
    // p2 0.04 → 0.96, p3 (named) 1.0 → 0, p4 0.81 → 0.19, p5 none, p6 (named) 0.29 → 0.71.
    const people: PersonVector[] = [
      { id: 1, name: null, faceCount: 3, centroid: v(0.5, 0) },
      { id: 2, name: null, faceCount: 1, centroid: v(0, 0.2) },
      { id: 3, name: 'Sergio', faceCount: 2, centroid: v(1, 0) },
      { id: 4, name: null, faceCount: 9, centroid: v(0.9, 0) },
      { id: 5, name: 'Kofi', faceCount: 4, centroid: null },
      { id: 6, name: 'Ama', faceCount: 1, centroid: v(0, Math.sqrt(0.29)) },
    ];
    const ranked = rankCandidates(v(0, 0), people, 0.5);
    assert.deepEqual(
      ranked.map((r) => r.personId),
      [2, 6, 1, 4, 3, 5],
    );
    assert.deepEqual(
      ranked.map((r) => (r.similarity === null ? null : Math.round(r.similarity * 1000) / 1000)),
      [0.96, 0.71, 0.75, 0.19, 0, null],
    );
  });

  test('suggested pairs: within the threshold, most alike first, never a pair kept apart', () => {
    const people: PersonVector[] = [
      { id: 1, name: null, faceCount: 1, centroid: v(0, 0) },
      { id: 2, name: null, faceCount: 1, centroid: v(0.3, 0) }, // 0.09 from 1
      { id: 3, name: null, faceCount: 1, centroid: v(0, 0.6) }, // 0.36 from 1, 0.45 from 2
      { id: 4, name: null, faceCount: 1, centroid: v(5, 5) },
    ];
    const all = suggestPairs(people, 0.5, () => false, 10);
    assert.deepEqual(
      all.map((p) => [p.a, p.b]),
      [
        [1, 2],
        [1, 3],
        [2, 3],
      ],
    );
    assert.ok(Math.abs(all[0]!.similarity - 0.91) < 1e-6);
    const apart = suggestPairs(people, 0.5, (a, b) => a === 1 && b === 2, 1);
    assert.deepEqual(
      apart.map((p) => [p.a, p.b]),
      [[1, 3]],
    );
  });

  test('pairwise agreement over confirmed faces', () => {
    // Truth {0,1,2}{3,4}; grouping {0,1}{2,3,4}: together (0,1),(3,4) of 4 claimed and 4 true pairs.
    const r = pairwiseAgreement(Int32Array.from([7, 7, 7, 9, 9]), Int32Array.from([0, 0, 1, 1, 1]));
    assert.deepEqual(r, { precision: 0.5, recall: 0.5 });
    // Faces left alone (−1) are in no pair: nothing claimed is precision 1, recall 0 of 1 true pair.
    assert.deepEqual(pairwiseAgreement(Int32Array.from([1, 1]), Int32Array.from([-1, -1])), {
      precision: 1,
      recall: 0,
    });
  });
});

let fx: ApiFixture;
before(async () => {
  fx = await buildApiFixture();
  await fx.service.handlers.setSettings({ threshold: THRESHOLD });
});
after(async () => {
  await fx.close();
});
const { call } = apiCaller(() => fx);
const personOf = (faceId: number) => fx.service.library.read.getAssignment(faceId)?.personId;

describe('through the API', () => {
  test('merge candidates and suggested merges; "different people" is remembered and undoable', async () => {
    const pA = personOf(fx.faces[0]![0]!)!;
    const pB = personOf(fx.faces[1]![0]!)!;
    const pC = personOf(fx.faces[2]![0]!)!;
    await call('renamePerson', { personId: pC, name: 'Sergio' });
    // Two of identity 0's faces moved out to a new person: the same person twice.
    const moved = await call('moveFaces', { faceIds: fx.faces[0]!.slice(0, 2), to: 'new' });
    const pA2 = moved.personIds[0]!;
    const { candidates } = await call('listMergeCandidates', { personId: pA });
    assert.deepEqual(
      candidates.map((c) => c.personId),
      [pA2, pC, pB],
      'the look-alike first, then the named person',
    );
    assert.ok(candidates[0]!.similarity! > 0.9);
    const { pairs } = await call('listMergeSuggestions', {});
    assert.deepEqual(
      pairs.map((p) => [p.a.id, p.b.id].sort()),
      [[pA, pA2].sort()],
    );
    await call('keepApart', { personIds: [pA, pA2] });
    assert.deepEqual((await call('listMergeSuggestions', {})).pairs, []);
    await call('undo');
    assert.equal((await call('listMergeSuggestions', {})).pairs.length, 1);
    await call('mergePeople', { targetId: pA, sourceIds: [pA2] });
    assert.deepEqual((await call('listMergeSuggestions', {})).pairs, []);
    await call('undo');
    await call('undo');
    await call('undo');
  });

  test('grouping quality: null with nothing confirmed, then pairwise P/R over confirmed faces', async () => {
    assert.equal(await call('getGroupingQuality'), null);
    const [a, b] = [fx.faces[0]!, fx.faces[1]!];
    const pA = personOf(a[0]!)!;
    const pB = personOf(b[0]!)!;
    await call('confirmFaces', { faceIds: a, personId: pA });
    await call('confirmFaces', { faceIds: b, personId: pB });
    const clean = (await call('getGroupingQuality'))!;
    assert.equal(clean.faces, 8);
    assert.equal(clean.people, 2);
    assert.deepEqual([clean.current.precision, clean.current.recall], [1, 1]);
    assert.ok(clean.stricter.threshold < clean.threshold && clean.looser.threshold > clean.threshold);
    // One of A's faces moved to B by the user: grouping puts it with A. Truth A 3, B 5; grouping A 4, B 4:
    // together C(3,2) + C(4,2) = 9 of C(4,2) + C(4,2) = 12 claimed and C(3,2) + C(5,2) = 13 true pairs.
    await call('moveFaces', { faceIds: [a[0]!], to: pB });
    const q = (await call('getGroupingQuality'))!;
    assert.equal(q.current.precision, 9 / 12);
    assert.equal(q.current.recall, 9 / 13);
    for (let i = 0; i < 3; i++) await call('undo');
  });

  test('dismissing a junk person takes its faces off Unassigned too; undo restores', async () => {
    const pC = personOf(fx.faces[2]![0]!)!;
    const before = await call('getLibraryStatus');
    await call('dismissPerson', { personId: pC });
    const after = await call('getLibraryStatus');
    assert.equal(after.people, before.people - 1);
    assert.equal(after.unassignedFaces, before.unassignedFaces, 'dismissed faces are not unassigned');
    const { faces } = await call('listUnassigned', {});
    assert.ok(faces.every((f) => !fx.faces[2]!.includes(f.faceId)));
    await call('undo');
    assert.equal(personOf(fx.faces[2]![0]!), pC);
  });

  test('the review never asks about a face assigned at no confidence', async () => {
    const [a0, a1] = fx.faces[0]!;
    const set = fx.service.library.db.prepare('UPDATE assignments SET confidence = ? WHERE face_id = ?');
    set.run(0, a0);
    set.run(0.004, a1);
    const { faces } = await call('listSuggestions', { maxConfidence: 0.5 });
    assert.deepEqual(faces, []);
    set.run(1, a0);
    set.run(1, a1);
  });

  test('Improve recognition can be cancelled while it trains, changing nothing', async () => {
    const [a, b] = [fx.faces[0]!, fx.faces[1]!];
    await call('confirmFaces', { faceIds: a, personId: personOf(a[0]!)! });
    await call('confirmFaces', { faceIds: b, personId: personOf(b[0]!)! });
    const running = call('improveRecognition');
    const cancel = await call('cancelImproveRecognition');
    assert.equal(cancel.cancelled, true);
    const r = await running;
    assert.equal(r.cancelled, true);
    assert.equal(r.kept, false);
    assert.equal(fx.service.library.read.getSetting('adapter.api-test-embedder') ?? null, null);
    assert.deepEqual(await call('cancelImproveRecognition'), { cancelled: false }, 'nothing to cancel');
    await call('undo');
    await call('undo');
  });
});
