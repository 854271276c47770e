// One correction, one reload of what it changed (issue 15, item 12), and the store's answers to a
// merge, a split and the back/forward keys (items 7, 11), on the real service through the client.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createClient } from '../../../renderer/src/api/client.ts';
import { type AppStore, createAppStore, mergeMessage } from '../../../renderer/src/store/app-store.ts';
import { type ApiFixture, buildApiFixture } from '../api/fixtures.ts';
import { inProcessTransport } from './helpers.ts';

let fx: ApiFixture;
let store: AppStore;
let calls: string[];
const s = () => store.getState();
const a = () => store.getState().actions;

beforeEach(async () => {
  fx = await buildApiFixture();
  const transport = inProcessTransport(fx.service);
  calls = transport.calls;
  store = createAppStore(createClient(transport), { toastMs: 0 });
  await a().init();
});
afterEach(async () => {
  await fx.close();
});

/** The requests `run` sends, after letting any event-driven reload start and finish. */
async function requestsOf(run: () => Promise<void>): Promise<string[]> {
  const from = calls.length;
  await run();
  await new Promise((r) => setTimeout(r, 50));
  return calls.slice(from);
}

describe('a correction reloads what it changed, once', () => {
  test('rename in the person view: the call, the People list and that person', async () => {
    const id = s().people[0]!.id;
    await a().navigate({ view: 'person', personId: id });
    const sent = await requestsOf(() => a().renamePerson(id, 'Ann'));
    assert.deepEqual([...sent].sort(), ['getPerson', 'listPeople', 'listSuggestions', 'renamePerson']);
    assert.equal(s().person?.person.name, 'Ann');
    assert.equal(s().people.find((p) => p.id === id)?.name, 'Ann');
  });

  test('"not this person": counts change, so the status is read once too', async () => {
    const id = s().people[0]!.id;
    await a().navigate({ view: 'person', personId: id });
    a().selectFace(s().person!.faces[0]!.faceId, 'single');
    const sent = await requestsOf(() => a().rejectSelectedFaces());
    assert.deepEqual([...sent].sort(), [
      'getLibraryStatus',
      'getPerson',
      'listPeople',
      'listSuggestions',
      'rejectFaces',
    ]);
    assert.equal(s().status?.unassignedFaces, 1);
  });

  test('undo reloads once; a change the store did not make (another client) is reloaded', async () => {
    const id = s().people[0]!.id;
    await a().renamePerson(id, 'Ann');
    const sent = await requestsOf(() => a().undo());
    assert.deepEqual([...sent].sort(), ['getLibraryStatus', 'listPeople', 'undo']);
    assert.equal(s().people.find((p) => p.id === id)?.name, null);

    const other = await requestsOf(async () => {
      await fx.service.handlers.renamePerson({ personId: id, name: 'Cy' });
    });
    assert.deepEqual([...other].sort(), ['getLibraryStatus', 'listPeople']);
    assert.equal(s().people.find((p) => p.id === id)?.name, 'Cy');
  });
});

describe('merge, split and history', () => {
  test('merging the person shown into another opens that one and names both', async () => {
    const [p1, p2] = s().people;
    await a().renamePerson(p1!.id, 'Kit');
    await a().renamePerson(p2!.id, 'Rose');
    await a().navigate({ view: 'person', personId: p2!.id });
    const sent = await requestsOf(() => a().mergePeople(p1!.id, [p2!.id]));
    assert.deepEqual(s().route, { view: 'person', personId: p1!.id });
    assert.equal(s().person?.person.id, p1!.id);
    assert.equal(s().toasts.at(-1)?.message, 'Merged Rose into Kit');
    assert.equal(
      s().toasts.some((t) => t.kind === 'error'),
      false,
      'no not-found on the way',
    );
    assert.equal(sent.filter((m) => m === 'getPerson').length, 1, 'only the target is read');
  });

  test('the split toast opens the new person', async () => {
    const id = s().people[0]!.id;
    await a().navigate({ view: 'person', personId: id });
    const face = s().person!.faces[0]!.faceId;
    a().selectFace(face, 'single');
    await a().splitSelectedFaces();
    const t = s().toasts.at(-1)!;
    assert.match(t.message, /Split 1 face into a new person/);
    assert.ok(t.openPersonId !== undefined && t.openPersonId !== id);
    await a().navigate({ view: 'person', personId: t.openPersonId });
    assert.deepEqual(
      s().person?.faces.map((f) => f.faceId),
      [face],
    );
  });

  test('back and forward step through the views', async () => {
    const id = s().people[0]!.id;
    assert.equal(await a().goHistory(-1), false, 'nothing behind the first view');
    await a().navigate({ view: 'person', personId: id });
    await a().navigate({ view: 'unassigned' });
    assert.equal(await a().goHistory(-1), true);
    assert.deepEqual(s().route, { view: 'person', personId: id });
    assert.equal(s().person?.person.id, id, 'the person is loaded again');
    await a().goHistory(-1);
    assert.deepEqual(s().route, { view: 'people' });
    await a().goHistory(1);
    assert.deepEqual(s().route, { view: 'person', personId: id });
    await a().navigate({ view: 'photos' });
    assert.equal(await a().goHistory(1), false, 'a new view forgets what was ahead');
  });

  test('merge messages', () => {
    assert.equal(mergeMessage(['Rose'], 'Kit'), 'Merged Rose into Kit');
    assert.equal(mergeMessage([null], 'Kit'), 'Merged an unnamed person into Kit');
    assert.equal(mergeMessage(['Rose'], null), 'Merged Rose into an unnamed person');
    assert.equal(mergeMessage([null, 'Rose'], 'Kit'), 'Merged 2 people into Kit');
    assert.equal(mergeMessage([null], null), 'Merged 2 people into one');
  });
});
