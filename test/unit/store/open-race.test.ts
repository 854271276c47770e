// Several processes opening one library at the same moment (the app, a `kith` command and a second
// window starting together): each must open it, and the library must end up migrated exactly once.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  LIBRARY_FILE,
  migrate,
  migrations,
  SCHEMA_VERSION,
  schemaVersion,
} from '../../../electron/core/store/index.ts';
import { tempDir } from './helpers.ts';

const CHILDREN = 4;
const ROUNDS = 12;
const children: Array<{ proc: ChildProcessWithoutNullStreams; lines: AsyncIterator<string> }> = [];

before(async () => {
  for (let i = 0; i < CHILDREN; i++) {
    const proc = spawn(process.execPath, [
      '--import',
      'tsx',
      join(import.meta.dirname, 'fixtures/open-child.ts'),
    ]);
    const rl: Interface = createInterface({ input: proc.stdout });
    children.push({ proc, lines: rl[Symbol.asyncIterator]() });
  }
  for (const c of children) assert.equal((await c.lines.next()).value, 'ready');
});
after(() => {
  for (const c of children) c.proc.kill();
});

/** Every child opens `dir` at once (each is already loaded and waiting on stdin). */
async function race(dir: string): Promise<string[]> {
  for (const c of children) c.proc.stdin.write(`${dir}\n`);
  return Promise.all(children.map(async (c) => String((await c.lines.next()).value)));
}

test('processes opening a new library at the same time all succeed', { timeout: 120_000 }, async (t) => {
  const root = tempDir(t, 'kith-race-');
  for (let round = 0; round < ROUNDS; round++) {
    const dir = join(root, `new-${round}`);
    assert.deepEqual(await race(dir), Array(CHILDREN).fill('ok'), `round ${round}`);
    const db = new Database(join(dir, LIBRARY_FILE), { readonly: true });
    assert.equal(schemaVersion(db), SCHEMA_VERSION);
    db.close();
  }
});

test('processes upgrading an old library at the same time all succeed', { timeout: 120_000 }, async (t) => {
  const root = tempDir(t, 'kith-race-');
  for (let round = 0; round < ROUNDS; round++) {
    const dir = join(root, `old-${round}`);
    mkdirSync(dir);
    const old = new Database(join(dir, LIBRARY_FILE));
    old.pragma('journal_mode = WAL');
    migrate(old, migrations, SCHEMA_VERSION - 1);
    old.close();
    assert.deepEqual(await race(dir), Array(CHILDREN).fill('ok'), `round ${round}`);
    const db = new Database(join(dir, LIBRARY_FILE), { readonly: true });
    assert.equal(schemaVersion(db), SCHEMA_VERSION);
    db.close();
  }
});
