// listSuggestions (review low-confidence faces) and listPhotos (photos with all of some people):
// results through dispatch against the contract, and the query plans (indexes, no table scans).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { READ_SQL } from '../../../electron/core/store/reader.ts';
import { type ApiFixture, apiCaller, buildApiFixture, PHOTOS } from './fixtures.ts';

let fx: ApiFixture;
before(async () => {
  fx = await buildApiFixture();
});
after(async () => {
  await fx.close();
});

const { call, fails } = apiCaller(() => fx);

const personOf = (faceId: number) => fx.service.library.read.getAssignment(faceId)!.personId;

/** Sets a face's assignment confidence as a k-NN join would (1 − distance / threshold). */
function setConfidence(faceId: number, confidence: number | null) {
  fx.service.library.db
    .prepare('UPDATE assignments SET confidence = ? WHERE face_id = ?')
    .run(confidence, faceId);
}

function plan(sql: string, ...params: unknown[]): string {
  const rows = fx.service.library.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{
    detail: string;
  }>;
  return rows.map((r) => r.detail).join('\n');
}

describe('review suggestions', () => {
  test('low-confidence auto faces, lowest first, per person or everyone; confirm/reject remove them', async () => {
    const [a0, a1, a2] = fx.faces[0]!;
    const [b0] = fx.faces[1]!;
    const pA = personOf(a0!);
    const pB = personOf(b0!);
    setConfidence(a0!, 0.9);
    setConfidence(a1!, 0.2);
    setConfidence(a2!, 0.05);
    setConfidence(b0!, 0.1);

    const mine = await call('listSuggestions', { personId: pA, maxConfidence: 0.5 });
    assert.deepEqual(
      mine.faces.map((f) => [f.faceId, f.confidence]),
      [
        [a2, 0.05],
        [a1, 0.2],
      ],
    );
    assert.ok(mine.faces.every((f) => f.personId === pA && f.box.w > 0));
    const all = await call('listSuggestions', { maxConfidence: 0.5 });
    assert.deepEqual(
      all.faces.map((f) => f.faceId),
      [a2, b0, a1],
    );
    assert.equal((await call('listSuggestions', { maxConfidence: 0.5, limit: 1 })).faces.length, 1);

    // Hidden people are left out of everyone's review.
    await call('setHidden', { personId: pB, hidden: true });
    assert.deepEqual(
      (await call('listSuggestions', { maxConfidence: 0.5 })).faces.map((f) => f.faceId),
      [a2, a1],
    );
    await call('undo');

    // Yes → confirmFaces (a user assignment: no longer a suggestion); no → rejectFaces.
    await call('confirmFaces', { faceIds: [a2], personId: pA });
    await call('rejectFaces', { faceIds: [a1] });
    assert.deepEqual(
      (await call('listSuggestions', { personId: pA, maxConfidence: 0.5 })).faces.map((f) => f.faceId),
      [],
    );
    assert.notEqual(fx.service.library.read.getAssignment(a1!)?.personId ?? null, pA);
    await call('undo');
    await call('undo');
    // Undone: the clustering's assignments (and so the suggestions) come back.
    assert.equal(personOf(a1!), pA);
  });

  test('invalid requests are refused', async () => {
    await fails('listSuggestions', { maxConfidence: 2 }, 'invalid-request');
    await fails('listSuggestions', { limit: 0 }, 'invalid-request');
    await fails('listSuggestions', { personId: -1 }, 'invalid-request');
    await fails('listSuggestions', { extra: 1 }, 'invalid-request');
  });

  test('query plans read the partial indexes (no full scan of assignments, no sort)', () => {
    const one = plan(READ_SQL.suggestionsOfPerson, { personId: 1, max: 0.5, limit: 50 });
    assert.match(one, /assignments_auto_by_person_confidence/);
    assert.doesNotMatch(one, /TEMP B-TREE/);
    const every = plan(READ_SQL.suggestions, { max: 0.5, limit: 50 });
    assert.match(every, /assignments_auto_by_confidence/);
    assert.doesNotMatch(every, /TEMP B-TREE/);
    const photos = plan(READ_SQL.photosWithAll, { ids: '[1,2]', n: 2, limit: 10, offset: 0 });
    assert.match(photos, /assignments_by_person/);
  });
});

describe('photos by people', () => {
  /** Photo indexes (in the fixture) showing all of the given identities. */
  const expected = (identities: number[]) =>
    PHOTOS.flatMap((ids, i) => (identities.every((x) => ids.includes(x)) ? [fx.photoIds[i]!] : []));

  test('photos with all of the chosen people, by date; paged; empty = every photo', async () => {
    const pA = personOf(fx.faces[0]![0]!);
    const pB = personOf(fx.faces[1]![0]!);
    const pC = personOf(fx.faces[2]![0]!);
    const byDate = (ids: number[]) => [...ids].reverse(); // the fixture dates photo i on day 6 - i

    const a = await call('listPhotos', { personIds: [pA] });
    assert.equal(a.total, expected([0]).length);
    assert.deepEqual(
      a.photos.map((p) => p.photoId),
      byDate(expected([0])),
    );
    const ab = await call('listPhotos', { personIds: [pA, pB] });
    assert.deepEqual(
      ab.photos.map((p) => p.photoId),
      byDate(expected([0, 1])),
    );
    // The same person twice counts once.
    assert.equal((await call('listPhotos', { personIds: [pA, pB, pA] })).total, ab.total);
    const abc = await call('listPhotos', { personIds: [pA, pB, pC] });
    assert.deepEqual(
      abc.photos.map((p) => p.photoId),
      expected([0, 1, 2]),
    );
    assert.equal(abc.photos[0]?.fileName, 'photo-4.jpg');

    const page = await call('listPhotos', { personIds: [pA], limit: 1, offset: 1 });
    assert.equal(page.total, a.total);
    assert.deepEqual(
      page.photos.map((p) => p.photoId),
      [a.photos[1]!.photoId],
    );
    const every = await call('listPhotos', {});
    assert.equal(every.total, PHOTOS.length);
    assert.equal((await call('listPhotos', { personIds: [999] })).total, 0);
  });

  test('invalid requests are refused', async () => {
    await fails('listPhotos', { personIds: [0] }, 'invalid-request');
    await fails('listPhotos', { personIds: Array.from({ length: 21 }, (_, i) => i + 1) }, 'invalid-request');
    await fails('listPhotos', { personIds: 'x' }, 'invalid-request');
    await fails('listPhotos', { limit: 0 }, 'invalid-request');
  });
});
