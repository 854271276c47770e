import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import {
  type ModelEntry,
  modelById,
  modelFileIds,
  PIPELINES,
  pipelineById,
} from '../../../ml/models/manifest.ts';
import {
  loadProjection,
  ModelFileError,
  ModelSession,
  ort,
  ortSessionOptions,
  pipelineUnavailable,
  projectionPath,
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
    // New libraries store the 128-d form: each 128-d pipeline comes before its 512-d twin.
    assert.equal((await resolvePipeline('auto', { modelsDir: empty })).id, 'faceplugin-128');
    if (needShared) return t.skip(needShared);
    assert.equal((await resolvePipeline('auto', { modelsDir: sharedModelsDir })).id, PIPELINES[0]!.id);
    assert.equal(PIPELINES[0]!.id, 'yunet-faceplugin-128');
    // Only YuNet present: the MobileFaceNet pipeline is unavailable, YuNet + npm embedder is next.
    await copyFile(join(sharedModelsDir, 'yunet_n_dynamic.onnx'), join(empty, 'yunet_n_dynamic.onnx'));
    const p = await resolvePipeline('auto', { modelsDir: empty });
    assert.equal(p.detector, 'yunet-n');
    assert.equal(p.embedder, 'faceplugin-feature-128');
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

test('the shipped 128-d projection verifies, loads once and is orthonormal', async () => {
  const entry = modelById('faceplugin-feature-128');
  assert.deepEqual(modelFileIds(entry.id), ['faceplugin-feature']);
  const path = await verifiedModelPath(entry, {});
  assert.match(path, /fr_feature\.onnx \+ .*resources\/projections\/faceplugin-feature-pca128\.bin$/);
  const p = loadProjection(entry);
  assert.equal(loadProjection(entry), p, 'decoded once per process');
  assert.deepEqual([p.inDim, p.outDim], [512, 128]);
  let worst = 0;
  for (let a = 0; a < p.outDim; a++) {
    for (let b = a; b < p.outDim; b++) {
      let dot = 0;
      for (let i = 0; i < p.inDim; i++) dot += p.basis[a * p.inDim + i]! * p.basis[b * p.inDim + i]!;
      worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
    }
  }
  assert.ok(worst < 1e-4, `rows orthonormal to ${worst}`);
  assert.equal(await pipelineUnavailable(pipelineById('faceplugin-128'), {}), null);
});

test('a projection file that is missing or altered is refused, naming it and the expected hash', async () => {
  const shipped = modelById('faceplugin-feature-128');
  if (shipped.source.kind !== 'projected') throw new Error('faceplugin-feature-128 is a projection');
  const dir = await mkdtemp(join(tmpdir(), 'kith-projection-'));
  const altered = join(dir, 'altered.bin');
  // An absolute resource path stays as it is (resources are otherwise relative to the app root).
  const source = { ...shipped.source, resource: altered };
  const entry: ModelEntry = { ...shipped, source };
  assert.equal(projectionPath(source), altered);
  try {
    assert.throws(() => loadProjection(entry), /Projection file missing: .*altered\.bin.*3919096d/);
    const bytes = await readFile(projectionPath(shipped.source));
    bytes[bytes.length - 1]! ^= 1;
    await writeFile(altered, bytes);
    const refused = (err: unknown) => {
      assert.ok(err instanceof ModelFileError);
      assert.equal(err.file, altered);
      assert.match(err.message, /Projection file .*altered\.bin has sha256 [0-9a-f]{64}, expected 3919096d/);
      assert.match(err.message, /reinstall Kith/);
      return true;
    };
    assert.throws(() => loadProjection(entry), refused);
    await assert.rejects(verifiedModelPath(entry, {}), refused);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
