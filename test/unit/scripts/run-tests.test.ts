// `npm test`'s runner: a run that skipped tests says so at the very end, one line per skipped test with
// its reason, before the final count; a failure still fails the run.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../../helpers/shared.ts';

const run = promisify(execFile);
let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kith-run-tests-'));
  await writeFile(
    join(dir, 'some.test.ts'),
    `import { describe, test } from 'node:test';
test('runs', () => {});
test('needs data', { skip: '../shared not found at /nowhere' }, () => {});
describe('in a browser', { skip: 'no Chromium at /nowhere/chromium' }, () => {
  test('one', () => {});
});
describe('group', () => {
  test('inner runs', () => {});
  test('skipped while running', (t) => t.skip('no GPU'));
});
`,
  );
});
after(() => rm(dir, { recursive: true, force: true }));

async function runTests(...paths: string[]): Promise<{ code: number; out: string }> {
  // Without this node:test marks the nested run as its child (its reporters then stay silent).
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'scripts/run-tests.ts', ...paths], {
      cwd: repoRoot,
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, out: r.stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

test('every skipped test is listed with its reason at the end, then the counts', {
  timeout: 60_000,
}, async () => {
  const { code, out } = await runTests(dir);
  assert.equal(code, 0);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.at(-1), '2 passed, 0 failed, 3 skipped');
  const block = out.slice(out.lastIndexOf('ℹ duration_ms')); // after the spec reporter's own summary
  assert.match(block, /3 tests were SKIPPED/);
  const expected: Array<[name: string, reason: string]> = [
    ['needs data', '../shared not found at /nowhere'],
    ['suite in a browser', 'no Chromium at /nowhere/chromium'],
    ['skipped while running', 'no GPU'],
  ];
  for (const [name, reason] of expected) {
    assert.match(
      block,
      new RegExp(`SKIPPED .*some\\.test\\.ts: ${name}\\n\\s+${reason.replace(/[./]/g, '\\$&')}\\n`),
    );
  }
});

test('a failing test fails the run, and no skip block is printed when nothing was skipped', {
  timeout: 60_000,
}, async () => {
  const file = join(dir, 'fails.test.ts');
  await writeFile(
    file,
    `import { test } from 'node:test';\ntest('fails', () => { throw new Error('no'); });\n`,
  );
  const { code, out } = await runTests(file);
  assert.equal(code, 1);
  assert.doesNotMatch(out, /SKIPPED/);
  assert.equal(out.trimEnd().split('\n').at(-1), '0 passed, 1 failed, 0 skipped');
});
