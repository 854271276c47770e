// `npm run build:native` makes the Electron build of better-sqlite3 apart from Node's: Node's build in
// node_modules is untouched and still loads afterwards (the CLI and tests keep working in the same
// checkout). The real make step downloads (GitHub prebuild or Electron headers); a stand-in that
// copies Node's build takes its place here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { sha256File } from '../../../ml/util/hash.ts';
import { buildElectronSqlite, type MakeBuild } from '../../../scripts/build-native.ts';
import { repoRoot } from '../../helpers/shared.ts';

const root = await mkdtemp(join(tmpdir(), 'kith-build-native-'));
after(() => rm(root, { recursive: true, force: true }));
const nodeBuild = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');

test("the Electron build goes to its own folder; Node's build is untouched and still loads", async () => {
  const before = await sha256File(nodeBuild);
  const stages: string[] = [];
  const standIn: MakeBuild = async (stage) => {
    stages.push(stage);
    const out = join(stage, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    await mkdir(dirname(out), { recursive: true });
    await copyFile(nodeBuild, out);
  };
  const options = { nativeDir: join(root, 'native'), cacheDir: join(root, 'cache'), make: standIn };
  const first = await buildElectronSqlite(options);
  assert.equal(first.made, true);
  assert.ok(first.file.startsWith(join(root, 'native', 'better-sqlite3', 'electron-v145-')), first.file);
  assert.ok(stages[0]?.startsWith(join(root, 'cache')), 'built in the staging folder, not in node_modules');
  assert.equal((await buildElectronSqlite(options)).made, false, 'reused while nothing changed');

  assert.equal(await sha256File(nodeBuild), before, "Node's build is unchanged");
  const out = execFileSync(
    process.execPath,
    [
      '-e',
      "const D = require('better-sqlite3'); console.log(new D(':memory:').prepare('select 7 as n').get().n)",
    ],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  assert.equal(out.trim(), '7');
});
