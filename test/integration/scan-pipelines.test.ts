// What a scan stores and records for the pipeline it runs: the model files behind the faces.
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runScanJob } from '../../electron/core/scan-job.ts';
import { openLibrary } from '../../electron/core/store/library.ts';
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
