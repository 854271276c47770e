// `kith bench speed` on a few real WIDER FACE photos: the figures it reports come from a real scan,
// the detection check reads the ground truth beside the photos, and the execution providers the
// sessions actually run on are reported (CPU on a machine without GPU libraries).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { benchSpeed } from '../../../bench/cli/bench-speed.ts';
import { parseWiderGroundTruth } from '../../../bench/verify/wider.ts';
import { needShared, sharedDataDir, sharedModelsDir } from '../../helpers/shared.ts';

const wider = join(sharedDataDir, 'wider-dev');

test('bench speed: photos/s, CPU time, stages, recall and providers from a real scan', {
  skip: needShared,
  timeout: 180_000,
}, async () => {
  const root = await mkdtemp(join(tmpdir(), 'kith-bench-speed-test-'));
  try {
    const folder = '20--Family_Group';
    const names = (await readdir(join(wider, 'images', folder))).sort().slice(0, 4);
    await mkdir(join(root, 'images', folder), { recursive: true });
    const gt = parseWiderGroundTruth(await readFile(join(wider, 'wider_face_bbx_gt.txt'), 'utf8'));
    const lines: string[] = [];
    for (const name of names) {
      await copyFile(join(wider, 'images', folder, name), join(root, 'images', folder, name));
      const faces = gt.get(`${folder}/${name}`) ?? [];
      lines.push(`${folder}/${name}`, String(faces.length));
      for (const f of faces)
        lines.push(`${f.box.x} ${f.box.y} ${f.box.w} ${f.box.h} 0 0 0 ${f.invalid ? 1 : 0} 0 0`);
      if (faces.length === 0) lines.push('0 0 0 0 0 0 0 0 0 0');
    }
    await writeFile(join(root, 'wider_face_bbx_gt.txt'), `${lines.join('\n')}\n`);

    const { json } = await benchSpeed(join(root, 'images'), {
      pipeline: 'yunet-faceplugin',
      modelsDir: sharedModelsDir,
      workers: 1,
      limit: 2,
    });
    assert.equal(json.pipeline, 'yunet-faceplugin');
    assert.equal(json.photos, names.length);
    assert.ok(json.faces >= names.length, `${json.faces} faces in ${names.length} family photos`);
    assert.ok(json.photos_per_second > 0 && json.cpu_seconds > 0);
    assert.ok(json.photos_per_cpu_second > 0);
    assert.equal(json.stages.photos, 2);
    assert.ok(json.stages.detect_ms > 0 && json.stages.embed_ms > 0);
    assert.ok(json.detection && json.detection.ground_truth > 0);
    assert.ok(json.detection.recall > 0.7, `recall ${json.detection.recall}`);
    assert.equal(json.providers.at(-1), 'cpu');
    const ortDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const gpuLibs = existsSync(
      join(ortDir, 'bin/napi-v6', process.platform, process.arch, 'libonnxruntime_providers_shared.so'),
    );
    if (process.platform === 'linux' && !gpuLibs) assert.deepEqual(json.providers, ['cpu']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
