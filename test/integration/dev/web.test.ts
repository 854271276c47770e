// `npm run dev:web`: by default the bridge serves the built UI; with --hot, Vite's dev server sits behind
// the bridge's token, so a page that does not know it (another local port, a foreign Origin) can read
// no source file, no library file, and cannot start an editor ([Note: bridge security]).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Bridge, startBridge } from '../../../dev/bridge.ts';
import { type MountedVite, mountVite } from '../../../dev/vite.ts';
import { uiCsp } from '../../../electron/shared/web.ts';
import { repoRoot } from '../../helpers/shared.ts';
import { type ApiFixture, buildApiFixture } from '../../unit/api/fixtures.ts';

const FOREIGN = { origin: 'http://127.0.0.1:9' };

describe('dev:web --hot: Vite behind the token', () => {
  let fx: ApiFixture;
  let bridge: Bridge;
  let vite: MountedVite;
  let marker = '';
  let secret = '';
  const savedEditor = process.env.LAUNCH_EDITOR;

  before(async () => {
    fx = await buildApiFixture();
    // An "editor" that leaves a mark when Vite's launcher starts it.
    marker = join(fx.root, 'editor-started');
    const editor = join(fx.root, 'editor.sh');
    await writeFile(editor, `#!/bin/sh\necho "$@" > '${marker}'\n`);
    await chmod(editor, 0o755);
    process.env.LAUNCH_EDITOR = editor;
    secret = join(fx.root, 'secret.txt');
    await writeFile(secret, 'SECRET-4711');
    bridge = await startBridge({ service: fx.service, onError: () => {} });
    vite = await mountVite(bridge, { cacheDir: join(fx.root, 'vite-cache') });
  });
  after(async () => {
    if (savedEditor === undefined) delete process.env.LAUNCH_EDITOR;
    else process.env.LAUNCH_EDITOR = savedEditor;
    await vite?.close();
    await bridge?.close();
    await fx?.close();
  });

  const get = (path: string) => fetch(`${bridge.origin}${path}`, { headers: FOREIGN });
  const base = () => bridge.devBase.slice(0, -1);

  test('without the token, nothing of Vite answers: no source, no raw file, no editor', async () => {
    const library = join(fx.root, 'library', 'library.sqlite');
    for (const path of [
      '/',
      '/index.html',
      '/src/main.tsx',
      '/src/main.tsx?raw',
      '/@vite/client',
      `/@fs${join(repoRoot, 'package.json')}`,
      `/@fs${library}?raw`,
      '/@fs/etc/hostname',
      `/__open-in-editor?file=${encodeURIComponent(secret)}`,
      `/${'0'.repeat(64)}/src/main.tsx`,
    ]) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.equal(res.headers.get('access-control-allow-origin'), null, path);
      assert.doesNotMatch(await res.text(), /SECRET-4711|import|SQLite format/, path);
    }
  });

  test('with the token: the UI under the same CSP and referrer policy, files outside renderer/ refused', async () => {
    const page = await get(`${base()}/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /@vite\/client/);
    const nonce = /<meta property="csp-nonce" nonce="([^"]+)"/.exec(html)?.[1];
    assert.ok(nonce, 'Vite gives its injected styles a nonce');
    assert.equal(page.headers.get('content-security-policy'), uiCsp([], nonce));
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(page.headers.get('access-control-allow-origin'), null, 'no CORS');
    const main = await get(`${base()}/src/main.tsx`);
    assert.equal(main.status, 200);
    assert.match(await main.text(), /import/);

    for (const path of [
      `/@fs${join(repoRoot, 'package.json')}`,
      `/@fs${join(repoRoot, 'electron/core/store/library.ts')}?raw`,
      `/@fs${join(fx.root, 'library', 'library.sqlite')}?raw`,
      `/@fs${secret}?raw`,
      '/@fs/etc/hostname',
      '/../package.json?raw',
    ]) {
      const res = await get(`${base()}${path}`);
      assert.ok(res.status === 403 || res.status === 404, `${path}: ${res.status}`);
      assert.doesNotMatch(
        await res.text(),
        /SECRET-4711|"name": "kith"|SQLite format|export class Library/,
        path,
      );
    }
  });

  test('the editor launcher is gone, whatever the case of its path', async () => {
    for (const path of ['/__open-in-editor', '/__OPEN-IN-EDITOR', '/%5F_open-in-editor']) {
      const res = await get(`${base()}${path}?file=${encodeURIComponent(secret)}`);
      await res.text(); // a 404, or the page itself (Vite's fallback for the app's routes)
    }
    await sleep(500); // the launcher spawns the editor without waiting for it
    await assert.rejects(readFile(marker), { code: 'ENOENT' }, 'no editor was started');
  });
});

describe('dev:web: the built UI by default', () => {
  let root = '';
  let child: ChildProcess | undefined;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'kith-dev-web-'));
  });
  after(async () => {
    child?.kill('SIGTERM');
    if (child && child.exitCode === null) await once(child, 'exit');
    await rm(root, { recursive: true, force: true });
  });

  test('serves the built renderer folder, and no dev server', { timeout: 60_000 }, async () => {
    const renderer = join(root, 'renderer');
    await mkdir(renderer);
    await writeFile(join(renderer, 'index.html'), '<!doctype html><title>built kith</title>');
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'dev/web.ts', '--library', join(root, 'lib'), '--renderer', renderer],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    let url: URL | null = null;
    for (let i = 0; i < 400 && !url && child.exitCode === null; i++) {
      const m = /Open: (\S+)/.exec(out);
      url = m ? new URL(m[1]!) : null;
      if (!url) await sleep(100);
    }
    assert.ok(url, `a URL was printed: ${out}`);
    assert.equal(url.pathname, '/');
    assert.match(url.hash, /^#token=[0-9a-f]{64}$/);
    const page = await fetch(new URL('/', url));
    assert.match(await page.text(), /built kith/);
    assert.equal(page.headers.get('content-security-policy'), uiCsp());
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    // Not found, or the app's page for a route of its own: never source or Vite's client.
    for (const path of ['/@vite/client', '/src/main.tsx', `/@fs${join(repoRoot, 'package.json')}`]) {
      const res = await fetch(new URL(path, url));
      const body = await res.text();
      assert.ok(res.status === 404 || body.includes('built kith'), `${path}: ${res.status}`);
    }
  });
});
