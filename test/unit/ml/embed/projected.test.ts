// The projected embedder (faceplugin's 512-d → 128-d): a hand-computed 3→2 map applied to the
// embedding and its unblurred twin, how the manifest entry is built, and on a real photo the
// projected pipeline equals the 512-d pipeline's embedding mapped by the shipped projection.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RgbImage } from '../../../../ml/align/warp.ts';
import { createEmbedder } from '../../../../ml/embed/create.ts';
import type { EmbedResult, FaceEmbedder } from '../../../../ml/embed/embedder.ts';
import { ProjectedEmbedder } from '../../../../ml/embed/projected.ts';
import { applyProjection, type Projection } from '../../../../ml/embed/projection.ts';
import { modelById } from '../../../../ml/models/manifest.ts';
import { loadProjection, ModelSession } from '../../../../ml/models/registry.ts';
import { createPipeline } from '../../../../ml/pipeline.ts';
import type { Landmarks5 } from '../../../../ml/types.ts';
import { needShared, sharedDataDir, sharedModelsDir } from '../../../helpers/shared.ts';

const near = (a: ArrayLike<number>, b: readonly number[], eps = 1e-6) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= eps, `[${i}] ${a[i]} vs ${b[i]}`);
};

const crop: RgbImage = { data: new Uint8Array(3), width: 1, height: 1 };
const points = [
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
  [0.5, 0.5],
] as unknown as Landmarks5;

/** A stand-in inner embedder that returns fixed vectors. */
function fixed(result: Omit<EmbedResult, 'crop'>, size = 3): FaceEmbedder {
  return { size, embed: async () => ({ ...result, crop }) };
}

// Mean (1, 1, 0); rows (1, 1, 0)/√2 and (0, 0, 1).
const P: Projection = {
  inDim: 3,
  outDim: 2,
  mean: Float32Array.of(1, 1, 0),
  basis: Float32Array.of(Math.SQRT1_2, Math.SQRT1_2, 0, 0, 0, 1),
};

test('maps the embedding and the unblurred one by the projection, normalised', async () => {
  const e = new ProjectedEmbedder(
    fixed({ embedding: Float32Array.of(2, 4, 3), unblurred: Float32Array.of(1, 1, -2) }),
    P,
  );
  assert.equal(e.size, 2);
  const r = await e.embed(crop, points);
  // (2,4,3) − mean = (1,3,3) → (4/√2, 3) = (2√2, 3), norm √17.
  near(r.embedding, [(2 * Math.SQRT2) / Math.sqrt(17), 3 / Math.sqrt(17)]);
  // (1,1,−2) − mean = (0,0,−2) → (0, −2) → (0, −1).
  near(r.unblurred!, [0, -1]);
  assert.equal(r.crop, crop);
});

test('no unblurred embedding in, none out; a projection of the wrong width is refused', async () => {
  const r = await new ProjectedEmbedder(fixed({ embedding: Float32Array.of(1, 1, 5) }), P).embed(
    crop,
    points,
  );
  near(r.embedding, [0, 1]);
  assert.equal('unblurred' in r, false);
  assert.throws(() => new ProjectedEmbedder(fixed({ embedding: Float32Array.of(1, 2) }, 2), P), /3-d/);
});

test('the 128-d entry runs faceplugin-feature’s session and the shipped projection', () => {
  const opened: string[] = [];
  const session = (id: string) => {
    opened.push(id);
    return new ModelSession(modelById(id), {}, { threads: 1 });
  };
  const { embedder, sessions } = createEmbedder(modelById('faceplugin-feature-128'), session);
  assert.ok(embedder instanceof ProjectedEmbedder);
  assert.equal(embedder.size, 128);
  assert.deepEqual(opened, ['faceplugin-feature']);
  assert.deepEqual(
    sessions.map((s) => s.entry.id),
    ['faceplugin-feature'],
  );
});

test('on a real photo the 128-d pipeline gives the 512-d embedding projected', {
  skip: needShared,
}, async () => {
  const photo = join(sharedDataDir, 'lfw-dev/Aaron_Sorkin/Aaron_Sorkin_0001.jpg');
  const opts = { modelsDir: sharedModelsDir, threads: 1 };
  const [small, full] = await Promise.all(
    ['yunet-faceplugin-128', 'yunet-faceplugin'].map((id) => createPipeline({ ...opts, pipeline: id })),
  );
  try {
    assert.equal(small!.embeddingSize, 128);
    assert.equal(small!.embedderId, 'faceplugin-feature-128');
    const [a, b] = await Promise.all([small!, full!].map((p) => p.analyzeFile(photo)));
    const big = (r: typeof a) => r!.faces.reduce((x, y) => (y.box.w > x.box.w ? y : x)).embedding;
    const expected = applyProjection(loadProjection(modelById('faceplugin-feature-128')), big(b));
    near(big(a), [...expected], 1e-5);
  } finally {
    await Promise.all([small!, full!].map((p) => p.close()));
  }
});
