// IPC fuzzing: thousands of seeded, malformed payloads — wrong types, missing fields, huge strings
// and arrays, prototype-pollution keys, NaN/Infinity, deep nesting, unknown methods and raw broken
// JSON — sent through the three ways into the library service:
//   1. the Electron chain without Electron: the preload's window.kith → a structured-clone IPC hop →
//      the main process's ipcMain handlers (sender check + validation) → a structured-clone hop →
//      dispatch in the service (what the utility process runs);
//   2. dispatch directly (the second line of defence, as the utility process receives messages);
//   3. the HTTP bridge, over real sockets.
// Every one must get a clear error envelope (right code, a message naming the method, the issues),
// the service must stay up and answer valid calls afterwards, no prototype is polluted, and the
// library (people, faces, photos, history, settings) is exactly as before.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { type Bridge, startBridge } from '../../dev/bridge.ts';
import { dispatch } from '../../electron/core/service/dispatch.ts';
import {
  type Envelope,
  ERROR_CODES,
  hostMethods,
  type MethodName,
  methodNames,
  methods,
} from '../../electron/shared/api.ts';
import { registerIpc } from '../../electron/shell/ipc.ts';
import { createKithPreload } from '../../electron/shell/preload-core.ts';
import { APP_ORIGIN } from '../../electron/shell/security.ts';
import { mulberry32 } from '../../ml/util/prng.ts';
import { type ApiFixture, buildApiFixture } from '../unit/api/fixtures.ts';

const SEED = 0x6b697468; // "kith"
const CASES_PER_METHOD = Number(process.env.KITH_FUZZ_CASES ?? 24);

// ── seeded generation ──────────────────────────────────────────────────────────────────────────

/** A valid input per method (all fields given), the base that mutations break. */
const VALID: Partial<Record<MethodName, Record<string, unknown>>> = {
  addFolder: { path: '/tmp/photos' },
  removeFolder: { path: '/tmp/photos' },
  setSettings: { threshold: 0.5, pipeline: 'auto' },
  listSkipped: { offset: 0, limit: 10 },
  listPeople: { sort: 'size', search: '', includeHidden: false },
  getPerson: { personId: 1 },
  listUnassigned: { offset: 0, limit: 10 },
  listSuggestions: { personId: 1, maxConfidence: 0.5, limit: 10 },
  listPhotos: { personIds: [1], offset: 0, limit: 10 },
  getPhoto: { photoId: 1 },
  renamePerson: { personId: 1, name: 'Ann' },
  mergePeople: { targetId: 1, sourceIds: [2] },
  moveFaces: { faceIds: [1], to: 'new' },
  splitFaces: { faceIds: [1] },
  rejectFaces: { faceIds: [1] },
  confirmFaces: { faceIds: [1], personId: 1 },
  setHidden: { personId: 1, hidden: true },
  setCover: { personId: 1, faceId: 1 },
  history: { limit: 10 },
  exportLibrary: {
    format: 'json',
    out: '/tmp/out',
    namedOnly: false,
    link: 'hard',
    sidecar: 'photo.jpg.xmp',
  },
};

function nest(depth: number, asObject: boolean): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
  return v;
}

/** An object whose own (not inherited) key is `__proto__`, as JSON.parse and structured clone make. */
const protoKeyed = () =>
  JSON.parse('{"__proto__":{"polluted":true},"personId":1}') as Record<string, unknown>;

function generator(seed: number) {
  const rand = mulberry32(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const hugeString = () => 'x'.repeat(100_000 + int(200_000));
  const randomString = () =>
    Array.from({ length: 1 + int(20) }, () => String.fromCharCode(int(0xffff))).join('');
  const badValues = (): unknown[] => [
    null,
    true,
    false,
    '',
    ' ',
    '1',
    '\u0000',
    '\ud800',
    '<img src=x onerror=alert(1)>',
    '../../../../etc/passwd',
    randomString(),
    0,
    -1,
    -0,
    1.5,
    2 ** 31,
    2 ** 53,
    1e308,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    [],
    [null],
    [1.5],
    ['1'],
    [Number.NaN],
    {},
    { a: 1 },
    hugeString(),
    Array.from({ length: 100_001 }, (_, i) => i + 1),
    nest(200 + int(800), false),
    nest(200 + int(800), true),
    protoKeyed(),
    { constructor: { prototype: { polluted: true } } },
  ];
  const roots = (): unknown[] => [
    null,
    0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    'x',
    true,
    [],
    [{}],
    hugeString(),
    nest(500, false),
  ];
  const extraKeys = [
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'then',
    'x'.repeat(1000),
  ];

  /** One malformed payload for `method` (may, rarely, be valid: the caller filters). */
  return (method: MethodName): { kind: string; payload: unknown } => {
    const base = structuredClone(VALID[method] ?? {});
    const keys = Object.keys(base);
    switch (int(5)) {
      case 0:
        return { kind: 'root', payload: pick(roots()) };
      case 1: {
        if (keys.length === 0) break;
        const key = pick(keys);
        base[key] = pick(badValues());
        return { kind: 'wrong-type', payload: base };
      }
      case 2: {
        if (keys.length === 0) break;
        delete base[pick(keys)];
        return { kind: 'missing', payload: base };
      }
      case 3: {
        if (keys.length === 0) break;
        base[pick(keys)] = nest(100 + int(900), rand() < 0.5);
        return { kind: 'deep', payload: base };
      }
    }
    const key = rand() < 0.7 ? pick(extraKeys) : randomString();
    Object.defineProperty(base, key, {
      value: pick(badValues()),
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return { kind: 'extra-key', payload: base };
  };
}

const UNKNOWN_METHODS = [
  '',
  'dropTables',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'GETPERSON',
  'getPerson ',
  '../getPerson',
  'getPerson/../getPerson',
  'kith:event',
  'events',
  'a'.repeat(5000),
  'getPerson\u0000',
];

/** Counts of cases per path, for the report. */
const sent = { ipc: 0, dispatch: 0, http: 0 };

function assertClearError(r: Envelope<unknown>, code: string, method: string, label: string): void {
  assert.equal(r.ok, false, `${label}: should be refused`);
  if (r.ok) return;
  assert.ok((ERROR_CODES as readonly string[]).includes(r.error.code), label);
  assert.equal(r.error.code, code, `${label}: ${r.error.message.slice(0, 300)}`);
  assert.ok(r.error.message.length > 0 && r.error.message.length < 20_000, `${label}: message size`);
  if (code === 'invalid-request') {
    assert.ok(
      r.error.message.startsWith(`${method}: invalid request: `),
      `${label}: ${r.error.message.slice(0, 200)}`,
    );
    assert.ok(Array.isArray(r.error.issues) && r.error.issues.length > 0, `${label}: issues`);
    assert.ok(r.error.issues.length <= 1000, `${label}: bounded issues`);
    for (const i of r.error.issues) assert.ok(typeof i.path === 'string' && typeof i.message === 'string');
  }
}

// ── the library and the three ways in ─────────────────────────────────────────────────────────

let fx: ApiFixture;
let bridge: Bridge;
const prototypeKeys = () => ({
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
  fn: Object.getOwnPropertyNames(Function.prototype).sort(),
});
const protoBefore = prototypeKeys();

before(async () => {
  fx = await buildApiFixture();
  bridge = await startBridge({ service: fx.service, onError: () => {} });
});
after(async () => {
  await bridge?.close();
  await fx?.close();
});

async function call(method: MethodName, input: unknown): Promise<unknown> {
  const r = await dispatch(fx.service.handlers, method, input, { validateOutput: true });
  assert.ok(r.ok, `${method}: ${r.ok ? '' : r.error.message}`);
  return r.value;
}

/** Everything a user could see of the library. */
async function snapshot() {
  const people = (await call('listPeople', { includeHidden: true })) as { people: Array<{ id: number }> };
  const persons = [];
  for (const p of people.people) persons.push(await call('getPerson', { personId: p.id }));
  return {
    status: await call('getLibraryStatus', {}),
    people,
    persons,
    unassigned: await call('listUnassigned', { limit: 100_000 }),
    photos: await call('listPhotos', { limit: 100_000 }),
    history: await call('history', { limit: 1000 }),
    settings: await call('getSettings', {}),
    skipped: await call('listSkipped', {}),
  };
}

/** The Electron chain with fakes for Electron's own transport (structured clone, like IPC). */
function electronChain() {
  const trustedContents = { id: 1 } as unknown as WebContents;
  const event = {
    sender: trustedContents,
    senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null },
  } as unknown as IpcMainInvokeEvent;
  const handlers = new Map<string, (e: IpcMainInvokeEvent, input: unknown) => Promise<Envelope<unknown>>>();
  let hostCalls = 0;
  registerIpc(
    { handle: (channel: string, fn: unknown) => void handlers.set(channel, fn as never) },
    {
      // ServiceHost → utility process: a postMessage (structured clone), then dispatch.
      call: (method, input) => dispatch(fx.service.handlers, method, structuredClone(input)),
    },
    {
      chooseFolders: async () => {
        hostCalls++;
        return { paths: [] };
      },
    },
    () => trustedContents,
  );
  const kith = createKithPreload({
    invoke: async (channel: string, input: unknown) => {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`Error invoking remote method '${channel}': No handler registered`);
      return handler(event, structuredClone(input));
    },
    on: () => kith as never,
    removeListener: () => kith as never,
  } as never);
  return { kith, hostCalls: () => hostCalls };
}

async function httpCall(
  method: string,
  body: string,
): Promise<{ status: number; envelope: Envelope<unknown> }> {
  const res = await fetch(`${bridge.origin}/api/${encodeURIComponent(method)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, envelope: (await res.json()) as Envelope<unknown> };
}

const isValid = (method: MethodName, payload: unknown) =>
  methods[method].input.safeParse(payload === undefined ? {} : payload).success;

/** JSON as the bridge would receive it, or null when it cannot be sent as JSON (cycles, depth). */
function asJson(payload: unknown): string | null {
  try {
    return JSON.stringify(payload) ?? null;
  } catch {
    return null;
  }
}

describe('IPC fuzz', () => {
  let before_: Awaited<ReturnType<typeof snapshot>>;
  const HOST = new Set<string>(hostMethods);

  test('the library before', async () => {
    before_ = await snapshot();
    assert.ok((before_.people.people as unknown[]).length >= 3, 'a real library with people');
  });

  test('malformed payloads for every method get invalid-request, on every path', async () => {
    const next = generator(SEED);
    const chain = electronChain();
    const kinds = new Map<string, number>();
    let skippedValid = 0;
    for (const method of methodNames) {
      for (let i = 0; i < CASES_PER_METHOD; i++) {
        const { kind, payload } = next(method);
        if (isValid(method, payload)) {
          skippedValid++;
          continue;
        }
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        const label = `${method} #${i} (${kind})`;

        // 1. The Electron chain: preload → main (validated there, host methods included).
        const viaIpc = await chain.kith.invoke(method, payload);
        sent.ipc++;
        assertClearError(viaIpc, 'invalid-request', method, `ipc ${label}`);

        // 2. Dispatch directly: host methods are not the service's.
        const direct = await dispatch(fx.service.handlers, method, payload, { validateOutput: true });
        sent.dispatch++;
        assertClearError(
          direct,
          HOST.has(method) ? 'unsupported' : 'invalid-request',
          method,
          `dispatch ${label}`,
        );

        // 3. The bridge, when the payload survives JSON and is still malformed after it.
        const body = asJson(payload);
        if (body !== null && !isValid(method, JSON.parse(body))) {
          const r = await httpCall(method, body);
          sent.http++;
          if (body.length > 1024 * 1024) {
            assert.equal(r.status, 400, label);
            assert.match(r.envelope.ok ? '' : r.envelope.error.message, /too large/);
          } else if (HOST.has(method)) {
            assert.equal(r.status, 501, label);
          } else {
            assert.equal(r.status, 400, label);
            assertClearError(r.envelope, 'invalid-request', method, `http ${label}`);
          }
        }
      }
    }
    assert.equal(chain.hostCalls(), 0, 'the folder dialog never opened');
    for (const k of ['root', 'wrong-type', 'missing', 'deep', 'extra-key'])
      assert.ok((kinds.get(k) ?? 0) > 20, k);
    assert.ok(
      skippedValid < methodNames.length * CASES_PER_METHOD * 0.2,
      `mostly malformed (${skippedValid} valid)`,
    );
  });

  test('unknown methods are unknown-method, on every path', async () => {
    const chain = electronChain();
    const names: unknown[] = [...UNKNOWN_METHODS, 42, null, undefined, {}, ['getPerson'], Symbol.iterator];
    for (const name of names) {
      const label = `method ${String(name).slice(0, 40)}`;
      const viaIpc = await chain.kith.invoke(name as never, {});
      sent.ipc++;
      assertClearError(viaIpc, 'unknown-method', '', `ipc ${label}`);
      const direct = await dispatch(fx.service.handlers, name, { personId: 1 });
      sent.dispatch++;
      assertClearError(direct, 'unknown-method', '', `dispatch ${label}`);
      if (typeof name === 'string' && name.length < 2000) {
        const r = await httpCall(name, '{}');
        sent.http++;
        assert.ok(r.status === 404, `${label}: ${r.status}`);
        assert.equal(r.envelope.ok, false);
      }
    }
  });

  test('raw bodies that are not JSON, or too big, are 400s with a clear error', async () => {
    const raw = [
      '{"personId":',
      '{"personId": NaN}',
      '{"personId": Infinity}',
      "{'personId': 1}",
      '{"personId":1,}',
      '\uFEFF{"personId":1}',
      '\u0000',
      'undefined',
      '{"personId":1}{"personId":2}',
      `{"personId":${'9'.repeat(400)}}`,
      `${'['.repeat(400_000)}${']'.repeat(400_000)}`,
      `{"search":"${'x'.repeat(2 * 1024 * 1024)}"}`,
      '[]',
      'null',
      '"getPerson"',
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
    ];
    for (const method of ['getPerson', 'listPeople', 'renamePerson', 'undo']) {
      for (const body of raw) {
        const r = await httpCall(method, body);
        sent.http++;
        assert.equal(r.status, 400, `${method} ${body.slice(0, 40)}`);
        assert.equal(r.envelope.ok, false);
        if (!r.envelope.ok) assert.equal(r.envelope.error.code, 'invalid-request');
      }
    }
  });

  test('nothing is polluted, the service is alive, and the library is unchanged', async () => {
    assert.deepEqual(prototypeKeys(), protoBefore);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.prototype.toString.call([]), '[object Array]');
    assert.deepEqual(await snapshot(), before_);

    // Valid calls still work on every path, including a correction (and its undo).
    const chain = electronChain();
    const status = await chain.kith.invoke('getLibraryStatus', {});
    assert.equal(status.ok, true);
    const http = await httpCall('listPeople', '{}');
    assert.equal(http.status, 200);
    const person = (before_.people.people as Array<{ id: number }>)[0]!.id;
    const renamed = await chain.kith.invoke('renamePerson', { personId: person, name: 'After the storm' });
    assert.equal(renamed.ok, true);
    const got = (await call('getPerson', { personId: person })) as { person: { name: string } };
    assert.equal(got.person.name, 'After the storm');
    assert.equal((await httpCall('undo', '{}')).status, 200);
    console.log(
      `ipc-fuzz: ${sent.ipc + sent.dispatch + sent.http} malformed calls (ipc ${sent.ipc}, dispatch ${sent.dispatch}, http ${sent.http}), seed ${SEED.toString(16)}`,
    );
  });
});
