// The store's drag-select, review (yes / no) and Photos-filter actions, on the real service.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createClient } from '../../../renderer/src/api/client.ts';
import { type AppStore, createAppStore } from '../../../renderer/src/store/app-store.ts';
import { type ApiFixture, buildApiFixture, PHOTOS } from '../api/fixtures.ts';
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
  // Let refreshes that libraryChanged events started finish before the library closes.
  for (let i = 0; i < 3; i++) {
    await a().refresh();
    await new Promise((r) => setTimeout(r, 20));
  }
  await fx.close();
});

const personOf = (faceId: number) => fx.service.library.read.getAssignment(faceId)!.personId;
const setConfidence = (faceId: number, confidence: number) =>
  fx.service.library.db
    .prepare('UPDATE assignments SET confidence = ? WHERE face_id = ?')
    .run(confidence, faceId);

describe('app store: drag-select, review, photos by people', () => {
  test('a rubber band replaces the selection, or adds to where the drag started', async () => {
    const pA = personOf(fx.faces[0]![0]!);
    await a().navigate({ view: 'person', personId: pA });
    const order = s().person!.faces.map((f) => f.faceId);
    a().selectFace(order[3]!, 'single');
    a().bandSelectFaces([order[0]!], false, true);
    a().bandSelectFaces([order[0]!, order[1]!], false, false);
    assert.deepEqual(s().faceSelection.ids, [order[0], order[1]]);
    // Additive: the selection at the start of this drag stays; the band's faces join it.
    a().bandSelectFaces([order[2]!], true, true);
    a().bandSelectFaces([], true, false); // the band shrank back: only the base is left
    assert.deepEqual(s().faceSelection.ids, [order[0], order[1]]);
    a().bandSelectFaces([order[2]!], true, false);
    assert.deepEqual(s().faceSelection.ids, [order[0], order[1], order[2]]);
    // A band selection feeds the usual actions.
    await a().splitSelectedFaces();
    assert.equal(s().toasts.at(-1)?.message, 'Split 3 faces into a new person');
  });

  test('review: low-confidence faces lowest first; yes confirms, no rejects, both undoable', async () => {
    const [f0, f1, f2] = fx.faces[0]!;
    const pA = personOf(f0!);
    setConfidence(f1!, 0.3);
    setConfidence(f2!, 0.1);
    await a().navigate({ view: 'person', personId: pA });
    assert.deepEqual(
      s().suggestions.map((x) => x.faceId),
      [f2, f1],
    );
    a().startReview();
    assert.equal(s().review?.faces[s().review!.index]?.faceId, f2);
    await a().answerReview('yes');
    assert.equal(fx.service.library.read.getAssignment(f2!)?.source, 'user');
    assert.equal(s().review?.index, 1);
    await a().answerReview('no');
    assert.notEqual(fx.service.library.read.getAssignment(f1!)?.personId, pA);
    assert.equal(s().review, null, 'the review ends after the last face');
    assert.deepEqual(s().suggestions, []);
    assert.equal(s().toasts.at(-1)?.undo, true);
    await a().undo();
    assert.equal(personOf(f1!), pA);
    assert.deepEqual(
      s().suggestions.map((x) => x.faceId),
      [f1],
    );
    // Skip moves on without a correction; closing ends the review.
    a().startReview();
    await a().answerReview('skip');
    assert.equal(s().review, null);
    a().startReview();
    a().closeReview();
    assert.equal(s().review, null);
  });

  test('photos filtered by people: all of them; chips toggle; refresh on corrections', async () => {
    const pA = personOf(fx.faces[0]![0]!);
    const pB = personOf(fx.faces[1]![0]!);
    await a().navigate({ view: 'photos' });
    assert.equal(s().photosTotal, PHOTOS.length);
    await a().togglePhotoPerson(pA);
    assert.equal(s().photosTotal, PHOTOS.filter((ids) => ids.includes(0)).length);
    await a().togglePhotoPerson(pB);
    assert.equal(s().photosTotal, PHOTOS.filter((ids) => ids.includes(0) && ids.includes(1)).length);
    await a().togglePhotoPerson(pA);
    assert.deepEqual(s().photoFilter, [pB]);
    assert.equal(s().photosTotal, PHOTOS.filter((ids) => ids.includes(1)).length);
    // Merging A into B: B's photos now include A's.
    await a().mergePeople(pB, [pA]);
    assert.equal(s().photosTotal, PHOTOS.filter((ids) => ids.includes(0) || ids.includes(1)).length);
    await a().setPhotoFilter([]);
    assert.equal(s().photosTotal, PHOTOS.length);
  });
});
