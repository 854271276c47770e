import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Bridge, startBridge } from '../../../dev/bridge.ts';
import {
  ApiError,
  type Envelope,
  type EventName,
  eventNames,
  type MethodName,
} from '../../../electron/shared/api.ts';
import type { KithPreload } from '../../../electron/shared/preload-api.ts';
import {
  createClient,
  EVENT_NAMES,
  httpTransport,
  ipcTransport,
  type Transport,
} from '../../../renderer/src/api/client.ts';
import { type ApiFixture, buildApiFixture } from '../api/fixtures.ts';
import { fetchEventSource } from '../api/sse.ts';

function fakeTransport(answer: (method: MethodName, input: unknown) => Envelope<unknown>) {
  const calls: Array<[MethodName, unknown]> = [];
  let emit: (name: EventName, payload: unknown) => void = () => {};
  const t: Transport = {
    platform: 'web',
    invoke: async (method, input) => {
      calls.push([method, input]);
      return answer(method, input);
    },
    subscribe: (listener) => {
      emit = listener;
      return () => {
        emit = () => {};
      };
    },
    mediaUrl: (p) => `/m/${p}`,
  };
  return { t, calls, emit: (name: EventName, payload: unknown) => emit(name, payload) };
}

/** Resolves once `cond` holds; rejects after `ms`. */
async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('API client', () => {
  test('is not a thenable (so it can be returned from async functions)', () => {
    const f = fakeTransport(() => ({ ok: true, value: null }));
    assert.equal((createClient(f.t) as unknown as { then?: unknown }).then, undefined);
  });

  test('has every method, sends the input, returns the value, throws ApiError for errors', async () => {
    const f = fakeTransport((method) =>
      method === 'getPerson'
        ? { ok: false, error: { code: 'not-found', message: 'There is no person #9.' } }
        : { ok: true, value: { method } },
    );
    const api = createClient(f.t);
    assert.deepEqual(await api.listPeople({ sort: 'name' }), { method: 'listPeople' });
    await api.undo();
    assert.deepEqual(f.calls, [
      ['listPeople', { sort: 'name' }],
      ['undo', {}],
    ]);
    await assert.rejects(api.getPerson({ personId: 9 }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, 'not-found');
      assert.equal(err.message, 'There is no person #9.');
      return true;
    });
  });

  test('the event stream listens for every event of the contract', () => {
    assert.deepEqual([...EVENT_NAMES].sort(), [...eventNames].sort());
  });

  test('events are filtered by name and checked against the contract, in order', async () => {
    const f = fakeTransport(() => ({ ok: true, value: null }));
    const api = createClient(f.t);
    const got: unknown[] = [];
    const off = api.on('libraryChanged', (p) => got.push(p));
    f.emit('libraryChanged', { reason: 'correction', personIds: [1] });
    f.emit('scanProgress', { state: 'running' });
    f.emit('libraryChanged', { reason: 'mystery', personIds: 'all' }); // off-contract: dropped
    await waitFor(() => got.length >= 1); // the schemas load lazily
    await new Promise((r) => setTimeout(r, 20)); // and the off-contract event is dropped, not late
    off();
    f.emit('libraryChanged', { reason: 'scan', personIds: [] });
    assert.deepEqual(got, [{ reason: 'correction', personIds: [1] }]);
    const ordered: number[] = [];
    api.on('libraryChanged', (p) => ordered.push(p.personIds[0]!));
    for (let i = 1; i <= 5; i++) f.emit('libraryChanged', { reason: 'correction', personIds: [i] });
    await waitFor(() => ordered.length >= 5);
    assert.deepEqual(ordered, [1, 2, 3, 4, 5]);
  });

  test('media URLs: kith-media:// in Electron, token-carrying bridge URLs in a browser', () => {
    const preload: KithPreload = {
      platform: 'electron',
      invoke: async () => ({ ok: true, value: null }),
      subscribe: () => () => {},
    };
    const electron = createClient(ipcTransport(preload));
    assert.equal(electron.platform, 'electron');
    assert.equal(electron.faceUrl(12), 'kith-media://face/12?s=160');
    assert.equal(electron.photoUrl(3, 'thumb'), 'kith-media://photo/3?size=thumb');
    const web = createClient(
      httpTransport({
        origin: 'http://127.0.0.1:1',
        token: 'a b',
        fetch: async () => ({ status: 0, json: async () => null }),
      }),
    );
    assert.equal(web.faceUrl(12, 96), 'http://127.0.0.1:1/media/face/12?s=96&token=a%20b');
  });

  test('an unreachable bridge or a non-envelope answer is an ApiError, not a crash', async () => {
    const down = createClient(
      httpTransport({
        origin: 'http://127.0.0.1:1',
        token: 't',
        fetch: async () => {
          throw new TypeError('fetch failed');
        },
      }),
    );
    await assert.rejects(down.getLibraryStatus(), { name: 'ApiError', code: 'internal' });
    const odd = createClient(
      httpTransport({
        origin: '',
        token: 't',
        fetch: async () => ({ status: 502, json: async () => ({ hello: 1 }) }),
      }),
    );
    await assert.rejects(odd.getLibraryStatus(), /Unexpected answer \(HTTP 502\)/);
  });
});

describe('API client over the real bridge', () => {
  let fx: ApiFixture;
  let bridge: Bridge;
  before(async () => {
    fx = await buildApiFixture();
    bridge = await startBridge({ service: fx.service, validateOutput: true, onError: () => {} });
  });
  after(async () => {
    await bridge.close();
    await fx.close();
  });

  test('typed calls, validation errors and events end to end', async () => {
    const api = createClient(
      httpTransport({ origin: bridge.origin, token: bridge.token, fetch, eventSource: fetchEventSource }),
    );
    const status = await api.getLibraryStatus();
    assert.equal(status.people, 3);
    const { people } = await api.listPeople({ sort: 'size' });
    const first = people[0]!;
    const events: unknown[] = [];
    api.on('libraryChanged', (p) => events.push(p));
    // The stream connects in the background: rename until its event arrives (a loaded machine may
    // take a while), so the test never depends on a fixed delay.
    const deadline = Date.now() + 10_000;
    while (events.length === 0 && Date.now() < deadline) {
      const result = await api.renamePerson({ personId: first.id, name: 'Ada' });
      assert.equal(result.op, 'rename');
      await waitFor(() => events.length > 0, 200).catch(() => undefined);
    }
    assert.deepEqual(events[0], { reason: 'correction', personIds: [first.id] });
    assert.equal((await api.getPerson({ personId: first.id })).person.name, 'Ada');
    // A call the types would not allow still gets a clean 400 from the bridge.
    const untyped = api as unknown as { getPerson(input: unknown): Promise<unknown> };
    await assert.rejects(untyped.getPerson({ personId: 'one' }), { code: 'invalid-request' });
    const wrongToken = createClient(httpTransport({ origin: bridge.origin, token: 'nope', fetch }));
    await assert.rejects(wrongToken.getLibraryStatus(), { code: 'unauthorized' });
  });
});
