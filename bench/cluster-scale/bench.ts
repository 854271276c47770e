// Scale bench for ml/cluster on synthetic faces (not part of the app; a CLI for measurements).
//
//   node --import tsx bench/cluster-scale/bench.ts --n 100000 [--threshold 1.0] [--linkage average]
//        [--seed 1] [--exact] [--write DIR] [--compare LABELS.i32] [key=value…]
//
// Prints one JSON line: wall and CPU seconds of the clustering, peak RSS of the process (which
// includes the synthetic data), cluster count and scores against the synthetic truth.
// --write DIR saves embeddings.f32 and truth.i32 for bench/cluster-sklearn.py; --compare
// scores the result against labels written by that script. Extra key=value pairs go to
// clusterScalable (neighbors, exactGraphMaxFaces, cells, probes).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clusterExact } from '../../ml/cluster/exact.ts';
import { clusterScalable } from '../../ml/cluster/scalable.ts';
import type { ClusterProgress, Linkage, ScalableClusterOptions } from '../../ml/cluster/types.ts';
import { adjustedRandIndex, bcubedScores, pairwiseScores } from '../../ml/metrics/clustering.ts';
import { syntheticEmbeddings } from './synthetic.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    n: { type: 'string', default: '10000' },
    threshold: { type: 'string', default: '1.0' },
    linkage: { type: 'string', default: 'average' },
    seed: { type: 'string', default: '1' },
    exact: { type: 'boolean', default: false },
    write: { type: 'string' },
    compare: { type: 'string' },
  },
});
const n = Number(values.n);
const threshold = Number(values.threshold);
const linkage = values.linkage as Linkage;
const faces = syntheticEmbeddings({ n, seed: Number(values.seed) });
if (values.write) {
  writeFileSync(join(values.write, 'embeddings.f32'), faces.embeddings);
  writeFileSync(join(values.write, 'truth.i32'), faces.labels);
}
const extra: Record<string, number> = {};
for (const p of positionals) {
  const [key, value] = p.split('=');
  if (key && value) extra[key] = Number(value);
}
// Wall and CPU seconds per phase (CPU of all threads), from the progress reports: on a shared
// machine the wall time also counts other processes' turns.
const phases: Record<string, number> = {};
const phasesCpu: Record<string, number> = {};
let phase = 'prepare';
let phaseStart = performance.now();
let phaseCpu = process.cpuUsage();
const endPhase = (): void => {
  const c = process.cpuUsage(phaseCpu);
  phases[phase] = +((performance.now() - phaseStart) / 1000).toFixed(2);
  phasesCpu[phase] = +((c.user + c.system) / 1e6).toFixed(2);
};
const onProgress = (p: ClusterProgress): void => {
  if (p.phase === phase) return;
  endPhase();
  phase = p.phase;
  phaseStart = performance.now();
  phaseCpu = process.cpuUsage();
};
const options: ScalableClusterOptions = { dim: faces.dim, threshold, linkage, onProgress, ...extra };
const rssBefore = process.memoryUsage().rss;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = values.exact
  ? await clusterExact(faces.embeddings, options)
  : await clusterScalable(faces.embeddings, options);
const wall = (performance.now() - t0) / 1000;
endPhase();
const cpu = process.cpuUsage(cpu0);
const report: Record<string, unknown> = {
  n,
  algorithm: values.exact ? 'exact' : 'scalable',
  linkage,
  threshold,
  options: extra,
  wallSeconds: +wall.toFixed(2),
  cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2),
  phaseSeconds: phases,
  phaseCpuSeconds: phasesCpu,
  rssBeforeMB: Math.round(rssBefore / 2 ** 20),
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  clusters: result.clusters,
  merges: result.merges,
  truthARI: +adjustedRandIndex(result.labels, faces.labels).toFixed(5),
  truthPairwiseF: +pairwiseScores(result.labels, faces.labels).f.toFixed(5),
  truthBcubedF: +bcubedScores(result.labels, faces.labels).f.toFixed(5),
};
if (values.write) writeFileSync(join(values.write, `kith-${report.algorithm}.i32`), result.labels);
if (values.compare) {
  const other = new Int32Array(readFileSync(values.compare).buffer.slice(0));
  report.compareARI = +adjustedRandIndex(result.labels, other).toFixed(5);
}
console.log(JSON.stringify(report));
