// Which better-sqlite3 build the store loads: Node's own under Node, the Electron build by path under
// Electron, and a clear error naming the command when that build is missing.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  electronBindingPath,
  MissingNativeBuildError,
  nativeBindingOption,
} from '../../../electron/core/store/native-binding.ts';

const root = await mkdtemp(join(tmpdir(), 'kith-native-'));
after(() => rm(root, { recursive: true, force: true }));
const nodeBuild = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
const node = { modules: process.versions.modules, platform: process.platform, arch: process.arch };

test('under plain Node the store keeps better-sqlite3 default build', () => {
  assert.deepEqual(nativeBindingOption({ ...node, electron: undefined }, root), {});
});

test('under Electron a missing build is an error naming the file and `npm run build:native`', () => {
  const target = { ...node, electron: '41.7.1', modules: '145' };
  assert.throws(
    () => nativeBindingOption(target, root),
    (err: unknown) =>
      err instanceof MissingNativeBuildError &&
      err.file === electronBindingPath(target, root) &&
      err.message.includes('npm run build:native') &&
      err.message.includes('electron-v145-'),
  );
});

test('under Electron the store opens the database with the build from the Electron folder', async () => {
  // Stand-in: a copy of Node's build where the Electron build goes (same ABI, so it loads here).
  const target = { ...node, electron: '41.7.1' };
  const file = electronBindingPath(target, root);
  await mkdir(dirname(file), { recursive: true });
  await copyFile(nodeBuild, file);
  const option = nativeBindingOption(target, root);
  assert.equal(option.nativeBinding, file);
  const db = new Database(':memory:', option);
  assert.deepEqual({ ...(db.prepare('select 1 + 1 as two').get() as object) }, { two: 2 });
  db.close();
  assert.ok(
    Object.keys(createRequire(import.meta.url).cache).includes(file),
    'the stand-in build was loaded',
  );
});

test('inside an asar archive the build is read from app.asar.unpacked', () => {
  const inAsar = join(sep, 'opt', 'Kith', 'resources', 'app.asar', 'dist', 'native');
  const path = electronBindingPath({ ...node, electron: '41.7.1' }, inAsar);
  assert.ok(path.includes(`${sep}app.asar.unpacked${sep}dist${sep}native${sep}`), path);
});
