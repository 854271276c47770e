// The built app's library service in plain Node: `npm run build`'s bundles, started the way Electron's
// utility process starts them (test/integration/fixtures/utility-harness.mjs carries parentPort over
// the fork channel and reports process.versions.electron), without tsx and with only the runtime
// dependencies in node_modules. It opens a real library through the native-binding selector (a copy
// of Node's better-sqlite3 build stands in for the Electron one) and serves calls, and with ../shared
// a real scan through the worker bundles and the models copied into dist/models.
import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { electronBindingPath } from '../../electron/core/store/native-binding.ts';
import type { FromService, ToService } from '../../electron/shell/service-protocol.ts';
import { buildApp } from '../../scripts/build-app.ts';
import { needShared, repoRoot, sharedDataDir } from '../helpers/shared.ts';

const HARNESS = join(repoRoot, 'test/integration/fixtures/utility-harness.mjs');
const ELECTRON = '41.7.1';
let root = '';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'kith-app-build-'));
  await buildApp(join(root, 'dist'));
  // Beside dist/ as in the package (electron-builder.yml `files`): the bundles find it from the app root.
  await cp(join(repoRoot, 'resources/projections'), join(root, 'resources/projections'), { recursive: true });
  // Only the runtime dependencies, as in the package: no tsx, no faceplugin package.
  const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const name of Object.keys(pkg.dependencies)) {
    await mkdir(dirname(join(root, 'node_modules', name)), { recursive: true });
    await symlink(join(repoRoot, 'node_modules', name), join(root, 'node_modules', name), 'dir');
  }
});
after(() => rm(root, { recursive: true, force: true }));

type Reply = FromService | { type: 'harness:native'; files: string[] };

function service() {
  const child: ChildProcess = fork(HARNESS, [join(root, 'dist/app/service-process.mjs')], {
    cwd: root,
    execArgv: [],
    serialization: 'advanced',
    env: { ...process.env, KITH_HARNESS_ELECTRON: ELECTRON, NODE_OPTIONS: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies: Reply[] = [];
  child.on('message', (m) => replies.push(m as Reply));
  const exited = new Promise<number | null>((ok) => child.on('exit', ok));
  const post = (m: ToService | { type: 'harness:native' }) => child.send(m);
  async function next(match: (m: Reply) => boolean, ms = 120_000): Promise<Reply> {
    const end = Date.now() + ms;
    for (;;) {
      const i = replies.findIndex(match);
      if (i >= 0) return replies.splice(i, 1)[0]!;
      if (Date.now() > end) throw new Error('no answer from the built service');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  let id = 0;
  async function call(
    method: ToService & { type: 'call' } extends { method: infer M } ? M : never,
    input = {},
  ) {
    const mine = ++id;
    post({ type: 'call', id: mine, method, input });
    const r = (await next((m) => m.type === 'result' && m.id === mine)) as Extract<
      FromService,
      { type: 'result' }
    >;
    assert.ok(r.envelope.ok, `${method}: ${r.envelope.ok ? '' : r.envelope.error.message}`);
    return r.envelope.value as Record<string, unknown>;
  }
  return { post, next, call, exited, kill: () => child.kill() };
}

describe('the built library service', () => {
  test('under Electron without its better-sqlite3 build: a fatal error naming the command', async () => {
    const svc = service();
    svc.post({ type: 'init', libraryDir: join(root, 'library-missing') });
    const m = await svc.next((r) => r.type === 'fatal' || r.type === 'ready');
    assert.equal(m.type, 'fatal');
    if (m.type === 'fatal') assert.match(m.message, /npm run build:native/);
    svc.kill();
    await svc.exited;
  });

  test('opens a library through the Electron build and serves calls (and a scan)', {
    timeout: 300_000,
  }, async () => {
    const target = {
      electron: ELECTRON,
      modules: process.versions.modules,
      platform: process.platform,
      arch: process.arch,
    };
    const standIn = electronBindingPath(target, join(root, 'dist', 'native'));
    await mkdir(dirname(standIn), { recursive: true });
    await copyFile(
      createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node'),
      standIn,
    );

    const svc = service();
    svc.post({ type: 'init', libraryDir: join(root, 'library') });
    const ready = await svc.next((r) => r.type === 'fatal' || r.type === 'ready');
    assert.equal(ready.type, 'ready', JSON.stringify(ready));
    const status = await svc.call('getLibraryStatus');
    assert.ok(status, 'getLibraryStatus answered');
    svc.post({ type: 'harness:native' });
    const native = (await svc.next((r) => r.type === 'harness:native')) as { files: string[] };
    assert.ok(native.files.includes(standIn), `loaded ${native.files.join(', ')}`);
    assert.ok(
      !native.files.some((f) => f.includes(join('better-sqlite3', 'build'))),
      "Node's build not loaded",
    );

    // The default for a new library stores 128-d faces: the built code reads and verifies the projection.
    const choices = await svc.call('listPipelines');
    assert.match(String(choices.auto), /-128$/, JSON.stringify(choices.auto));

    if (!needShared) {
      const photos = join(root, 'photos');
      const examples = join(sharedDataDir, 'photos-dev/face_recognition/examples/knn_examples/test');
      await mkdir(photos);
      for (const f of (await readdir(examples)).slice(0, 3))
        await copyFile(join(examples, f), join(photos, f));
      await svc.call('addFolder', { path: photos });
      await svc.call('startScan');
      let scan: Record<string, unknown> = { state: 'running' };
      while (['running', 'paused', 'finishing', 'grouping'].includes(String(scan.state))) {
        await new Promise((r) => setTimeout(r, 250));
        scan = await svc.call('getScanStatus');
      }
      assert.equal(scan.state, 'done', JSON.stringify(scan));
      assert.ok(Number(scan.analyzed) >= 3 && Number(scan.faces) >= 1, JSON.stringify(scan));
    }
    svc.post({ type: 'close' });
    assert.equal(await svc.exited, 0);
  });
});
