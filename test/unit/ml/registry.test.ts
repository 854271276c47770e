import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { modelById, PIPELINES, pipelineById } from '../../../ml/models/manifest.ts';
import {
  ModelFileError,
  ModelSession,
  ort,
  ortSessionOptions,
  resolvePipeline,
  verifiedModelPath,
} from '../../../ml/models/registry.ts';
import { needShared, sharedModelsDir } from '../../helpers/shared.ts';

test('npm-shipped models are present and verified after npm install', async () => {
  for (const id of ['faceplugin-rfb320', 'faceplugin-landmark68', 'faceplugin-feature']) {
    const path = await verifiedModelPath(modelById(id), {});
    assert.match(path, /faceplugin-face-recognition-js/);
  }
});

test('a models-dir model without a models folder is a clear error', async () => {
  const saved = process.env.KITH_MODELS_DIR;
  delete process.env.KITH_MODELS_DIR;
  try {
    await assert.rejects(
      verifiedModelPath(modelById('yunet-n'), {}),
      /--models-dir DIR or set KITH_MODELS_DIR/,
    );
  } finally {
    if (saved !== undefined) process.env.KITH_MODELS_DIR = saved;
  }
});

test('a missing or altered model file names the file and the expected hash', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kith-models-'));
  try {
    const entry = modelById('mobilefacenet');
    await assert.rejects(verifiedModelPath(entry, { modelsDir: dir }), (err: unknown) => {
      assert.ok(err instanceof ModelFileError);
      assert.match(err.message, /mobilefacenet_foamliu\.onnx/);
      assert.match(err.message, new RegExp(entry.sha256));
      return true;
    });
    await writeFile(join(dir, 'mobilefacenet_foamliu.onnx'), 'not the model');
    await assert.rejects(
      verifiedModelPath(entry, { modelsDir: dir }),
      /has sha256 [0-9a-f]{64}, expected b7120c09/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('auto picks the best pipeline whose files verify, and falls back to the npm one', async (t) => {
  const empty = await mkdtemp(join(tmpdir(), 'kith-models-'));
  try {
    assert.equal((await resolvePipeline('auto', { modelsDir: empty })).id, 'faceplugin');
    if (needShared) return t.skip(needShared);
    assert.equal((await resolvePipeline('auto', { modelsDir: sharedModelsDir })).id, PIPELINES[0]!.id);
    // Only YuNet present: the MobileFaceNet pipeline is unavailable, YuNet + npm embedder is next.
    await copyFile(join(sharedModelsDir, 'yunet_n_dynamic.onnx'), join(empty, 'yunet_n_dynamic.onnx'));
    const p = await resolvePipeline('auto', { modelsDir: empty });
    assert.equal(p.detector, 'yunet-n');
    assert.equal(p.embedder, 'faceplugin-feature');
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});

test('unknown pipeline ids are errors that list the known ones', () => {
  assert.throws(() => pipelineById('nope'), /Known: .*faceplugin/);
});

test('session options: threads as asked, no spin-waiting, full graph optimisation', () => {
  const o = ortSessionOptions(2, ['cuda', 'cpu']);
  assert.equal(o.intraOpNumThreads, 2);
  assert.equal(o.interOpNumThreads, 1);
  assert.equal(o.graphOptimizationLevel, 'all');
  assert.deepEqual(o.executionProviders, ['cuda', 'cpu']);
  assert.deepEqual(o.extra, { session: { intra_op: { allow_spinning: '0' } } });
});

test('a GPU provider that cannot load falls back to the CPU, and the session says so', async () => {
  // onnxruntime-node ships CUDA only as an optional download (ONNXRUNTIME_NODE_INSTALL=cuda12);
  // without its shared libraries, asking for CUDA used to fail the whole session.
  const bin = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  const cudaInstalled = existsSync(
    join(bin, 'bin/napi-v6', process.platform, process.arch, 'libonnxruntime_providers_shared.so'),
  );
  const m = new ModelSession(
    modelById('faceplugin-landmark68'),
    {},
    { threads: 1, providers: ['cuda', 'cpu'] },
  );
  assert.equal(m.created, false);
  assert.deepEqual(m.providers, ['cuda', 'cpu']);
  try {
    const out = await m.run({ input: new ort.Tensor('float32', new Float32Array(64 * 64), [1, 1, 64, 64]) });
    assert.equal(out.output?.dims.at(-1), 136);
    assert.equal(m.created, true);
    if (process.platform === 'linux' && !cudaInstalled) assert.deepEqual(m.providers, ['cpu']);
    else assert.equal(m.providers.at(-1), 'cpu');
  } finally {
    await m.close();
  }
});
