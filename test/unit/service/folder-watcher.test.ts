// The file-system half of folder watching, on a real folder: what it scans at start and when a folder
// is added, which changes it reports (photos, in the user's folders), and which it ignores.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FolderWatcher } from '../../../electron/core/service/folder-watcher.ts';

const roots: string[] = [];
after(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('scans at start and on a new folder; photo changes become one scan of their folder', async () => {
  const root = await mkdtemp(join(tmpdir(), 'kith-watcher-'));
  roots.push(root);
  const photos = join(root, 'photos');
  const library = join(photos, 'library'); // the library's own folder inside a photo folder
  const other = join(root, 'other');
  for (const d of [join(photos, 'trip'), join(photos, '.hidden'), join(photos, '@eaDir'), library, other])
    await mkdir(d, { recursive: true });
  let folders = [photos];
  const scans: string[][] = [];
  const watcher = new FolderWatcher({
    folders: () => folders,
    scan: async (r) => {
      scans.push(r);
      return 'done';
    },
    ignore: [library],
    timing: { debounceMs: 150, maxWaitMs: 2000 },
  });
  // The watcher keeps no process alive (its handles and timers are unref'd): hold the test's own
  // event loop open while it waits for file events.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    watcher.start();
    assert.equal(watcher.watching, true);
    await watcher.ready();
    await watcher.settled();
    assert.deepEqual(scans, [[photos]], 'the catch-up scan at start');

    // Not photos, or not the user's: no scan.
    await writeFile(join(photos, 'trip', 'notes.txt'), 'x');
    await writeFile(join(photos, '.hidden', 'a.jpg'), 'x');
    await writeFile(join(photos, '@eaDir', 'b.jpg'), 'x');
    await writeFile(join(library, 'thumb.webp'), 'x');
    await sleep(600);
    await watcher.settled();
    assert.equal(scans.length, 1, `no scan for ignored files: ${JSON.stringify(scans)}`);

    // A burst of photos in one subfolder: one scan of that subfolder.
    for (let i = 0; i < 20; i++) await writeFile(join(photos, 'trip', `p${i}.jpg`), 'x');
    await sleep(400);
    await watcher.settled();
    assert.deepEqual(scans.slice(1), [[join(photos, 'trip')]]);

    // A folder added is watched and scanned at once.
    folders = [other, photos];
    watcher.sync();
    await watcher.settled();
    assert.deepEqual(scans.at(-1), [other]);
  } finally {
    await watcher.close();
    clearInterval(keepAlive);
  }
  assert.equal(watcher.watching, false);
});
