// The addFace correction through the API on the small fixture library (no models needed: its faces come
// from a test embedder, so a drawn face there is stored without an embedding), plus the first page of
// the People list and the status's execution providers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseInput } from '../../../electron/shared/api.ts';
import { type ApiFixture, apiCaller, buildApiFixture } from './fixtures.ts';

let fx: ApiFixture;
before(async () => {
  fx = await buildApiFixture();
});
after(async () => {
  await fx.close();
});

const { call, fails } = apiCaller(() => fx);
const manualFaces = (photoId: number) =>
  fx.service.library.read.listFaces(photoId).filter((f) => f.source === 'manual');

describe('addFace', () => {
  test('malformed boxes and ids are rejected before anything runs', async () => {
    const photoId = fx.photoIds[3]!;
    const bad: unknown[] = [
      { photoId, box: { x: 1, y: 1, w: 0, h: 10 }, to: 'new' },
      { photoId, box: { x: 1, y: 1, w: -5, h: 10 }, to: 'new' },
      { photoId, box: { x: 1, y: 1, w: 10 }, to: 'new' },
      { photoId, box: { x: 1, y: 1, w: 10, h: 10, z: 1 }, to: 'new' },
      { photoId, box: { x: '1', y: 1, w: 10, h: 10 }, to: 'new' },
      { photoId, box: { x: 1e9, y: 1, w: 10, h: 10 }, to: 'new' },
      { photoId, box: { x: 1, y: 1, w: 10, h: 10 }, to: 'someone' },
      { photoId, box: { x: 1, y: 1, w: 10, h: 10 } },
      { photoId: -1, box: { x: 1, y: 1, w: 10, h: 10 }, to: 'new' },
      { photoId, box: null, to: 'new' },
    ];
    for (const input of bad) await fails('addFace', input, 'invalid-request');
    // Well formed but not on the photo (320 × 200), or too small once cut to it.
    await fails('addFace', { photoId, box: { x: 400, y: 10, w: 50, h: 50 }, to: 'new' }, 'invalid-request');
    await fails('addFace', { photoId, box: { x: 318, y: 10, w: 50, h: 50 }, to: 'new' }, 'invalid-request');
    await fails('addFace', { photoId, box: { x: 10, y: 10, w: 50, h: 50 }, to: 123_456 }, 'not-found');
    await fails('addFace', { photoId: 99_999, box: { x: 10, y: 10, w: 50, h: 50 }, to: 'new' }, 'not-found');
    assert.equal(manualFaces(photoId).length, 0);
    assert.throws(() =>
      parseInput('addFace', { photoId, box: { x: 0, y: 0, w: Number.NaN, h: 1 }, to: 'new' }),
    );
  });

  test('a drawn face becomes a confirmed face of the person; undo deletes it, redo restores it', async () => {
    const photoId = fx.photoIds[3]!; // photo 3 shows identity 0 only
    const target = fx.service.library.read.getAssignment(fx.faces[1]![0]!)!.personId;
    const before = (await call('getPerson', { personId: target })).person.faceCount;
    const r = await call('addFace', { photoId, box: { x: 200, y: 20, w: 140, h: 90 }, to: target });
    assert.equal(r.op, 'add-face');
    assert.deepEqual(r.personIds, [target]);
    const [face] = manualFaces(photoId);
    assert.ok(face);
    assert.deepEqual(face.box, { x: 200, y: 20, w: 120, h: 90 }, 'cut to the photo');
    assert.equal(face.embedderId, null, "no embedding: the face model is not the library's");
    const photo = await call('getPhoto', { photoId });
    const shown = photo.faces.find((f) => f.faceId === face.id);
    assert.equal(shown?.source, 'manual');
    assert.equal(shown?.personId, target);
    assert.equal(shown?.assignment, 'user');
    assert.equal((await call('getPerson', { personId: target })).person.faceCount, before + 1);
    const history = await call('history', {});
    assert.match(history.entries[0]!.summary, /Added a face by hand to #/);

    assert.equal((await call('undo', {})).result?.op, 'add-face');
    assert.equal(manualFaces(photoId).length, 0);
    assert.equal((await call('getPerson', { personId: target })).person.faceCount, before);
    assert.equal((await call('redo', {})).result?.op, 'add-face');
    assert.deepEqual(
      manualFaces(photoId).map((f) => f.id),
      [face.id],
    );
    assert.equal(fx.service.library.read.getAssignment(face.id)?.personId, target);
    await call('undo', {});
  });

  test('"new": the drawn face starts a person of its own, with it as cover', async () => {
    const photoId = fx.photoIds[5]!;
    const r = await call('addFace', { photoId, box: { x: 20, y: 20, w: 60, h: 60 }, to: 'new' });
    const created = r.personIds[0]!;
    const person = await call('getPerson', { personId: created });
    assert.equal(person.person.faceCount, 1);
    const [face] = manualFaces(photoId);
    assert.equal(person.person.coverFaceId, face!.id);
    await call('undo', {});
    await fails('getPerson', { personId: created }, 'not-found');
  });
});

test('listPeople: a first page (limit), the same order and totals as the whole list', async () => {
  const all = await call('listPeople', {});
  const first = await call('listPeople', { limit: 2 });
  assert.deepEqual(
    first.people.map((p) => p.id),
    all.people.slice(0, 2).map((p) => p.id),
  );
  assert.equal(first.total, all.total);
  await fails('listPeople', { limit: 0 }, 'invalid-request');
});

test('status names the execution providers (CPU last, always)', async () => {
  let providers: string[] = [];
  for (let i = 0; i < 200 && providers.length === 0; i++) {
    providers = (await call('getLibraryStatus', {})).providers;
    if (providers.length === 0) await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(providers.at(-1), 'cpu');
});
