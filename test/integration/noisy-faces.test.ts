// Small, over-compressed faces (ml/embed/noise.ts) on real LFW photos through the app's pipeline:
// degraded faces measure as noisy and clean ones do not, and forgiving the noise groups the
// degraded faces of a person together without joining different people; the attach pass then joins
// the faces that still split off.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { embedCentralFaces } from '../../bench/lfw.ts';
import { cluster } from '../../ml/cluster/index.ts';
import { slackOf } from '../../ml/embed/noise.ts';
import { pairwiseScores } from '../../ml/metrics/clustering.ts';
import { modelById } from '../../ml/models/manifest.ts';
import { needShared, sharedDataDir, sharedModelsDir } from '../helpers/shared.ts';

const lfw = join(sharedDataDir, 'lfw-dev');
const degrade = { scale: 0.5, quality: 20 };

/** The first 5 photos of the first 12 people (by name) with at least 5. */
async function sample(): Promise<{ files: string[]; truth: Int32Array }> {
  const files: string[] = [];
  const truth: number[] = [];
  for (const person of (await readdir(lfw, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    const photos = (await readdir(join(lfw, person))).filter((f) => f.endsWith('.jpg')).sort();
    if (photos.length < 5) continue;
    for (const p of photos.slice(0, 5)) {
      files.push(`${person}/${p}`);
      truth.push(truth.length / 5);
    }
    if (files.length === 60) break;
  }
  return { files, truth: Int32Array.from(truth, (t) => Math.floor(t)) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test('degraded faces measure noisy, and their slack groups people without merging them', {
  skip: needShared,
}, async () => {
  const { files, truth } = await sample();
  const options = { pipeline: 'yunet-faceplugin', modelsDir: sharedModelsDir, threads: 1 };
  const clean = await embedCentralFaces(lfw, files, options);
  const degraded = await embedCentralFaces(lfw, files, { ...options, degrade });
  assert.equal(degraded.noFace, 0, 'every degraded face is still found');
  const cleanNoise = files.map((f) => clean.noise.get(f)!);
  const degradedNoise = files.map((f) => degraded.noise.get(f)!);
  assert.ok(median(cleanNoise) < 0.015, `clean median noise ${median(cleanNoise)}`);
  assert.ok(median(degradedNoise) > 0.03, `degraded median noise ${median(degradedNoise)}`);

  const dim = modelById('faceplugin-feature').embeddingSize!;
  const data = new Float32Array(files.length * dim);
  for (const [i, f] of files.entries()) data.set(degraded.embeddings.get(f)!, i * dim);
  const threshold = modelById('faceplugin-feature').clusterThreshold!;
  const k = modelById('faceplugin-feature').noiseSlack!;
  const plain = pairwiseScores((await cluster(data, { dim, threshold })).labels, truth);
  const slack = slackOf(Float32Array.from(degradedNoise), k);
  const forgiving = pairwiseScores((await cluster(data, { dim, threshold, slack })).labels, truth);
  assert.equal(forgiving.precision, 1, 'no two people joined');
  assert.ok(
    forgiving.recall > plain.recall + 0.04,
    `recall ${plain.recall.toFixed(3)} → ${forgiving.recall.toFixed(3)} with the slack`,
  );
});

test('the attach pass joins the split-off faces of degraded people, joining nobody else', {
  skip: needShared,
}, async () => {
  // Three people photographed over years (30 photos each), at half size + JPEG q20: average
  // linkage splits each into a large cluster and small ones; the small ones sit next to part
  // of the large one.
  const files: string[] = [];
  const truth: number[] = [];
  for (const [i, person] of ['Colin_Powell', 'Hugo_Chavez', 'Tony_Blair'].entries()) {
    for (const f of (await readdir(join(lfw, person))).sort().slice(0, 30)) {
      files.push(`${person}/${f}`);
      truth.push(i);
    }
  }
  const pipeline = 'yunet-faceplugin-128';
  const d = await embedCentralFaces(lfw, files, {
    pipeline,
    modelsDir: sharedModelsDir,
    threads: 1,
    degrade,
  });
  assert.equal(d.noFace, 0);
  const e = modelById('faceplugin-feature-128');
  const dim = e.embeddingSize!;
  const data = new Float32Array(files.length * dim);
  for (const [i, f] of files.entries()) data.set(d.embeddings.get(f)!, i * dim);
  const slack = slackOf(
    Float32Array.from(files, (f) => d.noise.get(f)!),
    e.noiseSlack!,
  );
  const threshold = e.clusterThreshold!;
  const attach = { k: e.clusterAttach!.k, threshold: e.clusterAttach!.ratio * threshold };
  const labels = Int32Array.from(truth);
  const options = { dim, threshold, minClusterSize: 2, slack };
  const without = pairwiseScores((await cluster(data, options)).labels, labels);
  const withAttach = pairwiseScores((await cluster(data, { ...options, attach })).labels, labels);
  assert.equal(withAttach.precision, 1, 'no two people joined');
  assert.ok(
    withAttach.recall > without.recall + 0.08,
    `recall ${without.recall.toFixed(3)} → ${withAttach.recall.toFixed(3)} with the attach pass`,
  );
});
