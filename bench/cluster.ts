// `kith bench cluster`: embed every image of an identity-per-folder data set (LFW layout)
// through the app's pipeline, cluster like the People view does, and score against the folders.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cluster } from '../ml/cluster/index.ts';
import { slackOf } from '../ml/embed/noise.ts';
import type { Degrade } from '../ml/image/degrade.ts';
import { bcubedScores, pairwiseScores } from '../ml/metrics/clustering.ts';
import { type ClusterAttach, modelById, pipelineById } from '../ml/models/manifest.ts';
import { resolvePipeline } from '../ml/models/registry.ts';
import { type BenchImageOptions, benchNoiseSlack, embedCentralFaces } from './lfw.ts';
import { crossFitProject, int8RoundTrip } from './project.ts';

const IMAGE = /\.(jpe?g|png|webp)$/i;

export interface ClusterBenchResult {
  pipeline: string;
  embedder: string;
  /** The `--degrade` applied to every image, when one was. */
  degrade?: Degrade;
  /** With `--project N`: the dimensions clustered (each half of the identities projected by a PCA of the other). */
  projected_dim?: number;
  threshold: number;
  /** k of the per-face noise slack (ml/embed/noise.ts); 0 = plain distances. */
  noise_slack: number;
  /** The attach pass after the agglomeration (ml/cluster/attach.ts), or null when off. */
  attach: ClusterAttach | null;
  linkage: 'average';
  pairwise_f: number;
  pairwise_precision: number;
  pairwise_recall: number;
  bcubed_f: number;
  bcubed_precision: number;
  bcubed_recall: number;
  /** Clusters of ≥ 2 faces (what the People view shows), and faces left alone. */
  clusters: number;
  singletons: number;
  identities: number;
  faces: number;
  no_face: number;
  /** Clustering time only. */
  cluster_seconds: number;
  /** Embedding + clustering. */
  seconds: number;
  sweep?: Array<{
    threshold: number;
    pairwise_f: number;
    pairwise_precision: number;
    pairwise_recall: number;
    bcubed_f: number;
    clusters: number;
  }>;
}

export interface ClusterBenchOptions extends BenchImageOptions {
  /** Squared-L2 threshold; default the embedder's calibrated clustering threshold. */
  threshold?: number | undefined;
  /** Also score these thresholds (embedding is done once). */
  sweep?: readonly number[] | undefined;
  /** Cluster the embedding PCA-projected to this many dimensions, int8 (2-fold cross-fitted). */
  project?: number | undefined;
  /** The attach pass (ml/cluster/attach.ts): k and ratio × threshold; null = off; default the embedder's. */
  attach?: ClusterAttach | null | undefined;
  /** Write the embeddings (+ labels) for `bench cluster-scale --embeddings`. */
  saveEmbeddings?: string | undefined;
}

/** Identity folders and their images, sorted for determinism. */
export async function listIdentityImages(
  dataDir: string,
): Promise<Array<{ file: string; identity: string }>> {
  const out: Array<{ file: string; identity: string }> = [];
  const dirs = (await readdir(dataDir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  for (const identity of dirs.sort()) {
    const files = (await readdir(join(dataDir, identity))).filter((f) => IMAGE.test(f)).sort();
    for (const f of files) out.push({ file: `${identity}/${f}`, identity });
  }
  return out;
}

export async function benchCluster(
  dataDir: string,
  options: ClusterBenchOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<ClusterBenchResult> {
  const start = performance.now();
  const images = await listIdentityImages(dataDir);
  if (images.length === 0) throw new Error(`No identity folders with images under ${dataDir}`);
  const entry = await resolvePipeline(options.pipeline ?? 'auto', { modelsDir: options.modelsDir });
  const embedder = modelById(pipelineById(entry.id).embedder);
  const { pipeline, embeddings, noise, noFace } = await embedCentralFaces(
    dataDir,
    images.map((i) => i.file),
    { ...options, pipeline: entry.id },
    onProgress,
  );
  const kept = images.filter((i) => embeddings.has(i.file));
  const fullDim = embedder.embeddingSize ?? 0;
  let data: Float32Array = new Float32Array(kept.length * fullDim);
  kept.forEach((i, k) => {
    data.set(embeddings.get(i.file)!, k * fullDim);
  });
  const ids = new Map<string, number>();
  const truth = Int32Array.from(kept, (i) => {
    if (!ids.has(i.identity)) ids.set(i.identity, ids.size);
    return ids.get(i.identity)!;
  });
  let dim = fullDim;
  const k = benchNoiseSlack(options, pipeline.embedderId);
  const slack = slackOf(
    Float32Array.from(kept, (i) => noise.get(i.file) ?? 0),
    k,
  );
  // With --project: two halves of the identities, each projected by a PCA fitted on the other
  // (then int8) and clustered on its own, since the two projections are different spaces.
  const half = truth.map((t) => (options.project ? t % 2 : 0));
  if (options.project) {
    data = crossFitProject(data, fullDim, half, options.project);
    dim = options.project;
    for (let k = 0; k < kept.length; k++) {
      data.set(int8RoundTrip(data.subarray(k * dim, (k + 1) * dim)), k * dim);
    }
  }
  const attach = options.attach === undefined ? (embedder.clusterAttach ?? null) : options.attach;
  const clusterHalves = async (t: number): Promise<{ labels: Int32Array; clusters: number }> => {
    const labels = new Int32Array(kept.length);
    let clusters = 0;
    for (const h of new Set(half)) {
      const rows = [...half.keys()].filter((k) => half[k] === h);
      const part = new Float32Array(rows.length * dim);
      rows.forEach((k, i) => {
        part.set(data.subarray(k * dim, (k + 1) * dim), i * dim);
      });
      const r = await cluster(part, {
        dim,
        threshold: t,
        linkage: 'average',
        minClusterSize: 2,
        ...(k > 0 ? { slack: Float32Array.from(rows, (r) => slack[r]!) } : {}),
        ...(attach ? { attach: { k: attach.k, threshold: attach.ratio * t } } : {}),
      });
      rows.forEach((k, i) => {
        const l = r.labels[i]!;
        labels[k] = l < 0 ? -1 : l + clusters;
      });
      clusters += r.clusters;
    }
    return { labels, clusters };
  };
  if (options.saveEmbeddings) {
    const header = JSON.stringify({
      dim,
      count: kept.length,
      embedder: pipeline.embedderId,
      identities: [...ids.keys()],
      noise: true,
    });
    const labels = Buffer.from(truth.buffer);
    const noiseOf = Float32Array.from(kept, (i) => noise.get(i.file) ?? 0);
    await writeFile(
      options.saveEmbeddings,
      Buffer.concat([
        Buffer.from(`${header}\n`),
        labels,
        Buffer.from(data.buffer),
        Buffer.from(noiseOf.buffer),
      ]),
    );
  }
  const threshold = options.threshold ?? embedder.clusterThreshold ?? embedder.threshold ?? 1;
  const score = async (t: number) => {
    const t0 = performance.now();
    const r = await clusterHalves(t);
    const seconds = (performance.now() - t0) / 1000;
    return { r, seconds, pw: pairwiseScores(r.labels, truth), b3: bcubedScores(r.labels, truth) };
  };
  const main = await score(threshold);
  const sweep = [];
  for (const t of options.sweep ?? []) {
    const s = await score(t);
    sweep.push({
      threshold: t,
      pairwise_f: s.pw.f,
      pairwise_precision: s.pw.precision,
      pairwise_recall: s.pw.recall,
      bcubed_f: s.b3.f,
      clusters: s.r.clusters,
    });
  }
  return {
    pipeline: pipeline.id,
    embedder: pipeline.embedderId,
    ...(options.degrade ? { degrade: options.degrade } : {}),
    ...(options.project ? { projected_dim: options.project } : {}),
    threshold,
    noise_slack: k,
    attach,
    linkage: 'average',
    pairwise_f: main.pw.f,
    pairwise_precision: main.pw.precision,
    pairwise_recall: main.pw.recall,
    bcubed_f: main.b3.f,
    bcubed_precision: main.b3.precision,
    bcubed_recall: main.b3.recall,
    clusters: main.r.clusters,
    singletons: main.r.labels.filter((l) => l < 0).length,
    identities: ids.size,
    faces: kept.length,
    no_face: noFace,
    cluster_seconds: main.seconds,
    seconds: (performance.now() - start) / 1000,
    ...(sweep.length > 0 ? { sweep } : {}),
  };
}
