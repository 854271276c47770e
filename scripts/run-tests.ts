// `node --import tsx scripts/run-tests.ts [--concurrency N] PATH…`: runs the *.test.ts files under the
// given folders (or the files given) with node:test's spec reporter, then prints what did not run and
// why (test/helpers/skip-reporter.mjs) at the very end, and exits with the test run's status.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { concurrency: { type: 'string', default: '2' } },
  allowPositionals: true,
});

function testFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(path, f));
}

const files = positionals.flatMap(testFiles).sort();
if (files.length === 0) {
  console.error('run-tests: no *.test.ts files given');
  process.exit(2);
}
const dir = await mkdtemp(join(tmpdir(), 'kith-tests-'));
const summary = join(dir, 'summary.txt');
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${values.concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${new URL('../test/helpers/skip-reporter.mjs', import.meta.url).href}`,
    `--test-reporter-destination=${summary}`,
    ...files,
  ],
  { stdio: 'inherit' },
);
const code = await new Promise<number>((resolve) => {
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});
process.stdout.write(
  await readFile(summary, 'utf8').catch(() => 'run-tests: the test run wrote no summary\n'),
);
await rm(dir, { recursive: true, force: true });
process.exit(code);
