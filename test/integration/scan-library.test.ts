// End to end in plain Node: real photos plus a folder of broken files → a real SQLite library →
// people, through the same job the CLI and the app run.
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { runExport } from '../../electron/core/export/index.ts';
import { Corrections } from '../../electron/core/people/corrections.ts';
import { runScanJob } from '../../electron/core/scan-job.ts';
import { openLibrary } from '../../electron/core/store/library.ts';
import { needShared, sharedDataDir, sharedModelsDir } from '../helpers/shared.ts';

const knn = join(sharedDataDir, 'photos-dev/face_recognition/examples/knn_examples');
let root = '';
let photos = '';
let libraryDir = '';

before(async () => {
  if (needShared) return;
  root = await mkdtemp(join(tmpdir(), 'kith-it-'));
  photos = join(root, 'photos');
  libraryDir = join(root, 'library');
  await cp(join(knn, 'train'), join(photos, 'train'), { recursive: true });
  const broken = join(photos, 'broken');
  await mkdir(broken, { recursive: true });
  await writeFile(join(broken, 'empty.jpg'), '');
  await writeFile(join(broken, 'notes.jpg'), 'this is not a photo\n');
  const jpeg = await sharp(join(knn, 'train/obama/obama.jpg')).jpeg().toBuffer();
  await writeFile(join(broken, 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  // A valid PNG header claiming 100000×100000 pixels: must be refused before decoding.
  const bomb = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
    .png()
    .toBuffer();
  bomb.writeUInt32BE(100_000, 16);
  bomb.writeUInt32BE(100_000, 20);
  await writeFile(join(broken, 'bomb.png'), bomb);
  // A real photo with the wrong extension is still a photo.
  await writeFile(
    join(broken, 'actually-png.jpg'),
    await sharp(join(knn, 'train/biden/biden.jpg')).png().toBuffer(),
  );
});

after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

test('scan groups each person of real photos, records every broken file, and rescans incrementally', {
  skip: needShared,
  timeout: 120_000,
}, async () => {
  const library = openLibrary(libraryDir, { create: true });
  try {
    const first = await runScanJob({ library, roots: [photos], pipeline: 'faceplugin', workers: 2 });
    assert.equal(first.scan.state, 'done');
    const skipped = new Map(first.scan.skippedFiles.map((s) => [basename(s.path), s.reason]));
    assert.equal(skipped.get('empty.jpg'), 'empty-file');
    assert.equal(skipped.get('notes.jpg'), 'not-an-image');
    assert.equal(skipped.get('truncated.jpg'), 'corrupt');
    assert.equal(skipped.get('bomb.png'), 'too-large');
    assert.equal(skipped.has('actually-png.jpg'), false);
    assert.equal(first.scan.counts.analyzed, 10); // 9 training photos + the mislabelled PNG

    // Every identity's training photos share one person, and no person mixes identities.
    const people = library.read.listPeopleWithFaces();
    const identityOf = (path: string): string =>
      path.includes('/train/') ? basename(dirname(path)) : 'biden';
    const personsOfIdentity = new Map<string, Set<number>>();
    for (const p of people) {
      const identities = new Set(p.faces.map((f) => identityOf(f.path)));
      assert.equal(identities.size, 1, `person ${p.id} mixes ${[...identities].join(', ')}`);
      for (const id of identities)
        personsOfIdentity.set(id, (personsOfIdentity.get(id) ?? new Set()).add(p.id));
    }
    for (const name of ['biden', 'kit_harington', 'obama', 'rose_leslie']) {
      assert.equal(personsOfIdentity.get(name)?.size, 1, `${name} should be exactly one person`);
    }
    const biden = people.find((p) => p.faces.some((f) => f.path.endsWith('actually-png.jpg')));
    assert.ok(biden && biden.faces.length >= 3, 'the mislabelled PNG joins Biden');

    // Nothing changed: the second scan analyses nothing and keeps person ids.
    const second = await runScanJob({ library, roots: [photos], pipeline: 'faceplugin', workers: 2 });
    assert.equal(second.scan.counts.analyzed, 0);
    assert.equal(second.scan.counts.unchanged, 14); // broken files are not retried either
    assert.deepEqual(
      library.read.listPeopleWithFaces().map((p) => [p.id, p.faces.map((f) => f.faceId)]),
      people.map((p) => [p.id, p.faces.map((f) => f.faceId)]),
    );
    assert.equal(library.db.pragma('integrity_check', { simple: true }), 'ok');

    // Names travel with the photos: export XMP sidecars, then a fresh library scanning the same
    // folder reads them back onto the same faces.
    const obama = people.find((p) => p.faces.some((f) => f.path.includes('/obama/')))!;
    new Corrections(library).renamePerson(obama.id, 'Barack Obama');
    const exported = await runExport(library.read, { format: 'xmp' });
    assert.equal(exported.format === 'xmp' && exported.photos, 2);
    const fresh = openLibrary(join(root, 'fresh-library'), { create: true });
    try {
      const scan = await runScanJob({ library: fresh, roots: [photos], pipeline: 'faceplugin', workers: 2 });
      assert.equal(scan.imported?.named, 2);
      const named = fresh.read.listPeopleWithFaces().filter((p) => p.name === 'Barack Obama');
      assert.equal(named.length, 1);
      assert.deepEqual(
        named[0]!.faces.map((f) => basename(f.path)).sort(),
        obama.faces.map((f) => basename(f.path)).sort(),
      );
    } finally {
      fresh.close();
    }
  } finally {
    library.close();
  }
});

test('a damaged model file stops the scan with one clear error and marks no photo', {
  skip: needShared,
  timeout: 60_000,
}, async () => {
  const models = join(root, 'damaged-models');
  await mkdir(models, { recursive: true });
  await cp(join(sharedModelsDir, 'mobilefacenet_foamliu.onnx'), join(models, 'mobilefacenet_foamliu.onnx'));
  const yunet = await readFile(join(sharedModelsDir, 'yunet_n_dynamic.onnx'));
  await writeFile(join(models, 'yunet_n_dynamic.onnx'), yunet.subarray(0, 1000)); // an interrupted copy
  const library = openLibrary(join(root, 'damaged-model-library'), { create: true });
  try {
    await assert.rejects(
      runScanJob({
        library,
        roots: [join(photos, 'train', 'obama')],
        pipeline: 'fast',
        modelsDir: models,
        workers: 1,
      }),
      (e: unknown) =>
        e instanceof Error &&
        e.name === 'PipelineInitError' &&
        /yunet_n_dynamic\.onnx has sha256 .* expected/.test(e.message),
    );
    // Before models loaded at start, every photo was recorded as failed, and not retried later.
    assert.equal(library.db.prepare('SELECT count(*) FROM photos').pluck().get(), 0);
  } finally {
    library.close();
  }
});
