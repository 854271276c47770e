// Honest scan progress on a 5,000-file tree: the total is known long before the scan reaches the
// end, the rate counts analysed photos only, and the ETA holds within ±30% once 10% of the work is
// done, also when the library already holds most files (the "ETA 0 s" with 4,300 to go).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ScanProgress, scanLibrary } from '../../../electron/core/scanner/index.ts';
import { openLibrary } from '../../../electron/core/store/index.ts';
import type { PhotoAnalysis } from '../../../ml/types.ts';
import { tempDir } from '../store/helpers.ts';

// 4,000 files already in the library ("a…" folders, first in walk order), then 1,000 new ones
// ("b…"). The analyser sleeps, so its cost dominates and a busy test machine bends the timing little.
const ANALYSIS_MS = 60;

/** Files with distinct bytes (the scanner hashes them; the fake analyser never decodes them). */
function writeTree(root: string, prefix: string, folders: number): void {
  for (let f = 0; f < folders; f++) {
    const dir = join(root, `${prefix}${String(f).padStart(2, '0')}`, 'sub');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 100; i++)
      writeFileSync(join(dir, `img${String(i).padStart(3, '0')}.jpg`), `${prefix}-${f}-${i}`);
  }
}

const noFaces = (): PhotoAnalysis => ({ width: 100, height: 100, takenAt: null, faces: [] });

test('progress on a 5k-file tree: total early, rate of analysed photos, ETA within ±30% after 10%', {
  timeout: 120_000,
}, async (t) => {
  const dir = tempDir(t, 'kith-progress-');
  const root = join(dir, 'photos');
  writeTree(root, 'a', 40);
  const library = openLibrary(join(dir, 'lib'), { create: true });
  t.after(() => library.close());
  const base = { library, roots: [root], pipelineId: 'fake', embedderId: 'fake-embedder' };
  await scanLibrary({ ...base, analyze: async () => noFaces() });
  writeTree(root, 'b', 10);

  const events: Array<ScanProgress & { t: number }> = [];
  const r = await scanLibrary({
    ...base,
    analyze: async () => {
      await sleep(ANALYSIS_MS);
      return noFaces();
    },
    progressIntervalMs: 50,
    onProgress: (p) => events.push({ ...p, t: performance.now() }),
  });
  const end = performance.now();
  assert.equal(r.counts.discovered, 5000);
  assert.equal(r.counts.unchanged, 4000);
  assert.equal(r.counts.analyzed, 1000);

  // The total: every file is counted while the scan is still among the unchanged ones.
  const early = events.find((e) => e.walkDone && e.state === 'running');
  assert.ok(early, 'the listing finished during the scan');
  assert.equal(early.discovered, 5000);
  assert.ok(early.processed < 4000, `total known after ${early.processed} files`);

  // Unchanged files are not a rate: nothing analysed yet means no rate, and no "0 s left".
  for (const e of events.filter((e) => e.state === 'running' && e.analyzed === 0)) {
    assert.equal(e.rate, 0);
    assert.ok(e.etaSeconds === null || e.etaSeconds > 1, `ETA ${e.etaSeconds} s before any analysis`);
  }
  // The analysis rate is what the analyser can do (4 at once, ANALYSIS_MS each), not files/s.
  const rates = events.filter((e) => e.state === 'running' && e.analyzed > 200).map((e) => e.rate);
  assert.ok(Math.max(...rates) < (4 * 1000) / ANALYSIS_MS, `rate ${Math.max(...rates)}/s`);

  // After 10% of the work (and until 75%: near the end a little noise is a large share of what is
  // left), the ETA is within ±30% of the time the scan really took.
  const checked = events.filter((e) => e.state === 'running' && e.analyzed >= 100 && e.analyzed <= 750);
  assert.ok(checked.length >= 10, `${checked.length} progress events to check`);
  for (const e of checked) {
    const actual = (end - e.t) / 1000;
    assert.ok(e.etaSeconds !== null, `an ETA at ${e.analyzed} analysed`);
    const error = (e.etaSeconds - actual) / actual;
    assert.ok(
      Math.abs(error) <= 0.3,
      `at ${e.analyzed}/1000 analysed: ETA ${e.etaSeconds.toFixed(2)} s, took ${actual.toFixed(2)} s`,
    );
  }
});
