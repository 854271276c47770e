// `bench lfw|cluster --degrade`: the benchmark embeds the degraded copy, not the original.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { embedCentralFaces } from '../../../bench/lfw.ts';
import { squaredL2 } from '../../../ml/embed/vector.ts';
import { needShared, sharedDataDir, sharedModelsDir } from '../../helpers/shared.ts';

const dir = `${sharedDataDir}/lfw-dev`;
const files = ['Aaron_Sorkin/Aaron_Sorkin_0001.jpg', 'Aaron_Sorkin/Aaron_Sorkin_0002.jpg'];

test('embedCentralFaces embeds the shrunk, compressed copy when asked to', { skip: needShared }, async () => {
  const options = { pipeline: 'yunet-faceplugin', modelsDir: sharedModelsDir, threads: 1 };
  const clean = await embedCentralFaces(dir, files, options);
  const worse = await embedCentralFaces(dir, files, { ...options, degrade: { scale: 0.5, quality: 20 } });
  assert.equal(worse.noFace, 0);
  for (const f of files) {
    const d = squaredL2(clean.embeddings.get(f)!, worse.embeddings.get(f)!);
    // Changed by the degradation, yet still clearly the same face (verification threshold ~1.47).
    assert.ok(d > 0.02 && d < 1, `${f}: ${d.toFixed(3)}`);
  }
});
