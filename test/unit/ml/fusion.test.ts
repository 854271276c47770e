// Score fusion as one embedding (the `accurate` pipeline): hand-computed values, the distance
// identity it relies on, and the pipeline that runs it on a real photo.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fuseEmbeddings } from '../../../ml/embed/fusion.ts';
import { squaredL2 } from '../../../ml/embed/vector.ts';
import { modelById, modelFileIds, pipelineById } from '../../../ml/models/manifest.ts';
import { pipelineUnavailable, resolvePipeline } from '../../../ml/models/registry.ts';
import { createPipeline } from '../../../ml/pipeline.ts';
import { needShared, sharedDataDir, sharedModelsDir } from '../../helpers/shared.ts';

const close = (a: ArrayLike<number>, b: readonly number[]) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-6, `[${i}] ${a[i]} vs ${b[i]}`);
};

test('fuseEmbeddings normalises each part and scales it by √weight', () => {
  // [3,4] → [0.6,0.8]·√0.25; [2,0,0] → [1,0,0]·√0.75.
  const f = fuseEmbeddings([Float32Array.of(3, 4), Float32Array.of(2, 0, 0)], [0.25, 0.75]);
  close(f, [0.3, 0.4, Math.sqrt(0.75), 0, 0]);
  close([squaredL2(f, new Float32Array(5))], [1]);
  assert.throws(() => fuseEmbeddings([Float32Array.of(1)], [0.5]), /sum to 1/);
  assert.throws(() => fuseEmbeddings([Float32Array.of(1), Float32Array.of(1)], [1]), /weights/);
});

test('the fused squared L2 distance is the weighted sum of the parts’ distances', () => {
  const w = 0.25;
  const x = fuseEmbeddings([Float32Array.of(0.6, 0.8), Float32Array.of(1, 0, 0)], [w, 1 - w]);
  const y = fuseEmbeddings([Float32Array.of(0, 1), Float32Array.of(0, 1, 0)], [w, 1 - w]);
  // Parts: (0.6² + 0.2²) = 0.4 and 2; fused 0.25·0.4 + 0.75·2 = 1.6.
  close([squaredL2(x, y)], [1.6]);
});

test('the accurate pipeline needs both embedders, is never auto, and fuses them', {
  skip: needShared,
}, async () => {
  const p = pipelineById('accurate');
  assert.deepEqual(modelFileIds(p.embedder), ['faceplugin-feature', 'mobilefacenet']);
  assert.match(String(await pipelineUnavailable(p, { modelsDir: undefined })), /models folder/);
  assert.equal((await resolvePipeline('auto', { modelsDir: sharedModelsDir })).id, 'yunet-faceplugin-128');
  const photo = join(sharedDataDir, 'lfw-dev/Aaron_Sorkin/Aaron_Sorkin_0001.jpg');
  const opts = { modelsDir: sharedModelsDir, threads: 1, flip: true };
  const pipes = await Promise.all(
    ['accurate', 'yunet-faceplugin', 'yunet-mobilefacenet'].map((id) =>
      createPipeline({ ...opts, pipeline: id }),
    ),
  );
  try {
    const [acc, fp, mfn] = await Promise.all(pipes.map((x) => x.analyzeFile(photo)));
    const big = (r: typeof acc) => r!.faces.reduce((a, b) => (b.box.w > a.box.w ? b : a)).embedding;
    assert.equal(pipes[0]!.embeddingSize, 640);
    const fusion = modelById(p.embedder).source;
    assert.equal(fusion.kind, 'fusion');
    const weights = fusion.kind === 'fusion' ? fusion.parts.map((x) => x.weight) : [];
    close(big(acc), [...fuseEmbeddings([big(fp), big(mfn)], weights)]);
  } finally {
    await Promise.all(pipes.map((x) => x.close()));
  }
});
