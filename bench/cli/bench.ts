// `kith bench …`: measurements anyone can rerun. Each prints a readable report, and with
// --json its last stdout line is one JSON object (a stable contract for scripts and checks).
import { resolve } from 'node:path';
import {
  commonOptions,
  endProgress,
  intOption,
  parse,
  progressLine,
  UsageError,
} from '../../electron/cli/args.ts';
import { type Degrade, parseDegrade } from '../../ml/image/degrade.ts';
import { benchCluster } from '../cluster.ts';
import { benchLfw } from '../lfw.ts';
import { scaledWiderCopy } from '../verify/wider-scaled.ts';
import { parseAttach } from './attach-option.ts';
import { benchClusterScale } from './bench-cluster-scale.ts';
import { benchFinetuneCommand, benchHarmonicCommand } from './bench-finetune.ts';
import { benchLibraryCommand } from './bench-library.ts';
import { benchPeersCommand } from './bench-peers.ts';
import { benchProjectCommand } from './bench-project.ts';
import { benchSpeed } from './bench-speed.ts';

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
const alignedBy = (landmarks: string | undefined): string => (landmarks ? `, aligned by ${landmarks}` : '');
const slackNote = (k: number): string => (k > 0 ? `, noise slack ${k}` : '');
const degradeText = (d: Degrade | undefined): string =>
  d ? `, images degraded to scale ${d.scale}${d.quality === undefined ? '' : ` + JPEG q${d.quality}`}` : '';

export async function benchCommand(args: string[]): Promise<number> {
  const [kind, ...rest] = args;
  // Own options (--embeddings, --steps, …): parsed there, before the strict parse below.
  if (kind === 'finetune') return benchFinetuneCommand(rest);
  if (kind === 'harmonic') return benchHarmonicCommand(rest);
  if (kind === 'project') return benchProjectCommand(rest);
  if (kind === 'peers') return benchPeersCommand(rest);
  if (kind === 'library') return benchLibraryCommand(rest);
  const { values } = parse(rest, {
    ...commonOptions,
    data: { type: 'string' },
    workers: { type: 'string' },
    limit: { type: 'string' },
    threshold: { type: 'string' },
    sweep: { type: 'string' },
    'save-embeddings': { type: 'string' },
    faces: { type: 'string' },
    linkage: { type: 'string' },
    seed: { type: 'string' },
    sklearn: { type: 'boolean' },
    degrade: { type: 'string' },
    project: { type: 'string' },
    'noise-slack': { type: 'string' },
    landmarks: { type: 'string' },
    attach: { type: 'string' },
    'long-side': { type: 'string' },
  });
  const progress = progressLine();
  if (kind === 'cluster-scale') {
    const linkage = values.linkage ?? 'average';
    if (linkage !== 'average' && linkage !== 'single' && linkage !== 'complete') {
      throw new UsageError(`--linkage must be average, single or complete, got "${linkage}"`);
    }
    const r = await benchClusterScale({
      faces: intOption(values.faces, 'faces', 10_000),
      threshold: values.threshold === undefined ? 1.0 : Number(values.threshold),
      linkage,
      seed: intOption(values.seed, 'seed', 1),
      sklearn: values.sklearn ?? false,
      attach: values.attach === undefined ? null : parseAttach(values.attach),
      onProgress: (t) => progress(t),
    });
    endProgress();
    const lines = [
      `Clustering ${r.faces} synthetic faces (${r.identities} identities, ${r.dim}-d), ${r.linkage} linkage, threshold ${r.threshold}${r.attach ? `, attach k ${r.attach.k} at ${r.attach.ratio} × threshold` : ''}: ${r.seconds.toFixed(2)} s (${r.cpu_seconds.toFixed(2)} s CPU), peak RSS ${r.peak_rss_mb.toFixed(0)} MB`,
      `  ${r.clusters} clusters; pairwise F ${r.pairwise_f.toFixed(4)}, BCubed F ${r.bcubed_f.toFixed(4)} against the synthetic identities`,
      r.recognize
        ? `  recognition: ${r.recognize.new_faces} new faces in ${r.recognize.seconds.toFixed(2)} s (index build ${r.recognize.index_seconds.toFixed(2)} s + k-NN ${r.recognize.query_seconds.toFixed(2)} s), ${r.recognize.joined} joined a person, ${r.recognize.correct} of them the right one`
        : '',
      r.sklearn
        ? `  vs scikit-learn on ${r.sklearn.faces} faces: Kith ${r.sklearn.kith_seconds.toFixed(2)} s, sklearn ${r.sklearn.sklearn_seconds.toFixed(2)} s (${r.sklearn.speedup.toFixed(1)}× faster), ARI ${r.sklearn.ari.toFixed(4)}`
        : '  (add --sklearn to compare with scikit-learn on 20k faces)',
      '',
    ].filter((l, i, a) => l !== '' || i === a.length - 1);
    process.stdout.write(lines.join('\n'));
    if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
  }
  if (values.attach !== undefined && kind !== 'cluster') {
    throw new UsageError('--attach applies to bench cluster and bench cluster-scale');
  }
  if (!values.data) throw new UsageError(`bench ${kind ?? ''}: --data DIR is required`);
  const data = resolve(values.data);
  let degrade: Degrade | undefined;
  for (const own of ['degrade', 'project', 'noise-slack', 'landmarks'] as const) {
    if (values[own] !== undefined && kind !== 'lfw' && kind !== 'cluster') {
      throw new UsageError(`--${own} applies to bench lfw and bench cluster`);
    }
  }
  const project = values.project === undefined ? undefined : intOption(values.project, 'project', 128);
  const slackText = values['noise-slack'];
  const noiseSlack = slackText === undefined ? undefined : Number(slackText);
  if (noiseSlack !== undefined && !(Number.isFinite(noiseSlack) && noiseSlack >= 0)) {
    throw new UsageError(`--noise-slack must be a number ≥ 0, got "${slackText}"`);
  }
  try {
    degrade = values.degrade === undefined ? undefined : parseDegrade(values.degrade);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const pipelineOptions = {
    pipeline: values.pipeline ?? 'auto',
    modelsDir: values['models-dir'],
    degrade,
    project,
    noiseSlack,
    landmarks: values.landmarks,
  };
  switch (kind) {
    case 'lfw': {
      const r = await benchLfw(data, pipelineOptions, (done, total) =>
        progress(`lfw: ${done}/${total} images`),
      );
      endProgress();
      process.stdout.write(
        [
          `LFW verification, ${r.pipeline} (embedder ${r.embedder}${alignedBy(values.landmarks)})${degradeText(r.degrade)}${slackNote(r.noise_slack)}, ${r.images} images, ${r.no_face} without a face`,
          `  float32: accuracy ${pct(r.accuracy)} ± ${pct(r.accuracy_se)}, TAR@FAR=0.1% ${pct(r.tar_at_far_0_001)}, threshold ${r.threshold.toFixed(3)}`,
          `  int8:    accuracy ${pct(r.int8.accuracy)} ± ${pct(r.int8.accuracy_se)}, TAR@FAR=0.1% ${pct(r.int8.tar_at_far_0_001)}, threshold ${r.int8.threshold.toFixed(3)}`,
          ...(r.projected
            ? [
                `  ${r.projected.dim} bytes (PCA fitted on the other folds, int8): accuracy ${pct(r.projected.accuracy)} ± ${pct(r.projected.accuracy_se)}, TAR@FAR=0.1% ${pct(r.projected.tar_at_far_0_001)}, threshold ${r.projected.threshold.toFixed(3)}`,
              ]
            : []),
          `  ${r.faces_per_second.toFixed(1)} faces/s end to end (decode, detect, align, embed), ${r.seconds.toFixed(1)} s`,
          '',
        ].join('\n'),
      );
      if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      return 0;
    }
    case 'speed': {
      const longSide = values['long-side'];
      const photos =
        longSide === undefined
          ? data
          : await scaledWiderCopy(data, intOption(longSide, 'long-side', 1), {
              onProgress: (d, t) => progress(`speed: phone-size copy ${d}/${t} photos`),
            });
      const r = await benchSpeed(photos, {
        ...pipelineOptions,
        workers: intOption(values.workers, 'workers', 2),
        limit: values.limit === undefined ? undefined : intOption(values.limit, 'limit', 1),
        onProgress: (text) => progress(text),
      });
      endProgress();
      process.stdout.write(r.text);
      if (values.json) process.stdout.write(`${JSON.stringify(r.json)}\n`);
      return 0;
    }
    case 'cluster': {
      const num = (v: string, name: string): number => {
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0)
          throw new UsageError(`--${name} must be a positive number, got "${v}"`);
        return n;
      };
      const r = await benchCluster(
        data,
        {
          ...pipelineOptions,
          attach: values.attach === undefined ? undefined : parseAttach(values.attach),
          threshold: values.threshold === undefined ? undefined : num(values.threshold, 'threshold'),
          sweep: values.sweep?.split(',').map((t) => num(t, 'sweep')),
          saveEmbeddings: values['save-embeddings'],
        },
        (done, total) => progress(`cluster: embedding ${done}/${total} images`),
      );
      endProgress();
      const lines = [
        `Clustering ${r.faces} faces of ${r.identities} identities, ${r.pipeline} (embedder ${r.embedder}${alignedBy(values.landmarks)}${r.projected_dim ? `, ${r.projected_dim} bytes by cross-fitted PCA` : ''})${degradeText(r.degrade)}${slackNote(r.noise_slack)}, average linkage, threshold ${r.threshold.toFixed(3)}${r.attach ? `, attach k ${r.attach.k} at ${r.attach.ratio} × threshold` : ', no attach pass'}`,
        `  pairwise: F ${r.pairwise_f.toFixed(4)} (precision ${r.pairwise_precision.toFixed(4)}, recall ${r.pairwise_recall.toFixed(4)})`,
        `  BCubed:   F ${r.bcubed_f.toFixed(4)} (precision ${r.bcubed_precision.toFixed(4)}, recall ${r.bcubed_recall.toFixed(4)})`,
        `  ${r.clusters} people (clusters of ≥ 2) + ${r.singletons} lone faces; ${r.no_face} images without a face; clustering ${r.cluster_seconds.toFixed(2)} s, total ${r.seconds.toFixed(1)} s`,
        ...(r.sweep ?? []).map(
          (s) =>
            `  threshold ${s.threshold}: pairwise F ${s.pairwise_f.toFixed(4)} (P ${s.pairwise_precision.toFixed(4)}, R ${s.pairwise_recall.toFixed(4)}), BCubed F ${s.bcubed_f.toFixed(4)}, ${s.clusters} people`,
        ),
        '',
      ];
      process.stdout.write(lines.join('\n'));
      if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      return 0;
    }
    default:
      throw new UsageError(`Unknown benchmark "${kind ?? ''}". Known: lfw, speed, cluster, cluster-scale.`);
  }
}
