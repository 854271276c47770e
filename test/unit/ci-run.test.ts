// `.ci/run` refuses to run without ../shared: CI always has it, and without it `npm test` would pass
// with every real-photo and Chromium test skipped. npm and apt-get are stand-ins here that only leave
// a mark (nothing is installed).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers/shared.ts';

const run = promisify(execFile);
let bin = '';

before(async () => {
  bin = await mkdtemp(join(tmpdir(), 'kith-ci-bin-'));
  for (const tool of ['npm', 'apt-get']) {
    const file = join(bin, tool);
    await writeFile(file, `#!/bin/sh\necho "${tool} $*" >> '${join(bin, 'calls')}'\n`);
    await chmod(file, 0o755);
  }
});
after(() => rm(bin, { recursive: true, force: true }));

test('.ci/run fails before installing anything when ../shared is missing', async () => {
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, KITH_SHARED_DIR: join(bin, 'no-shared') };
  const { stdout } = await run('bash', ['-c', 'command -v npm'], { env });
  assert.equal(stdout.trim(), join(bin, 'npm'), 'the stand-in npm is the one found');
  await assert.rejects(
    run('bash', [join(repoRoot, '.ci/run')], { env }),
    (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /no-shared.*missing/);
      return true;
    },
  );
  await assert.rejects(readFile(join(bin, 'calls')), { code: 'ENOENT' }, 'npm was never called');
});
