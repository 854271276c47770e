// A face the user draws is embedded like a scanned one: same embed step, including the pipeline's
// mirrored-crop setting (the `fast` pipeline embeds one crop; manual faces did two before).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { squaredL2 } from '../../../ml/embed/vector.ts';
import { decodeImage } from '../../../ml/image/decode.ts';
import { ManualFaceEmbedder } from '../../../ml/manual-face.ts';
import { createPipeline } from '../../../ml/pipeline.ts';
import { needShared, sharedDataDir, sharedModelsDir } from '../../helpers/shared.ts';

test('a drawn box on a detected face gets the scan’s embedding in the fast pipeline', {
  skip: needShared,
}, async () => {
  const photo = join(sharedDataDir, 'lfw-dev/Aaron_Sorkin/Aaron_Sorkin_0001.jpg');
  const scan = await createPipeline({ pipeline: 'fast', modelsDir: sharedModelsDir, threads: 1 });
  const manual = await ManualFaceEmbedder.create({
    pipeline: 'fast',
    modelsDir: sharedModelsDir,
    threads: 1,
  });
  try {
    const found = await scan.analyzeFile(photo);
    const face = found.faces.reduce((a, b) => (b.box.w > a.box.w ? b : a));
    const img = await decodeImage(photo);
    const drawn = await manual.embedBox(img, face.box);
    // The detector's own points on the same box: the same crop, so the same vector when the
    // embed steps match (one crop each); the mirrored sum would be ~0.05 away.
    assert.ok(
      squaredL2(drawn.embedding, face.embedding) < 1e-3,
      `${squaredL2(drawn.embedding, face.embedding)}`,
    );
  } finally {
    await Promise.all([scan.close(), manual.close()]);
  }
});
