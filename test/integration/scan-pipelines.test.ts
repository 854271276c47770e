// What a scan stores and records for the pipeline it runs. The paper's 128 bytes by default: a new
// library analysed by the default pipeline stores each face as 128-d (512 B float32 + 128 B int8),
// and a library a 512-d pipeline analysed keeps that pipeline when scanned with 'auto' (no photo
// analysed again, its faces stay comparable). The model files behind the faces are recorded.
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runScanJob } from '../../electron/core/scan-job.ts';
import { type Library, openLibrary } from '../../electron/core/store/library.ts';
import { needShared, sharedDataDir, sharedModelsDir } from '../helpers/shared.ts';

const knn = join(sharedDataDir, 'photos-dev/face_recognition/examples/knn_examples/train');
let root = '';
let photos = '';

before(async () => {
  if (needShared) return;
  root = await mkdtemp(join(tmpdir(), 'kith-scan-pipelines-'));
  photos = join(root, 'photos');
  await cp(join(knn, 'biden'), join(photos, 'biden'), { recursive: true });
});

after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** Every stored face's embedder and blob sizes (the faces table as SQLite has it). */
function storedFaces(library: Library): Array<{ e: string; float: number; int8: number }> {
  return library.db
    .prepare<[], { e: string; float: number; int8: number }>(
      `SELECT embedder_id AS e, length(embedding) AS float, length(embedding_q) AS int8
       FROM faces WHERE embedding IS NOT NULL`,
    )
    .all();
}

test('a new library scanned with the default pipeline stores 128-byte int8 and 512-byte float faces', {
  skip: needShared,
  timeout: 180_000,
}, async () => {
  const library = openLibrary(join(root, 'new'), { create: true });
  try {
    const r = await runScanJob({ library, roots: [photos], modelsDir: sharedModelsDir, workers: 1 });
    assert.equal(r.scan.state, 'done');
    assert.equal(r.pipeline.id, 'yunet-faceplugin-128');
    assert.equal(r.pipeline.embeddingSize, 128);
    const faces = storedFaces(library);
    assert.ok(faces.length >= 2, `${faces.length} faces in two photos of Biden`);
    for (const f of faces) assert.deepEqual(f, { e: 'faceplugin-feature-128', float: 512, int8: 128 });
    // Provenance: the projection's sha256 and the model file it projects.
    const models = library.db.prepare<[], { id: string }>('SELECT id FROM models ORDER BY id').all();
    assert.deepEqual(
      models.map((m) => m.id),
      ['faceplugin-feature', 'faceplugin-feature-128', 'yunet-n'],
    );
  } finally {
    library.close();
  }
});

test('a library analysed at 512-d keeps its pipeline under auto: nothing analysed again', {
  skip: needShared,
  timeout: 180_000,
}, async () => {
  const library = openLibrary(join(root, 'old'), { create: true });
  try {
    const opts = { library, roots: [photos], modelsDir: sharedModelsDir, workers: 1 };
    const first = await runScanJob({ ...opts, pipeline: 'yunet-faceplugin' });
    assert.equal(first.scan.counts.analyzed, 2);
    const again = await runScanJob(opts); // pipeline 'auto', as the app's default setting passes it
    assert.equal(again.pipeline.id, 'yunet-faceplugin');
    assert.deepEqual([again.scan.counts.analyzed, again.scan.counts.unchanged], [0, 2]);
    const faces = storedFaces(library);
    assert.ok(faces.length >= 2);
    for (const f of faces) assert.deepEqual(f, { e: 'faceplugin-feature', float: 2048, int8: 512 });
  } finally {
    library.close();
  }
});

test('a fused pipeline records its parts’ files, not a row without a hash', {
  skip: needShared,
  timeout: 180_000,
}, async () => {
  // The models table checks sha256 is 64 hex digits; the fusion entry has none of its own.
  const library = openLibrary(join(root, 'fused'), { create: true });
  try {
    const r = await runScanJob({
      library,
      roots: [photos],
      modelsDir: sharedModelsDir,
      workers: 1,
      pipeline: 'accurate',
    });
    assert.equal(r.scan.counts.analyzed, 2);
    const models = library.db.prepare<[], { id: string }>('SELECT id FROM models ORDER BY id').all();
    assert.deepEqual(
      models.map((m) => m.id),
      ['faceplugin-feature', 'mobilefacenet', 'yunet-n'],
    );
  } finally {
    library.close();
  }
});
