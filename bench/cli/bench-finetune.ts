// `kith bench finetune --data DIR [--pipeline ID] [--models-dir DIR] [--degrade scale=S,quality=Q]
//   [--embeddings FILE] [--json]
//   [--adapter lowrank|residual|mlp] [--rank R] [--locality off|RADIUS,WIDTH[,REACH|tail]] [--steps N]`:
// simulate a user correcting a few people on LFW-layout data, train the triplet adapter on those
// corrections only, and score faces the user never touched (corrected people vs everyone else),
// before vs after. --embeddings reads a `bench cluster --save-embeddings` file (no re-embedding).
import { resolve } from 'node:path';
import {
  commonOptions,
  endProgress,
  intOption,
  parse,
  progressLine,
  UsageError,
} from '../../electron/cli/args.ts';
import { slackOf } from '../../ml/embed/noise.ts';
import { type Degrade, parseDegrade } from '../../ml/image/degrade.ts';
import { modelById, pipelineById } from '../../ml/models/manifest.ts';
import { resolvePipeline } from '../../ml/models/registry.ts';
import { readEmbeddingsFile } from '../../ml/train/embeddings-file.ts';
import { listIdentityImages } from '../cluster.ts';
import { embedCentralFaces } from '../lfw.ts';
import { benchHarmonic } from '../train/harmonic.ts';
import { type FinetuneBenchResult, type SimulationScores, simulateFinetune } from '../train/simulate.ts';
import { parseAttach } from './attach-option.ts';

async function loadData(
  data: string,
  options: {
    embeddings?: string | undefined;
    pipeline: string;
    modelsDir?: string | undefined;
    degrade?: Degrade | undefined;
  },
  progress: (text: string) => void,
): Promise<{
  dim: number;
  embedder: string;
  labels: Int32Array;
  embeddings: Float32Array;
  noise?: Float32Array;
}> {
  if (options.embeddings) return readEmbeddingsFile(resolve(options.embeddings));
  const images = await listIdentityImages(data);
  if (images.length === 0) throw new Error(`No identity folders with images under ${data}`);
  const entry = await resolvePipeline(options.pipeline, { modelsDir: options.modelsDir });
  const dim = modelById(pipelineById(entry.id).embedder).embeddingSize ?? 0;
  const { pipeline, embeddings, noise } = await embedCentralFaces(
    data,
    images.map((i) => i.file),
    { pipeline: entry.id, modelsDir: options.modelsDir, degrade: options.degrade },
    (done, total) => progress(`finetune: embedding ${done}/${total} images`),
  );
  const kept = images.filter((i) => embeddings.has(i.file));
  const flat = new Float32Array(kept.length * dim);
  kept.forEach((i, k) => {
    flat.set(embeddings.get(i.file)!, k * dim);
  });
  const ids = new Map<string, number>();
  const labels = Int32Array.from(kept, (i) => {
    if (!ids.has(i.identity)) ids.set(i.identity, ids.size);
    return ids.get(i.identity)!;
  });
  const noiseOf = Float32Array.from(kept, (i) => noise.get(i.file) ?? 0);
  return { dim, embedder: pipeline.embedderId, labels, embeddings: flat, noise: noiseOf };
}

const f4 = (x: number): string => x.toFixed(4);

function row(label: string, s: SimulationScores): string[] {
  return (['corrected', 'untouched'] as const).map(
    (k) =>
      `  ${label} ${k.padEnd(9)}: pairwise F ${f4(s[k].pairwise_f)}, BCubed F ${f4(s[k].bcubed_f)}, verification ${f4(s[k].verification)} (${s[k].faces} faces, ${s[k].identities} people)`,
  );
}

export function formatFinetune(r: FinetuneBenchResult): string {
  return [
    `Fine-tuning on simulated corrections, embedder ${r.embedder}, threshold ${r.threshold}${r.attach ? `, attach k ${r.attach.k} at ${r.attach.threshold.toFixed(3)}` : ''}${r.noise_slack ? ', noise slack' : ''}`,
    `  user corrected ${r.corrected_identities} of ${r.identities} people (${r.choose === 'errors' ? 'among those clustered wrongly' : 'at random'}): ${r.train_faces} confirmed faces, ${r.rejections} rejections; scored on ${r.test_faces} other faces`,
    ...row('before', r.before),
    ...row('after ', r.after),
    `  gate (held-out confirmed faces): ${r.gate.keep ? 'kept' : 'refused (the app would stay at "before"; "after" shows the adapter anyway)'}, ${r.gate.reason}`,
    ...(r.gate.untouched
      ? [
          `  gate probe (people held out of training): BCubed F ${f4(r.gate.untouched.before.bcubed_f)} → ${f4(r.gate.untouched.after.bcubed_f)}, pairwise F ${f4(r.gate.untouched.before.pairwise_f)} → ${f4(r.gate.untouched.after.pairwise_f)}`,
        ]
      : []),
    ...(r.gate.strangers
      ? [
          `  gate strangers (${r.gate.strangers.faces} unlabelled faces far from anyone corrected): ${(100 * r.gate.strangers.changed).toFixed(2)}% of their grouped pairs changed`,
        ]
      : []),
    `  training ${r.adapter} adapter, ${r.steps} steps in ${r.train_seconds.toFixed(1)} s (final loss ${r.final_loss.toFixed(4)}); adapter ${(r.adapter_bytes / 1024).toFixed(0)} KiB; total ${r.seconds.toFixed(1)} s`,
    '',
  ].join('\n');
}

/** Runs the benchmark from CLI arguments (after `bench finetune`); returns the exit code. */
export async function benchFinetuneCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    ...commonOptions,
    data: { type: 'string' },
    embeddings: { type: 'string' },
    threshold: { type: 'string' },
    seed: { type: 'string' },
    steps: { type: 'string' },
    adapter: { type: 'string' },
    rank: { type: 'string' },
    locality: { type: 'string' },
    'learning-rate': { type: 'string' },
    'keep-weight': { type: 'string' },
    share: { type: 'string' },
    identities: { type: 'string' },
    choose: { type: 'string' },
    'pair-weight': { type: 'string' },
    attach: { type: 'string' },
    degrade: { type: 'string' },
  });
  let degrade: Degrade | undefined;
  try {
    degrade = values.degrade === undefined ? undefined : parseDegrade(values.degrade);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (degrade && values.embeddings) {
    throw new UsageError('--degrade applies to --data (an embeddings file is already embedded)');
  }
  if (!values.data && !values.embeddings) throw new UsageError('bench finetune: --data DIR is required');
  const kind = values.adapter ?? 'lowrank';
  if (kind !== 'residual' && kind !== 'mlp' && kind !== 'lowrank') {
    throw new UsageError('--adapter must be lowrank, residual or mlp');
  }
  // --locality off | RADIUS,WIDTH[,REACH|tail] (lowrank; default the tuned one in triplet.ts; tail =
  // the exponential weight that never reaches 0).
  let locality: { radius: number; width: number; reach?: number | false } | false | undefined;
  if (values.locality === 'off') locality = false;
  else if (values.locality !== undefined) {
    const [r, w, reachText, ...rest] = values.locality.split(',');
    const radius = Number(r);
    const width = Number(w);
    const reach = reachText === undefined ? undefined : reachText === 'tail' ? false : Number(reachText);
    if (!(radius >= 0 && width > 0) || rest.length > 0 || (typeof reach === 'number' && !(reach > 0))) {
      throw new UsageError('--locality must be off or RADIUS,WIDTH[,REACH|tail]');
    }
    locality = { radius, width, ...(reach === undefined ? {} : { reach }) };
  }
  const choose = values.choose ?? 'random';
  if (choose !== 'random' && choose !== 'errors') throw new UsageError('--choose must be random or errors');
  const progress = progressLine();
  const data = await loadData(
    resolve(values.data ?? '.'),
    {
      embeddings: values.embeddings,
      pipeline: values.pipeline ?? 'auto',
      modelsDir: values['models-dir'],
      degrade,
    },
    progress,
  );
  const embedder = modelById(data.embedder);
  const threshold =
    values.threshold === undefined
      ? (embedder.clusterThreshold ?? embedder.threshold ?? 1)
      : Number(values.threshold);
  const num = (v: string | undefined, fallback: number): number => (v === undefined ? fallback : Number(v));
  // Grouped as the app groups this embedder's faces (its attach pass), unless --attach says otherwise.
  const attach = values.attach === undefined ? (embedder.clusterAttach ?? null) : parseAttach(values.attach);
  // Grouped with the noise slack the app forgives, where the faces carry their measured noise.
  const k = embedder.noiseSlack ?? 0;
  const slack = data.noise && k > 0 ? slackOf(data.noise, k) : undefined;
  const r = await simulateFinetune(
    { ...data, slack },
    {
      threshold,
      ...(attach ? { attach: { k: attach.k, threshold: attach.ratio * threshold } } : {}),
      seed: intOption(values.seed, 'seed', 1),
      steps: intOption(values.steps, 'steps', 200),
      kind,
      ...(values.rank === undefined ? {} : { hidden: intOption(values.rank, 'rank', 32) }),
      ...(locality === undefined ? {} : { locality }),
      learningRate: num(values['learning-rate'], 3e-4),
      keepWeight: num(values['keep-weight'], 1),
      correctShare: num(values.share, 0.2),
      choose,
      identitiesPerBatch: intOption(values.identities, 'identities', 32),
      ...(values['pair-weight'] === undefined ? {} : { pairWeight: Number(values['pair-weight']) }),
      onProgress: (p) => progress(`finetune: step ${p.step}/${p.steps}, loss ${p.loss.toFixed(4)}`),
    },
  );
  endProgress();
  process.stdout.write(formatFinetune(r));
  if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  return 0;
}

/**
 * `kith bench harmonic --embeddings V1 --embeddings2 V2 [--json]`: learn a map from v1's space into
 * v2's on half the identities (faces embedded by both) and score cross-model verification and how
 * many people keep their identity on the other half. Reads two `bench cluster --save-embeddings`
 * files of the same data set (embedding twice takes too long to do here).
 */
export async function benchHarmonicCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    ...commonOptions,
    data: { type: 'string' },
    embeddings: { type: 'string' },
    embeddings2: { type: 'string' },
    seed: { type: 'string' },
    lambda: { type: 'string' },
    steps: { type: 'string' },
  });
  if (!values.embeddings || !values.embeddings2) {
    throw new UsageError('bench harmonic: --embeddings V1FILE and --embeddings2 V2FILE are required');
  }
  const v1 = await readEmbeddingsFile(resolve(values.embeddings));
  const v2 = await readEmbeddingsFile(resolve(values.embeddings2));
  const r = await benchHarmonic(v1, v2, {
    seed: intOption(values.seed, 'seed', 1),
    ...(values.lambda === undefined ? {} : { lambda: Number(values.lambda) }),
    ...(values.steps === undefined ? {} : { harmonic: { steps: intOption(values.steps, 'steps', 300) } }),
  });
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  process.stdout.write(
    [
      `Harmonic map ${r.v1} → ${r.v2}: learnt on ${r.train_faces} faces, scored on ${r.test_faces} faces of ${r.test_identities} other people`,
      `  cross-model verification (v1 face vs v2 face): before ${r.before === null ? 'n/a (different dimensions: chance)' : pct(r.before)}, after ${pct(r.after)} (v2 alone: ${pct(r.v2_reference)})`,
      `  people keeping their identity: ${r.people_kept} of ${r.people} (${r.method} map, the default); ${r.seconds.toFixed(1)} s`,
      ...(['ridge', 'harmonic'] as const).map(
        (m) =>
          `  ${m.padEnd(8)} map: cross-model verification ${pct(r[m].after)}, people kept ${r[m].people_kept} of ${r.people}, fit ${r[m].seconds.toFixed(1)} s`,
      ),
      '',
    ].join('\n'),
  );
  if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  return 0;
}
