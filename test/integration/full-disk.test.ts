// The library's disk is full (a real one: a 1 MiB tmpfs, filled up). Commands that only read still
// work (`kith people`, `kith export` to another disk), and one that writes says the disk is full.
// Mounting needs root: elsewhere the test is skipped (test/unit/api/storage.test.ts covers the
// service's side with an injected full database).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openLibrary } from '../../electron/core/store/index.ts';
import { repoRoot } from '../helpers/shared.ts';

const kith = join(repoRoot, 'bin/kith.js');
let root = '';
let disk = '';
let mounted = false;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'kith-full-'));
  disk = join(root, 'disk');
  try {
    execFileSync('mkdir', [disk]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk], { stdio: 'ignore' });
    mounted = true;
  } catch {
    mounted = false;
  }
});
after(async () => {
  if (mounted) execFileSync('umount', [disk]);
  await rm(root, { recursive: true, force: true });
});

function kithRun(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [kith, ...args], { cwd: repoRoot }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('on a full disk, reading commands work and a correction says the disk is full', {
  timeout: 120_000,
}, async (t) => {
  if (!mounted) return t.skip('needs root to mount a small tmpfs');
  const lib = join(disk, 'lib');
  const library = openLibrary(lib, { create: true });
  const person = library.write.createPerson('Ann');
  library.close();
  // Fill the disk to the last byte.
  try {
    await writeFile(join(disk, 'fill'), Buffer.alloc(2 * 1024 * 1024));
  } catch {
    // ENOSPC: what was written stays.
  }
  const people = await kithRun(['people', '--library', lib, '--json']);
  assert.equal(people.code, 0, people.stderr);
  const out = join(root, 'out');
  const exported = await kithRun(['export', '--format', 'json', '--out', out, '--library', lib]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.ok(readdirSync(out).length > 0, 'the export was written to the other disk');
  const rename = await kithRun(['person', 'rename', String(person), 'Bea', '--library', lib]);
  assert.equal(rename.code, 1);
  assert.match(rename.stderr, /^kith: The disk that holds the library is full\. Free some space/);
  assert.ok(readFileSync(join(lib, 'library.sqlite')).length > 0);
});
