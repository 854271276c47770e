import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { effectiveThreshold } from '../../../electron/core/scan-job.ts';
import type { ServiceEvent } from '../../../electron/core/service/library-service.ts';
import { isInside } from '../../../electron/core/service/media.ts';
import { methods } from '../../../electron/shared/api.ts';
import { PIPELINES } from '../../../ml/models/manifest.ts';
import { type ApiFixture, apiCaller, buildApiFixture, EMBEDDER } from './fixtures.ts';

let fx: ApiFixture;
before(async () => {
  fx = await buildApiFixture();
});
after(async () => {
  await fx.close();
});

const { call, fails } = apiCaller(() => fx);

const personOf = async (faceId: number) => fx.service.library.read.getAssignment(faceId)?.personId;

describe('library service', () => {
  test('status, people (sorted, searched, hidden), person, photo, unassigned', async () => {
    const status = await call('getLibraryStatus');
    assert.equal(status.people, 3);
    assert.deepEqual(status.folders, [fx.photosDir]);
    assert.equal(status.photos.analyzed, 6);
    assert.equal(status.canUndo, false);
    assert.equal(status.scan.state, 'idle');

    const { people, total, hidden } = await call('listPeople', {});
    assert.equal(total, 3);
    assert.equal(hidden, 0);
    assert.deepEqual(
      people.map((p) => p.faceCount),
      [4, 4, 3],
    );
    const p0 = (await personOf(fx.faces[0]![0]!))!;
    const person = await call('getPerson', { personId: p0 });
    assert.equal(person.faces.length, 4);
    assert.equal(person.photos.length, 4);
    // Photos by date: the fixture dates photo i on day 6 - i, so the last photo comes first.
    const dates = person.photos.map((p) => p.takenAt);
    assert.deepEqual(dates, [...dates].sort());
    assert.deepEqual(
      person.faces.map((f) => f.photoId),
      person.photos.map((p) => p.photoId),
    );

    const photo = await call('getPhoto', { photoId: fx.photoIds[4]! });
    assert.equal(photo.faces.length, 3);
    assert.ok(photo.faces.every((f) => f.personId !== null && f.assignment === 'auto'));
    assert.equal(photo.photo.fileName, 'photo-4.jpg');

    const un = await call('listUnassigned', {});
    assert.equal(un.total, 0);
    await fails('getPerson', { personId: 999 }, 'not-found');
    await fails('getPhoto', { photoId: 999 }, 'not-found');
  });

  test('corrections go through the core, emit libraryChanged, and undo/redo', async () => {
    const seen: ServiceEvent[] = [];
    const off = fx.service.on((e) => seen.push(e));
    const pA = (await personOf(fx.faces[0]![0]!))!;
    const pB = (await personOf(fx.faces[1]![0]!))!;

    const renamed = await call('renamePerson', { personId: pA, name: ' Ann ' });
    assert.equal(renamed.op, 'rename');
    assert.equal((await call('getPerson', { personId: pA })).person.name, 'Ann');
    assert.deepEqual(seen.at(-1), {
      name: 'libraryChanged',
      payload: { reason: 'correction', personIds: [pA] },
    });

    const named = await call('listPeople', { sort: 'name' });
    assert.equal(named.people[0]!.name, 'Ann');
    assert.deepEqual(
      (await call('listPeople', { search: 'ANN' })).people.map((p) => p.id),
      [pA],
    );
    assert.deepEqual((await call('listPeople', { search: 'zed' })).people, []);

    await call('setHidden', { personId: pB, hidden: true });
    assert.equal((await call('listPeople', {})).people.length, 2);
    const withHidden = await call('listPeople', { includeHidden: true });
    assert.equal(withHidden.people.length, 3);
    assert.equal(withHidden.hidden, 1);
    await call('undo');
    assert.equal((await call('listPeople', {})).people.length, 3);
    await call('redo');
    assert.equal((await call('listPeople', {})).hidden, 1);
    await call('undo');

    // Split one face off A, then "not this person" on another, then undo both.
    const split = await call('splitFaces', { faceIds: [fx.faces[0]![3]!] });
    assert.equal(split.op, 'split');
    assert.equal((await call('getLibraryStatus')).people, 4);
    await call('rejectFaces', { faceIds: [fx.faces[0]![2]!] });
    assert.equal((await call('listUnassigned', {})).total, 1);
    const history = await call('history', { limit: 10 });
    assert.equal(history.entries[0]!.op, 'reject');
    assert.ok(
      history.entries.every((e) => !e.undone),
      'a new correction discarded the redo stack',
    );
    await call('undo');
    await call('undo');
    assert.equal((await call('getLibraryStatus')).people, 3);
    assert.equal((await call('listUnassigned', {})).total, 0);

    // Merge B into A; A keeps its name; B is gone.
    const merged = await call('mergePeople', { targetId: pA, sourceIds: [pB] });
    assert.deepEqual(merged.personIds.sort(), [pA, pB].sort());
    await fails('getPerson', { personId: pB }, 'not-found');
    assert.equal((await call('getPerson', { personId: pA })).faces.length, 8);
    await call('undo');
    assert.equal((await call('getPerson', { personId: pB })).faces.length, 4);

    // Refused corrections are 'conflict' / 'not-found', and change nothing.
    await fails('mergePeople', { targetId: pA, sourceIds: [pA] }, 'conflict');
    await fails('renamePerson', { personId: 4242, name: 'x' }, 'not-found');
    await fails('setCover', { personId: pA, faceId: fx.faces[1]![0]! }, 'conflict');
    await fails('moveFaces', { faceIds: [1], to: 'elsewhere' }, 'invalid-request');
    await fails('noSuchMethod', {}, 'unknown-method');
    await fails('chooseFolders', {}, 'unsupported');
    off();
  });

  test('scans run in the background with progress events, pause/resume and cancel', async () => {
    const progress: string[] = [];
    const off = fx.service.on((e) => {
      if (e.name === 'scanProgress') progress.push(e.payload.state);
    });
    const started = await call('startScan');
    assert.equal(started.state, 'running');
    assert.deepEqual(started.roots, [fx.photosDir]);
    await fails('startScan', {}, 'conflict');
    assert.equal((await call('pauseScan')).state, 'paused');
    assert.equal((await call('resumeScan')).state, 'running');
    fx.finishScan();
    await waitFor(async () => (await call('getScanStatus')).state === 'done');
    assert.ok(progress.includes('grouping'), progress.join());
    assert.equal(progress.at(-1), 'done');
    // A second scan, cancelled.
    await call('startScan');
    await call('cancelScan');
    await waitFor(async () => (await call('getScanStatus')).state === 'cancelled');
    assert.equal(fx.scans.length, 2);
    off();
  });

  test('folders: must exist, nested ones are merged, removal', async () => {
    await fails('addFolder', { path: join(fx.root, 'nope') }, 'invalid-request');
    const inner = join(fx.photosDir, 'inner');
    await mkdir(inner, { recursive: true });
    assert.deepEqual((await call('addFolder', { path: inner })).folders, [fx.photosDir]);
    const other = join(fx.root, 'other');
    await mkdir(other);
    assert.deepEqual((await call('addFolder', { path: other })).folders, [other, fx.photosDir].sort());
    assert.deepEqual((await call('removeFolder', { path: other })).folders, [fx.photosDir]);
    await fails('removeFolder', { path: other }, 'not-found');
  });

  test('settings round-trip and reach the scan job', async () => {
    assert.deepEqual(await call('getSettings'), { threshold: null, pipeline: 'auto' });
    assert.deepEqual(await call('setSettings', { threshold: 0.5 }), { threshold: 0.5, pipeline: 'auto' });
    // The scan job reads the same per-embedder setting that `kith recluster --threshold` writes.
    assert.equal(effectiveThreshold(fx.service.library, EMBEDDER, 1.4), 0.5);
    await call('startScan');
    await call('cancelScan');
    await waitFor(async () => (await call('getScanStatus')).state === 'cancelled');
    await call('setSettings', { threshold: null });
  });

  test('face models: every pipeline listed with whether it runs here; unknown or missing ones refused', async () => {
    const choices = await call('listPipelines');
    assert.deepEqual(
      choices.pipelines.map((p) => p.id),
      PIPELINES.map((p) => p.id),
    );
    // The npm-installed pipeline always runs; 'auto' is the first that does, in order of preference.
    assert.equal(choices.pipelines.find((p) => p.id === 'faceplugin')?.unavailable, null);
    assert.equal(choices.auto, choices.pipelines.find((p) => p.unavailable === null)?.id);
    for (const p of choices.pipelines) {
      if (p.unavailable !== null) assert.match(p.unavailable, /models folder|missing|sha256/);
    }
    await fails('setSettings', { pipeline: 'nonsense' }, 'invalid-request');
    const missing = choices.pipelines.find((p) => p.unavailable !== null);
    if (missing) await fails('setSettings', { pipeline: missing.id }, 'conflict');
    assert.equal((await call('getSettings')).pipeline, 'auto', 'refused choices are not saved');
    assert.equal((await call('setSettings', { pipeline: 'faceplugin' })).pipeline, 'faceplugin');
    assert.equal((await call('setSettings', { pipeline: 'auto' })).pipeline, 'auto');
  });

  test('media: face thumbnails and photos by id, confined to the library folders', async () => {
    const face = await fx.service.media.face(fx.faces[0]![0]!, 96);
    assert.equal(face.contentType, 'image/webp');
    assert.ok(face.body.length > 50);
    const again = await fx.service.media.face(fx.faces[0]![0]!, 96);
    assert.equal(again.body, face.body, 'served from the memory cache');
    const photo = await fx.service.media.photo(fx.photoIds[0]!, 480);
    assert.equal(photo.contentType, 'image/jpeg');
    await assert.rejects(fx.service.media.face(987654, 96), { code: 'not-found' });

    // A photo row outside every folder (e.g. a folder removed since) is never served.
    const outside = join(fx.root, 'elsewhere.jpg');
    await writeFile(outside, face.body);
    const id = fx.service.library.write.upsertPhoto({
      path: outside,
      size: 1,
      mtimeMs: 1,
      contentHash: null,
    });
    await assert.rejects(fx.service.media.photo(id, 480), { code: 'not-found' });
    // …nor one whose path climbs out with '..'.
    const id2 = fx.service.library.write.upsertPhoto({
      path: `${fx.photosDir}/../elsewhere.jpg`,
      size: 1,
      mtimeMs: 1,
      contentHash: null,
    });
    await assert.rejects(fx.service.media.photo(id2, 480), { code: 'not-found' });
  });

  test('isInside', () => {
    assert.equal(isInside('/a/b', '/a/b/c.jpg'), true);
    assert.equal(isInside('/a/b', '/a/b'), true);
    assert.equal(isInside('/a/b', '/a/bc/d.jpg'), false);
    assert.equal(isInside('/a/b', '/a/b/../c.jpg'), false);
  });

  test('every output schema accepts what the service returns (checked above by validateOutput)', () => {
    assert.ok(Object.keys(methods).length > 0);
  });
});

async function waitFor(cond: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
