// The Electron shell's security checklist, asserted in plain Node without the Electron binary: the
// window's webPreferences, navigation / new-window / webview blocking, the IPC sender check and
// payload validation, the CSP, permission denial, both protocols' confinement, the preload's surface,
// and that nothing is ever handed to shell.openExternal. Each piece is the code main.ts wires up
// (Electron's classes are passed in, so fakes stand in for them here).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type {
  BrowserWindowConstructorOptions,
  CustomScheme,
  IpcMainInvokeEvent,
  WebContents,
} from 'electron';
import { methodNames, type ServiceMethod } from '../../../electron/shared/api.ts';
import { ApiError, type Envelope } from '../../../electron/shared/api-core.ts';
import { channelOf, EVENT_CHANNEL } from '../../../electron/shared/preload-api.ts';
import {
  type HostHandlers,
  type ipcHandler,
  registerIpc,
  type ServiceCaller,
} from '../../../electron/shell/ipc.ts';
import { stayOffline } from '../../../electron/shell/offline.ts';
import { createKithPreload } from '../../../electron/shell/preload-core.ts';
import {
  APP_SCHEME,
  appProtocolHandler,
  mediaProtocolHandler,
  registerSchemes,
} from '../../../electron/shell/protocols.ts';
import {
  APP_CSP,
  APP_ORIGIN,
  denyPermissionCheck,
  denyPermissionRequest,
  isAppUrl,
  isTrustedSender,
  lockDown,
  withCsp,
} from '../../../electron/shell/security.ts';
import { createMainWindow } from '../../../electron/shell/window.ts';
import { bundlePreload } from '../../../scripts/preload-bundle.ts';
import { repoRoot } from '../../helpers/shared.ts';

// ── fakes ───────────────────────────────────────────────────────────────────────────────────────

class FakeWindow {
  static last: FakeWindow | null = null;
  readonly options: BrowserWindowConstructorOptions;
  loaded: string[] = [];
  shown = 0;
  readonly once_: Array<[string, () => void]> = [];
  constructor(options: BrowserWindowConstructorOptions) {
    this.options = options;
    FakeWindow.last = this;
  }
  once(event: string, fn: () => void): this {
    this.once_.push([event, fn]);
    return this;
  }
  show(): void {
    this.shown++;
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
}

const webContents = (id: number) => ({ id }) as unknown as WebContents;

function invokeEvent(
  sender: WebContents,
  frame: { url: string; parent: unknown } | null,
): Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'> {
  return { sender, senderFrame: frame } as unknown as Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;
}

/** Records what lockDown attaches to a WebContents. */
function fakeContents() {
  const listeners = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
  let openHandler: ((d: { url: string }) => { action: string }) | null = null;
  const contents = {
    on(event: string, fn: (event: { preventDefault(): void }, url?: string) => void) {
      listeners.set(event, fn);
      return contents;
    },
    setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
      openHandler = fn;
    },
  };
  lockDown(contents as unknown as Pick<WebContents, 'on' | 'setWindowOpenHandler'>);
  const fire = (event: string, url?: string): boolean => {
    let prevented = false;
    const fn = listeners.get(event);
    assert.ok(fn, `a ${event} listener`);
    fn({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return { fire, open: (url: string) => openHandler?.({ url }) ?? null };
}

const HOSTILE_URLS = [
  'https://example.com/',
  'http://127.0.0.1:8080/',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'kith-media://face/1',
  'kith-app://evil/index.html',
  'kith-app://app.evil.com/index.html',
  'kith-app://user:pw@app/index.html',
  'about:blank',
  'not a url',
  '',
];

// ── the window ──────────────────────────────────────────────────────────────────────────────────

describe('the app window', () => {
  test('is created with contextIsolation, the sandbox and no Node, and loads only the app', () => {
    const w = createMainWindow(FakeWindow, {
      preload: '/x/preload.cjs',
      icon: '/x/icon.png',
      devTools: false,
    });
    assert.equal(w, FakeWindow.last);
    const prefs = w.options.webPreferences;
    assert.ok(prefs);
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInWorker, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.experimentalFeatures, false);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.navigateOnDragDrop, false);
    assert.match(prefs.disableBlinkFeatures ?? '', /\bAuxclick\b/);
    assert.equal(prefs.enableBlinkFeatures, undefined);
    assert.equal(prefs.preload, '/x/preload.cjs');
    assert.equal(prefs.devTools, false);
    assert.equal(w.options.show, false, 'shown only once ready');
    assert.deepEqual(w.loaded, [`${APP_ORIGIN}/index.html`]);
    assert.ok(w.loaded.every(isAppUrl), 'no remote content');
    const ready = w.once_.find(([e]) => e === 'ready-to-show');
    assert.ok(ready);
    ready[1]();
    assert.equal(w.shown, 1);
  });

  test('DevTools follow the setup (development only)', () => {
    const w = createMainWindow(FakeWindow, { preload: 'p', icon: 'i', devTools: true });
    assert.equal(w.options.webPreferences?.devTools, true);
  });
});

// ── navigation, windows, permissions, CSP ───────────────────────────────────────────────────────

describe('navigation and new windows', () => {
  test('only kith-app://app pages count as the app', () => {
    assert.equal(isAppUrl(`${APP_ORIGIN}/index.html`), true);
    assert.equal(isAppUrl(`${APP_ORIGIN}/people/3?x=1#top`), true);
    for (const url of HOSTILE_URLS) assert.equal(isAppUrl(url), false, url);
  });

  test('navigation and redirects away from the app are prevented; within it allowed', () => {
    const c = fakeContents();
    for (const event of ['will-navigate', 'will-redirect']) {
      assert.equal(c.fire(event, `${APP_ORIGIN}/index.html`), false, event);
      for (const url of HOSTILE_URLS) assert.equal(c.fire(event, url), true, `${event} ${url}`);
    }
  });

  test('webviews are never attached and every new window is denied', () => {
    const c = fakeContents();
    assert.equal(c.fire('will-attach-webview'), true);
    for (const url of [...HOSTILE_URLS, `${APP_ORIGIN}/index.html`, 'https://github.com/']) {
      assert.deepEqual(c.open(url), { action: 'deny' }, url);
    }
  });

  test('no permission is granted', () => {
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      let granted: boolean | null = null;
      denyPermissionRequest(null, permission, (g) => {
        granted = g;
      });
      assert.equal(granted, false, permission);
    }
    assert.equal(denyPermissionCheck(), false);
  });

  test('the CSP is strict and replaces whatever a response carried', () => {
    const directives = new Map(
      APP_CSP.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values] as const;
      }),
    );
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('connect-src'), ["'self'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.deepEqual(directives.get('base-uri'), ["'none'"]);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    assert.ok(directives.get('img-src')?.includes('kith-media:'));
    assert.doesNotMatch(APP_CSP, /unsafe-|\*|https?:/);
    const headers = withCsp({
      'content-security-policy': ["default-src *; script-src 'unsafe-inline'"],
      'Content-Type': ['text/html'],
    });
    assert.deepEqual(headers, { 'Content-Type': ['text/html'], 'Content-Security-Policy': [APP_CSP] });
    assert.deepEqual(withCsp(undefined), { 'Content-Security-Policy': [APP_CSP] });
  });
});

// ── IPC ─────────────────────────────────────────────────────────────────────────────────────────

describe('IPC: sender check and validation', () => {
  const trustedContents = webContents(1);
  const trusted = () => trustedContents;
  const topFrame = { url: `${APP_ORIGIN}/index.html`, parent: null };

  test('only the app page, in its top frame, is a trusted sender', () => {
    assert.equal(isTrustedSender(invokeEvent(trustedContents, topFrame), trusted), true);
    assert.equal(
      isTrustedSender(invokeEvent(webContents(2), topFrame), trusted),
      false,
      'another WebContents',
    );
    assert.equal(
      isTrustedSender(invokeEvent(trustedContents, { url: `${APP_ORIGIN}/x`, parent: {} }), trusted),
      false,
      'a subframe',
    );
    for (const url of HOSTILE_URLS) {
      assert.equal(isTrustedSender(invokeEvent(trustedContents, { url, parent: null }), trusted), false, url);
    }
    assert.equal(isTrustedSender(invokeEvent(trustedContents, null), trusted), false, 'no frame');
    assert.equal(
      isTrustedSender(invokeEvent(trustedContents, topFrame), () => null),
      false,
      'no window',
    );
  });

  function harness() {
    const calls: Array<{ method: ServiceMethod; input: unknown }> = [];
    const hostCalls: unknown[] = [];
    const service: ServiceCaller = {
      async call(method, input) {
        calls.push({ method, input });
        if (method === 'getPerson') throw new Error('disk on fire');
        return { ok: true, value: { method } };
      },
    };
    const host: HostHandlers = {
      chooseFolders: async (sender, input) => {
        hostCalls.push({ sender, input });
        return { paths: [] };
      },
    };
    const handlers = new Map<string, ReturnType<typeof ipcHandler>>();
    registerIpc(
      {
        handle: (channel: string, fn: (...args: never[]) => unknown) => {
          assert.ok(!handlers.has(channel), `one handler per channel: ${channel}`);
          handlers.set(channel, fn as unknown as ReturnType<typeof ipcHandler>);
        },
      },
      service,
      host,
      trusted,
    );
    const invoke = (method: string, input: unknown, event = invokeEvent(trustedContents, topFrame)) => {
      const h = handlers.get(channelOf(method as never));
      assert.ok(h, `a handler for ${method}`);
      return h(event, input) as Promise<Envelope<unknown>>;
    };
    return { calls, hostCalls, handlers, invoke };
  }

  test('one handler per method of the contract, on its own channel', () => {
    const { handlers } = harness();
    assert.deepEqual([...handlers.keys()].sort(), methodNames.map((m) => channelOf(m)).sort());
    assert.ok(!handlers.has(EVENT_CHANNEL));
  });

  test('untrusted senders are refused before anything runs', async () => {
    const { calls, hostCalls, invoke } = harness();
    for (const event of [
      invokeEvent(webContents(9), topFrame),
      invokeEvent(trustedContents, { url: 'https://example.com/', parent: null }),
      invokeEvent(trustedContents, { url: `${APP_ORIGIN}/`, parent: {} }),
    ]) {
      for (const method of ['getLibraryStatus', 'renamePerson', 'chooseFolders']) {
        const r = await invoke(method, {}, event);
        assert.equal(r.ok, false);
        if (!r.ok) assert.equal(r.error.code, 'unauthorized');
      }
    }
    assert.equal(calls.length, 0);
    assert.equal(hostCalls.length, 0);
  });

  test('malformed payloads are invalid-request errors and never reach the service', async () => {
    const { calls, invoke } = harness();
    const bad: Array<[string, unknown]> = [
      ['getPerson', { personId: '1' }],
      ['getPerson', null],
      ['renamePerson', { personId: 1, name: 'x'.repeat(201) }],
      ['mergePeople', { targetId: 1, sourceIds: [Number.NaN] }],
      ['moveFaces', { faceIds: [Number.POSITIVE_INFINITY], to: 'new' }],
      ['addFolder', { path: 'x'.repeat(5000) }],
      ['startScan', JSON.parse('{"__proto__":{"polluted":true}}')],
      ['chooseFolders', { constructor: { prototype: { polluted: true } } }],
    ];
    for (const [method, input] of bad) {
      const r = await invoke(method, input);
      assert.equal(r.ok, false, method);
      if (!r.ok) assert.equal(r.error.code, 'invalid-request', `${method}: ${r.error.message}`);
    }
    assert.equal(calls.length, 0);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('valid payloads reach the service parsed (defaults applied); errors become envelopes', async () => {
    const { calls, hostCalls, invoke } = harness();
    assert.deepEqual(await invoke('listPeople', {}), { ok: true, value: { method: 'listPeople' } });
    assert.deepEqual(calls, [
      { method: 'listPeople', input: { sort: 'size', search: '', includeHidden: false } },
    ]);
    const r = await invoke('getPerson', { personId: 3 });
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual(r.error, { code: 'internal', message: 'disk on fire' });
    assert.deepEqual(await invoke('chooseFolders', undefined), { ok: true, value: { paths: [] } });
    assert.deepEqual(hostCalls, [{ sender: trustedContents, input: {} }]);
  });
});

// ── the preload ─────────────────────────────────────────────────────────────────────────────────

describe('the preload', () => {
  test('forwards contract-shaped method names only; a missing handler is unknown-method', async () => {
    const invoked: Array<[string, unknown]> = [];
    const kith = createKithPreload({
      invoke: async (channel: string, input: unknown) => {
        invoked.push([channel, input]);
        if (channel !== channelOf('getLibraryStatus'))
          throw new Error(`No handler registered for '${channel}'`);
        return { ok: true, value: 1 };
      },
      on: () => kith as never,
      removeListener: () => kith as never,
    } as never);
    assert.equal(kith.platform, 'electron');
    assert.deepEqual(await kith.invoke('getLibraryStatus', {}), { ok: true, value: 1 });
    for (const name of ['', '../x', 'kith:event', '__proto__', 'a'.repeat(60), 'get Person', 42, null]) {
      const r = await kith.invoke(name as never, {});
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.code, 'unknown-method', String(name));
    }
    const r = await kith.invoke('dropTables' as never, {});
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'unknown-method');
    assert.deepEqual(
      invoked.map(([c]) => c),
      [channelOf('getLibraryStatus'), 'kith:dropTables'],
      'malformed names never reach IPC',
    );
  });

  test('events come on the one event channel, and unsubscribe removes the listener', () => {
    const on = new Map<string, unknown>();
    const kith = createKithPreload({
      invoke: async () => ({}),
      on: (channel: string, fn: unknown) => {
        on.set(channel, fn);
        return kith as never;
      },
      removeListener: (channel: string, fn: unknown) => {
        if (on.get(channel) === fn) on.delete(channel);
        return kith as never;
      },
    } as never);
    const got: unknown[] = [];
    const off = kith.subscribe((name, payload) => got.push([name, payload]));
    assert.deepEqual([...on.keys()], [EVENT_CHANNEL]);
    (on.get(EVENT_CHANNEL) as (e: unknown, n: string, p: unknown) => void)({ sender: 'x' }, 'menu', {
      command: 'scan',
    });
    assert.deepEqual(got, [['menu', { command: 'scan' }]], 'the IPC event object does not reach the page');
    off();
    assert.equal(on.size, 0);
  });

  test('the bundled preload requires nothing but electron (a sandboxed preload cannot)', async () => {
    const code = await bundlePreload();
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(required)], ['electron']);
    assert.match(code, /exposeInMainWorld\("kith"/);
    assert.doesNotMatch(code, /exposeInMainWorld\("(?!kith")/);
  });
});

// ── protocols ───────────────────────────────────────────────────────────────────────────────────

describe('kith-app:// and kith-media://', () => {
  let root = '';
  let rendererDir = '';
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'kith-shell-'));
    rendererDir = join(root, 'renderer');
    await mkdir(join(rendererDir, 'assets'), { recursive: true });
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Kith</title>');
    await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(root, 'secret.txt'), 'secret');
    await writeFile(join(root, 'renderer-evil.txt'), 'secret');
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('schemes are standard and secure, and none bypasses the CSP', () => {
    const schemes: CustomScheme[] = [];
    registerSchemes({ registerSchemesAsPrivileged: (s) => schemes.push(...s) });
    assert.deepEqual(
      schemes.map((s) => s.scheme),
      [APP_SCHEME, 'kith-media'],
    );
    for (const s of schemes) {
      assert.equal(s.privileges?.secure, true);
      assert.equal(s.privileges?.bypassCSP, undefined, `${s.scheme} bypassCSP`);
      assert.equal(s.privileges?.corsEnabled, undefined, `${s.scheme} corsEnabled`);
      assert.equal(s.privileges?.allowServiceWorkers, undefined, `${s.scheme} allowServiceWorkers`);
    }
  });

  test('the app scheme serves the renderer with the CSP, and nothing outside it', async () => {
    const handle = appProtocolHandler(rendererDir);
    const index = await handle(new Request(`${APP_ORIGIN}/index.html`));
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('content-security-policy'), APP_CSP);
    assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
    const root_ = await handle(new Request(`${APP_ORIGIN}/`));
    assert.equal(root_.status, 200);
    assert.equal((await handle(new Request(`${APP_ORIGIN}/assets/app.js`))).status, 200);
    for (const url of [
      `${APP_ORIGIN}/../secret.txt`,
      `${APP_ORIGIN}/%2e%2e/secret.txt`,
      `${APP_ORIGIN}/..%2fsecret.txt`,
      `${APP_ORIGIN}/assets/..%2f..%2fsecret.txt`,
      `${APP_ORIGIN}/..%2f..%2f..%2f..%2fetc%2fpasswd`,
      `${APP_ORIGIN}/%2fetc%2fpasswd`,
      `${APP_ORIGIN}/..%2frenderer-evil.txt`,
      `${APP_ORIGIN}/index.html%00.js`,
      `${APP_ORIGIN}/%E0%A4%A`,
      `${APP_SCHEME}://evil/index.html`,
      `${APP_ORIGIN}/missing.js`,
    ]) {
      const res = await handle(new Request(url));
      assert.equal(res.status, 404, url);
      assert.doesNotMatch(await res.text(), /secret|root:/, url);
    }
  });

  test('the media scheme serves by id only: bad addresses never reach the service', async () => {
    const asked: unknown[] = [];
    const handle = mediaProtocolHandler(async (request) => {
      asked.push(request);
      if (request.id === 404) throw new ApiError('not-found', 'gone');
      if (request.id === 500) throw new Error('boom');
      return { body: new Uint8Array([1, 2, 3]), contentType: 'image/webp' };
    });
    const ok = await handle(new Request('kith-media://face/12?s=160'));
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'image/webp');
    assert.deepEqual(new Uint8Array(await ok.arrayBuffer()), new Uint8Array([1, 2, 3]));
    assert.deepEqual(asked, [{ kind: 'face', id: 12, size: 160 }]);
    for (const url of [
      'kith-media://face/..%2F..%2Fetc%2Fpasswd',
      'kith-media://photo/%2Fetc%2Fpasswd',
      `kith-media://photo/${encodeURIComponent(join(root, 'secret.txt'))}`,
      'kith-media://file/1',
      'kith-media://face/1?s=4096',
      'kith-media://photo/1?size=huge',
      'kith-media://face/0',
      'kith-media://face/-1',
      'kith-media://face/99999999999',
    ]) {
      assert.equal((await handle(new Request(url))).status, 400, url);
    }
    assert.equal(asked.length, 1);
    assert.equal((await handle(new Request('kith-media://photo/404'))).status, 404);
    assert.equal((await handle(new Request('kith-media://photo/500'))).status, 500);
  });
});

// ── nothing opens the user's browser ────────────────────────────────────────────────────────────

async function sources(dir: string): Promise<Array<{ file: string; text: string }>> {
  const out: Array<{ file: string; text: string }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(ts|tsx|cjs|mjs|js)$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    // Comments may mention what the code must not do.
    const text = (await readFile(file, 'utf8')).replace(/^\s*(\/\/|\*).*$/gm, '');
    out.push({ file, text });
  }
  return out;
}

describe('external links', () => {
  test('the app has no links to the web: shell.openExternal is never called or imported', async () => {
    const files = [
      ...(await sources(join(repoRoot, 'electron'))),
      ...(await sources(join(repoRoot, 'renderer', 'src'))),
    ];
    assert.ok(files.length > 20);
    for (const { file, text } of files) {
      assert.doesNotMatch(text, /\bopenExternal\s*\(/, file);
      assert.doesNotMatch(text, /import\s*\{[^}]*\bshell\b[^}]*\}\s*from\s*['"]electron['"]/, file);
      assert.doesNotMatch(text, /\bwindow\.open\s*\(/, file);
      assert.doesNotMatch(text, /target=["']_blank/, file);
    }
  });

  test('main.ts wires every rule: sandbox everywhere, lockDown on every WebContents, no permissions', async () => {
    const main = await readFile(join(repoRoot, 'electron/shell/main.ts'), 'utf8');
    assert.match(main, /app\.enableSandbox\(\)/);
    assert.match(main, /app\.on\('web-contents-created', \(_event, contents\) => lockDown\(contents\)\)/);
    assert.match(main, /setPermissionRequestHandler\(denyPermissionRequest\)/);
    assert.match(main, /setPermissionCheckHandler\(denyPermissionCheck\)/);
    assert.match(main, /onHeadersReceived\([\s\S]*withCsp\(details\.responseHeaders\)/);
    assert.match(main, /createMainWindow\(BrowserWindow,/);
    assert.match(main, /registerIpc\(\s*ipcMain,/);
    assert.doesNotMatch(main, /new BrowserWindow\(/, 'the one window is made by window.ts');
    assert.doesNotMatch(main, /loadURL\(/, 'window.ts loads the app page only');
  });
});

describe('third-party telemetry', () => {
  test("onnxruntime's telemetry is off in every process that can load it, before it loads", async () => {
    const env: NodeJS.ProcessEnv = {};
    stayOffline(env);
    assert.equal(env.ORT_DISABLE_TELEMETRY, '1');
    const kept: NodeJS.ProcessEnv = { ORT_DISABLE_TELEMETRY: '0' };
    stayOffline(kept);
    assert.equal(kept.ORT_DISABLE_TELEMETRY, '0', "the user's own choice stands");
    for (const file of ['electron/shell/main.ts', 'electron/shell/service-process.ts']) {
      const text = await readFile(join(repoRoot, file), 'utf8');
      const firstImport = /^import .*$/m.exec(text)?.[0];
      assert.equal(firstImport, "import './offline.ts';", `${file} imports offline.ts first`);
    }
  });
});
