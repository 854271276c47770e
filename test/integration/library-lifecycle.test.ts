// Which commands create a library, and what every other one says instead: run the real `kith` bin
// and `npm run dev:web`'s script as a user would, on a missing, newer-Kith, empty and damaged library.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { LIBRARY_FILE, SCHEMA_VERSION } from '../../electron/core/store/index.ts';
import { repoRoot } from '../helpers/shared.ts';

const kith = join(repoRoot, 'bin/kith.js');
let root = '';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'kith-lifecycle-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs a node script; resolves with its exit code and output whatever the code. */
function node(args: string[], cwd = root): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd, env: { ...process.env, KITH_DEBUG: '' } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

test('a library from a newer Kith: rename, recluster and scan refuse it and leave it byte for byte', {
  timeout: 120_000,
}, async () => {
  const dir = join(root, 'newer');
  await mkdir(dir);
  const file = join(dir, LIBRARY_FILE);
  const raw = new Database(file);
  raw.exec('CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO people VALUES (1, NULL);');
  raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  raw.close();
  const photos = join(root, 'no-photos');
  await mkdir(photos);
  const before = sha256(file);
  for (const args of [['person', 'rename', '1', 'Ann'], ['recluster'], ['scan', photos]]) {
    const r = await node([kith, ...args, '--library', dir]);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, /uses schema version \d+, but this version of Kith only knows/, args.join(' '));
    assert.equal(sha256(file), before, `${args.join(' ')} left the file as it was`);
    assert.deepEqual(readdirSync(dir), [LIBRARY_FILE], `${args.join(' ')} left no WAL beside it`);
  }
});

test('only scan creates a library; recluster, person and history say there is none', {
  timeout: 120_000,
}, async () => {
  const dir = join(root, 'none');
  for (const args of [
    ['recluster'],
    ['person', 'rename', '1', 'Ann'],
    ['history'],
    ['people'],
    ['export', '--format', 'json', '--out', join(root, 'out')],
  ]) {
    const r = await node([kith, ...args, '--library', dir]);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, /^kith: No Kith library at .*: run "kith scan <folder> --library/, args.join(' '));
    assert.equal(existsSync(dir), false, `${args.join(' ')} created nothing`);
  }
  const photos = join(root, 'empty-photos');
  await mkdir(photos);
  const r = await node([kith, 'scan', photos, '--library', dir, '--pipeline', 'faceplugin', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(dir, LIBRARY_FILE)), 'scan made the library');
});

test('an empty library.sqlite is reported by every command, and stays as it is', {
  timeout: 120_000,
}, async () => {
  const dir = join(root, 'emptied');
  await mkdir(dir);
  const file = join(dir, LIBRARY_FILE);
  await writeFile(file, '');
  for (const args of [['person', 'rename', '1', 'Ann'], ['people']]) {
    const r = await node([kith, ...args, '--library', dir]);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, /cannot be opened: the file is empty \(0 bytes\)\. Restore it from a backup/);
  }
  assert.equal(readFileSync(file).length, 0);
});

test('dev:web on a damaged library says so in one line, with no stack trace', {
  timeout: 60_000,
}, async () => {
  const dir = join(root, 'damaged');
  await mkdir(dir);
  await writeFile(join(dir, LIBRARY_FILE), Buffer.alloc(4096, 0x42));
  const r = await node(
    ['--import', 'tsx', join(repoRoot, 'dev/web.ts'), '--library', dir, '--built'],
    repoRoot,
  );
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^dev:web: The library .* cannot be opened: it is not a library or is damaged/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
