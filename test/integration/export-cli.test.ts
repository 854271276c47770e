// `kith export` end to end: formats, exit codes and messages for bad input.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { UsageError } from '../../electron/cli/args.ts';
import { exportCommand } from '../../electron/cli/export.ts';
import { collectFaces, personFolderName } from '../../electron/core/export/index.ts';
import { needShared, repoRoot } from '../helpers/shared.ts';
import { buildFixture, type Fixture } from '../unit/export/fixture.ts';

const exec = promisify(execFile);
const kith = join(repoRoot, 'bin/kith.js');

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [kith, ...args], {
      env: { ...process.env, KITH_LIBRARY: '/nonexistent' },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('kith export', { skip: needShared }, () => {
  let fx: Fixture;
  let lib: string;
  before(async () => {
    fx = await buildFixture({ people: true });
    lib = join(fx.root, 'library');
  });
  after(() => fx?.close());

  test('json with --named-only and --json summary', async () => {
    const out = join(fx.root, 'cli-json');
    const r = await run([
      'export',
      '--library',
      lib,
      '--format',
      'json',
      '--out',
      out,
      '--named-only',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { faces: number }).faces, 3);
    assert.ok(existsSync(join(out, 'kith-faces.json')));
  });

  test('usage errors exit 2 with the reason', async () => {
    const bad = await run(['export', '--library', lib, '--format', 'pdf', '--out', fx.root]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be one of json, csv, folders, xmp, embeddings/);
  });

  test('folders: a file Kith did not make is left alone, named on stderr, and the exit is 1', async () => {
    const out = join(fx.root, 'cli-folders');
    const obama = collectFaces(fx.library.read).find((f) => f.personName === 'Barack Obama')!;
    const mine = join(out, personFolderName(obama.personId, obama.personName), 'obama1.jpg');
    mkdirSync(join(mine, '..'), { recursive: true });
    writeFileSync(mine, 'mine');
    const r = await run(['export', '--library', lib, '--format', 'folders', '--out', out, '--link', 'copy']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /3 people, 3 photos in .*0 stale removed; 1 left alone, not made by Kith\)/);
    assert.ok(r.stderr.includes(`kith: conflict: ${mine} is in the way`), r.stderr);
    assert.equal(readFileSync(mine, 'utf8'), 'mine');
  });

  // In-process from here on: each spawn costs seconds on a shared machine.
  test('bad options, a missing library and an out path under a file give clear errors', async () => {
    await assert.rejects(exportCommand(['--library', lib, '--format', 'csv']), (e: unknown) => {
      return e instanceof UsageError && /--format csv needs --out DIR/.test(e.message);
    });
    await assert.rejects(
      exportCommand(['--library', lib, '--format', 'folders', '--out', fx.root, '--link', 'soft']),
      (e: unknown) => e instanceof UsageError && /--link must be one of hard, symlink, copy/.test(e.message),
    );
    await assert.rejects(
      exportCommand(['--library', join(fx.root, 'nope'), '--format', 'json', '--out', fx.root]),
      /No Kith library at/,
    );
    const file = join(fx.root, 'f');
    writeFileSync(file, 'keep');
    await assert.rejects(
      exportCommand(['--library', lib, '--format', 'csv', '--out', join(file, 'out')]),
      /is a file, not a folder/,
    );
    assert.equal(readFileSync(file, 'utf8'), 'keep');
  });
});
