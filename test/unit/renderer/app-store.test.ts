import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { LibraryService } from '../../../electron/core/service/library-service.ts';
import { createClient } from '../../../renderer/src/api/client.ts';
import { type AppStore, createAppStore, displayName } from '../../../renderer/src/store/app-store.ts';
import { type ApiFixture, buildApiFixture } from '../api/fixtures.ts';
import { inProcessTransport } from './helpers.ts';

let fx: ApiFixture;
let store: AppStore;
const s = () => store.getState();
const a = () => store.getState().actions;

beforeEach(async () => {
  fx = await buildApiFixture();
  store = createAppStore(createClient(inProcessTransport(fx.service)), { toastMs: 0 });
  await a().init();
});
afterEach(async () => {
  await fx.close();
});

const lastToast = () => s().toasts.at(-1);

describe('app store', () => {
  test('init loads status and people, largest first', () => {
    assert.equal(s().phase, 'ready');
    assert.equal(s().route.view, 'people');
    assert.equal(s().people.length, 3);
    assert.deepEqual(
      s().people.map((p) => p.faceCount),
      [4, 4, 3],
    );
    assert.equal(displayName(s().people[0]!), 'Unnamed');
  });

  test('a fresh library opens on the folder screen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kith-empty-'));
    const service = LibraryService.open({ libraryDir: dir, create: true });
    try {
      const empty = createAppStore(createClient(inProcessTransport(service)), { toastMs: 0 });
      await empty.getState().actions.init();
      assert.equal(empty.getState().route.view, 'library');
      assert.equal(await empty.getState().actions.addFolder(join(dir, 'missing')), false);
      assert.equal(empty.getState().toasts.at(-1)?.kind, 'error');
      assert.match(empty.getState().toasts.at(-1)!.message, /There is no folder/);
    } finally {
      await service.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('search and sort reload the grid', async () => {
    const id = s().people[2]!.id;
    await a().navigate({ view: 'person', personId: id });
    await a().renamePerson(id, 'Zoë');
    await a().navigate({ view: 'people' });
    await a().setQuery({ search: 'zoe' });
    assert.deepEqual(
      s().people.map((p) => p.id),
      [id],
    );
    await a().setQuery({ search: '', sort: 'name' });
    assert.equal(s().people[0]!.id, id, 'named people first when sorted by name');
  });

  test('person view: rename, select with shift-click, split, undo', async () => {
    const id = s().people[0]!.id;
    await a().navigate({ view: 'person', personId: id });
    assert.equal(s().person?.faces.length, 4);
    await a().renamePerson(id, '  Ann  ');
    assert.equal(s().person?.person.name, 'Ann');
    assert.equal(lastToast()?.message, 'Named “Ann”');
    assert.equal(lastToast()?.undo, true);
    assert.equal(s().people.find((p) => p.id === id)?.name, 'Ann', 'the grid is refreshed too');

    const faces = s().person!.faces.map((f) => f.faceId);
    a().selectFace(faces[1]!, 'single');
    a().selectFace(faces[2]!, 'range');
    assert.deepEqual(s().faceSelection.ids, [faces[1], faces[2]]);
    await a().splitSelectedFaces();
    assert.equal(s().person?.faces.length, 2);
    assert.deepEqual(s().faceSelection.ids, []);
    assert.equal(s().status?.people, 4);
    assert.equal(s().status?.canUndo, true);

    await a().undo();
    assert.equal(s().person?.faces.length, 4);
    assert.equal(s().status?.people, 3);
    assert.match(lastToast()!.message, /Undid the split/);
    await a().redo();
    assert.equal(s().person?.faces.length, 2);
  });

  test('"not this person" sends faces to Unassigned; assign them back from there', async () => {
    const id = s().people[0]!.id;
    await a().navigate({ view: 'person', personId: id });
    const face = s().person!.faces[0]!.faceId;
    a().selectFace(face, 'single');
    await a().rejectSelectedFaces();
    assert.equal(s().person?.faces.length, 3);
    assert.equal(s().status?.unassignedFaces, 1);
    await a().navigate({ view: 'unassigned' });
    assert.deepEqual(
      s().unassigned.map((f) => f.faceId),
      [face],
    );
    a().selectFace(face, 'single');
    await a().moveSelectedFaces(id);
    assert.equal(s().unassigned.length, 0);
    assert.match(lastToast()!.message, /Moved 1 face to/);
  });

  test('merging the selected people keeps the named one; a merged-away person view shows the target', async () => {
    const [p1, p2] = s().people;
    await a().navigate({ view: 'person', personId: p2!.id });
    await a().renamePerson(p2!.id, 'Bea');
    a().selectPerson(p1!.id, 'single');
    a().selectPerson(p2!.id, 'toggle');
    await a().navigate({ view: 'person', personId: p1!.id });
    await a().mergeSelectedPeople();
    assert.deepEqual(s().route, { view: 'person', personId: p2!.id }, 'p1 was merged into the named p2');
    assert.equal(s().person?.person.id, p2!.id);
    assert.equal(lastToast()?.message, 'Merged an unnamed person into Bea');
    assert.ok(
      s().history.back.every((r) => r.view !== 'person' || r.personId !== p1!.id),
      'the merged-away person is gone from the history',
    );
    assert.equal(s().people.length, 2);
    assert.equal(s().people.find((p) => p.id === p2!.id)?.faceCount, 8);
    assert.deepEqual(s().peopleSelection.ids, []);
  });

  test('hide, show hidden, cover; errors become error toasts', async () => {
    const id = s().people[0]!.id;
    await a().setHidden(id, true);
    assert.equal(s().people.length, 2);
    assert.equal(s().hiddenCount, 1);
    await a().setQuery({ includeHidden: true });
    assert.equal(s().people.length, 3);
    await a().setHidden(id, false);
    await a().navigate({ view: 'person', personId: id });
    const face = s().person!.faces[2]!.faceId;
    await a().setCover(id, face);
    assert.equal(s().person?.person.coverFaceId, face);
    const other = s().people.find((p) => p.id !== id)!;
    await a().setCover(other.id, face);
    assert.equal(lastToast()?.kind, 'error');
    assert.equal(s().busy, false);
  });

  test('scan progress events update the store and a finished scan refreshes it', async () => {
    await a().startScan();
    assert.equal(s().scan?.state, 'running');
    await a().pauseScan();
    assert.equal(s().scan?.state, 'paused');
    await a().resumeScan();
    fx.finishScan();
    const end = Date.now() + 5000;
    while (s().scan?.state !== 'done' && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    assert.equal(s().scan?.state, 'done');
    assert.equal(s().scan?.processed, 6);
  });

  test('photo viewer steps through a sequence', async () => {
    const id = s().people[0]!.id;
    await a().navigate({ view: 'person', personId: id });
    const seq = s().person!.photos.map((p) => p.photoId);
    await a().openPhoto(seq[0]!, seq);
    assert.equal(s().photo?.detail?.photo.photoId, seq[0]);
    assert.ok(s().photo?.detail?.faces.some((f) => f.personId === id));
    await a().stepPhoto(1);
    assert.equal(s().photo?.detail?.photo.photoId, seq[1]);
    await a().stepPhoto(-1);
    await a().stepPhoto(-1);
    assert.equal(s().photo?.photoId, seq[0], 'stays at the first photo');
    a().closePhoto();
    assert.equal(s().photo, null);
  });
});

describe('export and improve recognition dialogs', () => {
  test('open and close through the store; the client reaches the new methods', async () => {
    assert.equal(s().dialog, null);
    a().setDialog('export');
    assert.equal(s().dialog, 'export');
    a().setDialog('improve');
    assert.equal(s().dialog, 'improve');
    a().setDialog(null);
    assert.equal(s().dialog, null);

    const api = createClient(inProcessTransport(fx.service));
    const r = await api.exportLibrary({ format: 'csv', out: join(fx.root, 'csv') });
    assert.equal(r.format, 'csv');
    assert.equal(r.items, 11);
    const improved = await api.improveRecognition();
    assert.equal(improved.kept, false);
  });
});
