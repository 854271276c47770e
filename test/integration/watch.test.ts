// Folders that watch themselves, on real photos and the real face model: the app's service scans a
// folder when it is added, notices photos dropped into, moved within and deleted from its folders
// (one scan per burst), and at start catches up with what changed while it was closed.
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LibraryService } from '../../electron/core/service/library-service.ts';
import type { ScanStatus } from '../../electron/shared/api.ts';
import { needShared, sharedDataDir } from '../helpers/shared.ts';

const bbt = join(sharedDataDir, 'photos-dev/faceapi_bbt');
const CHARACTERS = ['amy', 'howard', 'penny'];
const roots: string[] = [];
after(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

/** The next scan the service finishes by itself (its final status), within `ms`. */
function nextScan(service: LibraryService, ms = 120_000): Promise<ScanStatus> {
  return new Promise((resolve, reject) => {
    let last: ScanStatus | null = null;
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no scan finished within ${ms} ms`));
    }, ms);
    const off = service.on((e) => {
      if (e.name === 'scanProgress') last = e.payload;
      if (e.name === 'libraryChanged' && e.payload.reason === 'scan' && last) {
        clearTimeout(timer);
        off();
        resolve(last);
      }
    });
  });
}

const crop = (c: string, i: number) => join(bbt, c, `${c}${i}.png`);

/** The person a photo's (only) face is in, or null. */
function personOf(service: LibraryService, path: string): number | null {
  for (const p of service.library.read.listPeopleWithFaces({ includeHidden: true }))
    if (p.faces.some((f) => f.path === path)) return p.id;
  return null;
}

test('photos dropped into a watched folder reach their person; moves, deletions and restarts too', {
  skip: needShared,
  timeout: 300_000,
}, async () => {
  const root = await mkdtemp(join(tmpdir(), 'kith-watch-'));
  roots.push(root);
  const photos = join(root, 'photos');
  const libraryDir = join(root, 'library');
  for (const c of CHARACTERS) {
    await mkdir(join(photos, c), { recursive: true });
    for (const i of [1, 2, 3]) await cp(crop(c, i), join(photos, c, `${c}${i}.png`));
  }
  const open = () =>
    LibraryService.open({ libraryDir, pipeline: 'faceplugin', workers: 1, watch: true, create: true });
  let service = open();
  try {
    // Adding the folder starts its scan: nobody calls startScan.
    const first = nextScan(service);
    const status = await service.handlers.addFolder({ path: photos });
    assert.equal(status.watching, true);
    assert.equal((await first).state, 'done');
    assert.equal((await first).analyzed, 9);
    const amy = personOf(service, join(photos, 'amy', 'amy1.png'));
    assert.notEqual(amy, null, 'the first scan grouped Amy');

    // A burst of new photos (one in a new subfolder) is one scan, and Amy's new face joins Amy.
    const jobsBefore = service.library.read.listScanJobs(100).length;
    const burst = nextScan(service);
    const dropped = join(photos, 'amy', 'amy4.png');
    await cp(crop('amy', 4), dropped);
    await mkdir(join(photos, 'new', 'deeper'), { recursive: true });
    await cp(crop('penny', 4), join(photos, 'new', 'deeper', 'penny4.png'));
    await cp(crop('howard', 4), join(photos, 'howard', 'howard4.png'));
    const scanned = await burst;
    assert.equal(scanned.state, 'done');
    assert.equal(scanned.analyzed, 3, `${JSON.stringify(scanned)}`);
    assert.equal(personOf(service, dropped), amy, 'the dropped photo’s face reached Amy');
    assert.equal(service.library.read.listScanJobs(100).length, jobsBefore + 1, 'one scan for the burst');

    // A move keeps the photo (and its person); a deletion marks it missing.
    const moved = nextScan(service);
    const id = service.library.read.getPhotoByPath(dropped)?.id;
    const movedTo = join(photos, 'new', 'amy4.png');
    await rename(dropped, movedTo);
    await rm(join(photos, 'howard', 'howard1.png'));
    let after = await moved;
    // The move's two halves can land in two scans (the delete first, then the add).
    if (service.library.read.getPhotoByPath(movedTo)?.id !== id) after = await nextScan(service);
    assert.equal(after.state, 'done');
    assert.equal(service.library.read.getPhotoByPath(movedTo)?.id, id, 'the moved photo kept its id');
    assert.equal(personOf(service, movedTo), amy);
    assert.equal(
      service.library.read.getPhotoByPath(join(photos, 'howard', 'howard1.png'))?.status,
      'missing',
    );

    // Closed, a photo arrives; at start the service catches up by itself.
    await service.close();
    const late = join(photos, 'amy', 'amy5.png');
    await cp(crop('amy', 5), late);
    service = open();
    const caughtUp = await nextScan(service);
    assert.equal(caughtUp.state, 'done');
    assert.equal(caughtUp.analyzed, 1);
    assert.equal(personOf(service, late), amy);
  } finally {
    await service.close();
  }
});
