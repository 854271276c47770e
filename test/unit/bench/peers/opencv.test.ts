// The OpenCV peer's own pieces (bench/peers/opencv_pipeline.py): the ONNX rewrites that let
// OpenCV 4.6 import YuNet and MobileFaceNet, and the alignment onto Kith's ArcFace template.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { DEFAULT_PYTHON, opencvStatus } from '../../../../bench/peers/run.ts';
import { ARCFACE_112 } from '../../../../ml/align/similarity.ts';
import { needShared, repoRoot, sharedModelsDir } from '../../../helpers/shared.ts';

const cv = await opencvStatus();
const skip = needShared || (cv.ok ? false : cv.reason);

const PROBE = `
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import opencv_pipeline as p
models, template = sys.argv[2], json.loads(sys.argv[3])
out = {}
det = p.YuNet(models + '/yunet_n_dynamic.onnx', 0.3, 0)
net = det._net(64, 96)
net.setInput(np.zeros((1, 3, 64, 96), np.float32))
outs = dict(zip(det.names, net.forward(det.names)))
out['cls_8_rows'] = int(outs['cls_8'].reshape(-1).size)
out['kps_32_shape'] = list(outs['kps_32'].shape)
emb = p.Embedder(models + '/mobilefacenet_foamliu.onnx', template, 112, 127.5, 127.5, True)
rng = np.random.default_rng(1)
img = rng.integers(0, 256, (112, 112, 3), dtype=np.uint8)
v = emb.embed(img)
out['dim'] = int(v.size)
out['norm'] = float(np.linalg.norm(v))
crop = emb.align(img, np.asarray(template, np.float32).reshape(-1))
out['identity_max_diff'] = int(np.abs(crop.astype(int) - img.astype(int))[4:-4, 4:-4].max())
shifted = emb.align(np.pad(img, ((10, 0), (20, 0), (0, 0))), (np.asarray(template) + [20, 10]).reshape(-1))
out['shift_max_diff'] = int(np.abs(shifted.astype(int) - img.astype(int))[4:-4, 4:-4].max())
print(json.dumps(out))
`;

test('OpenCV 4.6 imports both models after the rewrites; alignment uses the ArcFace template', {
  skip,
  timeout: 60_000,
}, async () => {
  const { stdout } = await promisify(execFile)(DEFAULT_PYTHON, [
    '-c',
    PROBE,
    join(repoRoot, 'bench/peers'),
    sharedModelsDir,
    JSON.stringify(ARCFACE_112),
  ]);
  const r = JSON.parse(stdout) as {
    cls_8_rows: number;
    kps_32_shape: number[];
    dim: number;
    norm: number;
    identity_max_diff: number;
    shift_max_diff: number;
  };
  // Static input 64×96: stride 8 → 8×12 cells; stride 32 → 2×3 cells × 10 landmark coordinates.
  assert.equal(r.cls_8_rows, 96);
  assert.deepEqual(r.kps_32_shape, [1, 6, 10]);
  assert.equal(r.dim, 128);
  assert.ok(Math.abs(r.norm - 1) < 1e-4, `embedding norm ${r.norm}`);
  // Points already on the template: the crop is the image; points shifted by (20, 10): undone.
  assert.ok(r.identity_max_diff <= 1, `identity alignment differs by ${r.identity_max_diff}`);
  assert.ok(r.shift_max_diff <= 1, `translation not undone: ${r.shift_max_diff}`);
});
