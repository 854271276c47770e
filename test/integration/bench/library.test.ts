// `kith bench library` end to end on a small tree: links to real photos (more links than sources,
// so the same photo sits at several paths), every figure of the report present and consistent.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import type { BenchLibraryReport } from '../../../bench/cli/bench-library.ts';
import { needShared, repoRoot, sharedDataDir } from '../../helpers/shared.ts';

const run = promisify(execFile);
let out = '';
after(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

test('bench library builds a linked tree, scans it twice and opens People', {
  skip: needShared,
  timeout: 300_000,
}, async () => {
  out = await mkdtemp(join(tmpdir(), 'kith-bench-lib-'));
  const data = join(sharedDataDir, 'photos-dev/faceapi_bbt/sheldon'); // 5 face crops
  const { stdout } = await run(
    process.execPath,
    [
      join(repoRoot, 'bin/kith.js'),
      'bench',
      'library',
      '--out',
      out,
      '--photos',
      '12',
      '--data',
      data,
      '--json',
    ],
    { env: { ...process.env, KITH_MODELS_DIR: '' }, maxBuffer: 16 * 1024 * 1024 },
  );
  assert.match(stdout, /re-scan, nothing new: /);
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as BenchLibraryReport;
  assert.equal(r.photos, 12);
  assert.equal(r.sources, 5);
  // Identical content at two existing paths is two photos: every link is analysed.
  assert.equal(r.first_scan.analyzed, 12);
  assert.ok(r.first_scan.faces >= 10, `${r.first_scan.faces} faces`);
  assert.ok(r.first_scan.photos_per_second > 0);
  assert.deepEqual([r.rescan.analyzed, r.rescan.unchanged], [0, 12]);
  assert.ok(r.open_people.people >= 1, 'the copies of one person form a person');
  assert.ok(r.peak_rss_mb > 50 && r.db_bytes_per_photo > 0);
});
