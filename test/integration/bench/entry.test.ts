// The benchmarks' entry: `kith bench …` in a checkout hands over to bench/main.ts, which is no part of
// the `kith` command itself (electron/cli) or the app.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../../helpers/shared.ts';

const run = promisify(execFile);
const kith = join(repoRoot, 'bin/kith.js');

test('kith bench --help lists the benchmarks; kith --help points to it', async () => {
  const bench = await run(process.execPath, [kith, 'bench', '--help'], { cwd: repoRoot });
  for (const verb of ['lfw', 'speed', 'cluster', 'cluster-scale', 'finetune', 'harmonic', 'peers']) {
    assert.match(bench.stdout, new RegExp(`^  bench ${verb} `, 'm'), verb);
  }
  const cli = await run(process.execPath, [kith, '--help'], { cwd: repoRoot });
  assert.match(cli.stdout, /^ {2}bench <benchmark>/m);
  assert.doesNotMatch(cli.stdout, /bench lfw/);
});

test('kith bench runs a benchmark through bench/main.ts, and bench/main.ts runs it alone', async () => {
  const args = ['cluster-scale', '--faces', '600', '--json'];
  for (const argv of [
    [kith, 'bench', ...args],
    ['--import', 'tsx', join(repoRoot, 'bench/main.ts'), ...args],
  ]) {
    const { stdout } = await run(process.execPath, argv, { cwd: repoRoot });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { faces: number; clusters: number };
    assert.equal(report.faces, 600, argv.join(' '));
    assert.ok(report.clusters > 0);
  }
});

test('the CLI alone has no benchmarks', async () => {
  await assert.rejects(
    run(process.execPath, ['--import', 'tsx', join(repoRoot, 'electron/cli/main.ts'), 'bench', 'lfw'], {
      cwd: repoRoot,
    }),
    (err: { code: number; stderr: string }) => err.code === 2 && /source checkout/.test(err.stderr),
  );
});
