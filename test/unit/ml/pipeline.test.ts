// Pipeline assembly: the 'fast' entry really embeds one crop (no mirrored second pass), the default
// keeps YuNet's 5 points, and the pipeline reports the execution providers its sessions run on.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { squaredL2 } from '../../../ml/embed/vector.ts';
import { decodeImageBuffer } from '../../../ml/image/decode.ts';
import { decodeDegraded } from '../../../ml/image/degrade.ts';
import { pipelineById } from '../../../ml/models/manifest.ts';
import { createPipeline } from '../../../ml/pipeline.ts';
import type { PhotoAnalysis } from '../../../ml/types.ts';
import { needShared, sharedDataDir, sharedModelsDir } from '../../helpers/shared.ts';

const photo = join(sharedDataDir, 'lfw-dev/Aaron_Sorkin/Aaron_Sorkin_0001.jpg');

test('the fast pipeline is MobileFaceNet without the mirrored crop; auto prefers YuNet + faceplugin at 128-d', async (t) => {
  assert.equal(pipelineById('fast').flip, false);
  assert.equal(pipelineById('fast').embedder, 'mobilefacenet');
  if (needShared) return t.skip(needShared);
  const auto = await createPipeline({ modelsDir: sharedModelsDir, threads: 1 });
  const fast = await createPipeline({ pipeline: 'fast', modelsDir: sharedModelsDir, threads: 1 });
  const noFlip = await createPipeline({
    pipeline: 'yunet-mobilefacenet',
    modelsDir: sharedModelsDir,
    threads: 1,
    flip: false,
  });
  const flip = await createPipeline({
    pipeline: 'yunet-mobilefacenet',
    modelsDir: sharedModelsDir,
    threads: 1,
  });
  try {
    assert.equal(auto.id, 'yunet-faceplugin-128');
    assert.equal(auto.embeddingSize, 128);
    const [a, b, c] = await Promise.all([fast, noFlip, flip].map((p) => p.analyzeFile(photo)));
    const central = (r: PhotoAnalysis | undefined) => {
      assert.ok(r && r.faces.length > 0, 'a face in the LFW photo');
      return r.faces.reduce((x, y) => (y.box.w > x.box.w ? y : x));
    };
    // Same crop, same model, one pass each: identical vectors. The mirrored sum differs.
    assert.deepEqual(central(a).embedding, central(b).embedding);
    const d = squaredL2(central(a).embedding, central(c).embedding);
    assert.ok(d > 1e-4 && d < 0.5, `flip vs no flip distance ${d}`);
  } finally {
    await Promise.all([auto, fast, noFlip, flip].map((p) => p.close()));
  }
});

test('a pipeline reports its execution providers, CPU last', { skip: needShared }, async () => {
  const p = await createPipeline({ pipeline: 'yunet-faceplugin', modelsDir: sharedModelsDir, threads: 1 });
  try {
    await p.ready();
    assert.ok(p.providers.length >= 1);
    assert.equal(p.providers.at(-1), 'cpu');
    const saved = process.env.KITH_PROVIDERS;
    process.env.KITH_PROVIDERS = 'cpu';
    try {
      const forced = await createPipeline({
        pipeline: 'yunet-faceplugin',
        modelsDir: sharedModelsDir,
        threads: 1,
      });
      await forced.ready();
      assert.deepEqual(forced.providers, ['cpu']);
      await forced.close();
    } finally {
      if (saved === undefined) delete process.env.KITH_PROVIDERS;
      else process.env.KITH_PROVIDERS = saved;
    }
  } finally {
    await p.close();
  }
});

test('noise is measured on small, compressed photos’ faces, not on good JPEGs or camera originals', {
  skip: needShared,
}, async () => {
  const p = await createPipeline({ pipeline: 'yunet-faceplugin', modelsDir: sharedModelsDir, threads: 1 });
  try {
    const central = (r: PhotoAnalysis) => r.faces.reduce((x, y) => (y.box.w > x.box.w ? y : x));
    const lfw = await p.analyzeFile(photo); // 250 px, saved at quality 90
    assert.equal(central(lfw).noise, undefined, 'a good-quality JPEG is not measured');
    const degraded = await p.analyzeDecoded(await decodeDegraded(photo, { scale: 0.5, quality: 20 }));
    assert.ok(central(degraded).noise! > 0.02, `half size + q20: noise ${central(degraded).noise}`);
    const resaved = await p.analyzeDecoded(await decodeDegraded(photo, { scale: 1, quality: 60 }));
    assert.ok(central(resaved).noise! > 0, 'full size + q60: measured');
    assert.ok(central(resaved).noise! < central(degraded).noise!, 'and less noisy than half size + q20');
    // Enlarged to 3,200 px it is a camera original, even at a low quality: one inference, no noise.
    const big = await sharp(photo).resize(3200, 3200).jpeg({ quality: 40 }).toBuffer();
    const camera = await p.analyzeDecoded(await decodeImageBuffer(big, { name: 'big.jpg' }));
    assert.equal(central(camera).noise, undefined);
  } finally {
    await p.close();
  }
});

test('a landmarks override aligns like the pipeline that has those landmarks', {
  skip: needShared,
}, async () => {
  const base = { modelsDir: sharedModelsDir, threads: 1 };
  const [overridden, builtIn, fivePoint] = await Promise.all([
    createPipeline({ ...base, pipeline: 'yunet-faceplugin', landmarks: 'faceplugin-landmark68' }),
    createPipeline({ ...base, pipeline: 'yunet-landmarks-faceplugin' }),
    createPipeline({ ...base, pipeline: 'yunet-faceplugin' }),
  ]);
  try {
    const [a, b, c] = await Promise.all([overridden, builtIn, fivePoint].map((p) => p.analyzeFile(photo)));
    const central = (r: PhotoAnalysis | undefined) => r!.faces.reduce((x, y) => (y.box.w > x.box.w ? y : x));
    assert.deepEqual(central(a).embedding, central(b).embedding);
    assert.ok(
      squaredL2(central(a).embedding, central(c).embedding) > 1e-4,
      'YuNet’s own 5 points align differently',
    );
  } finally {
    await Promise.all([overridden, builtIn, fivePoint].map((p) => p.close()));
  }
});
