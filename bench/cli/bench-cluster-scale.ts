// `kith bench cluster-scale --faces N`: the People clustering at library scale on synthetic
// embeddings with face-like structure (bench/cluster-scale/synthetic.ts: many people with few faces, a few
// with many, look-alikes), plus k-NN recognition of 1,000 new faces, and optionally scikit-learn's
// AgglomerativeClustering on the same faces for speed and agreement.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRootDir } from '../../electron/cli/repo.ts';
import { buildFaceIndex, cluster, nearestPeople } from '../../ml/cluster/index.ts';
import type { Linkage } from '../../ml/cluster/types.ts';
import { adjustedRandIndex, bcubedScores, pairwiseScores } from '../../ml/metrics/clustering.ts';
import type { ClusterAttach } from '../../ml/models/manifest.ts';
import { syntheticEmbeddings } from '../cluster-scale/synthetic.ts';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';

export interface ClusterScaleOptions {
  faces: number;
  threshold: number;
  linkage: Linkage;
  seed: number;
  /** Also run scikit-learn on the first min(faces, 20000) faces. */
  sklearn: boolean;
  /** The attach pass after the agglomeration (ml/cluster/attach.ts): k and ratio × threshold. */
  attach?: ClusterAttach | null | undefined;
  onProgress?: (text: string) => void;
}

async function ensureSklearn(): Promise<void> {
  const ok = await run(PYTHON, ['-c', 'import sklearn'])
    .then(() => true)
    .catch(() => false);
  if (ok) return;
  // Debian's package is the one source of scikit-learn on these machines.
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      'scikit-learn is missing: install Debian python3-sklearn (apt-get install -y python3-sklearn).',
    );
  }
  await run('apt-get', ['install', '-y', 'python3-sklearn'], { maxBuffer: 1 << 26 }).catch(async () => {
    await run('apt-get', ['update'], { maxBuffer: 1 << 26 });
    await run('apt-get', ['install', '-y', 'python3-sklearn'], { maxBuffer: 1 << 26 });
  });
}

export async function benchClusterScale(o: ClusterScaleOptions) {
  o.onProgress?.(`cluster-scale: generating ${o.faces} faces`);
  // 1,000 extra faces of the same people are held out as the "new photos" for recognition.
  const all = syntheticEmbeddings({ n: o.faces + 1000, seed: o.seed });
  const { dim } = all;
  const data = {
    embeddings: all.embeddings.subarray(0, o.faces * dim),
    labels: all.labels.subarray(0, o.faces),
    groupOf: all.groupOf.subarray(0, o.faces),
  };
  o.onProgress?.(`cluster-scale: clustering ${o.faces} faces`);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await cluster(data.embeddings, {
    dim,
    threshold: o.threshold,
    linkage: o.linkage,
    constraints: { groupOf: data.groupOf },
    ...(o.attach ? { attach: { k: o.attach.k, threshold: o.attach.ratio * o.threshold } } : {}),
    onProgress: (p) =>
      o.onProgress?.(`cluster-scale: ${p.phase} ${Math.round((100 * p.done) / Math.max(1, p.total))}%`),
  });
  const seconds = (performance.now() - t0) / 1000;
  // CPU time too: on a shared machine wall time also counts other processes' turns.
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const pw = pairwiseScores(result.labels, data.labels);
  const b3 = bcubedScores(result.labels, data.labels);

  // Recognition: 1,000 more faces of the same people join by k-NN against the clustered library.
  let recognize: null | {
    new_faces: number;
    seconds: number;
    cpu_seconds: number;
    index_seconds: number;
    query_seconds: number;
    joined: number;
    correct: number;
  } = null;
  if (o.faces >= 2000) {
    const queries = all.embeddings.subarray(o.faces * dim);
    const rc0 = process.cpuUsage();
    const t1 = performance.now();
    const index = buildFaceIndex(data.embeddings, dim);
    const t2 = performance.now();
    const r = nearestPeople(index, queries, { threshold: o.threshold, personOf: result.labels });
    const t3 = performance.now();
    const rcpu = process.cpuUsage(rc0);
    const rs = (t3 - t1) / 1000;
    // A join is correct when the cluster it joined is mostly the new face's true identity.
    const majority = new Map<number, number>();
    const counts = new Map<string, number>();
    result.labels.forEach((l, i) => {
      if (l < 0) return;
      const k = `${l}:${data.labels[i]}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    });
    const best = new Map<number, number>();
    for (const [k, c] of counts) {
      const [l, t] = k.split(':').map(Number) as [number, number];
      if (c > (best.get(l) ?? 0)) {
        best.set(l, c);
        majority.set(l, t);
      }
    }
    let joined = 0;
    let correct = 0;
    r.person.forEach((p, i) => {
      if (p < 0) return;
      joined++;
      if (majority.get(p) === all.labels[o.faces + i]) correct++;
    });
    recognize = {
      new_faces: 1000,
      seconds: rs,
      cpu_seconds: (rcpu.user + rcpu.system) / 1e6,
      index_seconds: (t2 - t1) / 1000,
      query_seconds: (t3 - t2) / 1000,
      joined,
      correct,
    };
  }

  let sklearn: null | {
    faces: number;
    kith_seconds: number;
    kith_cpu_seconds: number;
    sklearn_seconds: number;
    sklearn_cpu_seconds: number;
    speedup: number;
    cpu_speedup: number;
    ari: number;
  } = null;
  if (o.sklearn) {
    await ensureSklearn();
    const n = Math.min(o.faces, 20_000);
    const sub = data.embeddings.subarray(0, n * dim);
    o.onProgress?.(`cluster-scale: Kith vs scikit-learn on ${n} faces`);
    const kc0 = process.cpuUsage();
    const k0 = performance.now();
    const kith = await cluster(sub, { dim, threshold: o.threshold, linkage: o.linkage });
    const kithSeconds = (performance.now() - k0) / 1000;
    const kc = process.cpuUsage(kc0);
    const kithCpu = (kc.user + kc.system) / 1e6;
    const dir = await mkdtemp(join(tmpdir(), 'kith-sklearn-'));
    try {
      await writeFile(join(dir, 'emb.f32'), sub);
      const script = join(repoRootDir(), 'bench/cluster-sklearn.py');
      const { stdout } = await run(
        PYTHON,
        [
          script,
          join(dir, 'emb.f32'),
          String(n),
          String(dim),
          String(o.threshold),
          join(dir, 'labels.i32'),
          '--linkage',
          o.linkage,
        ],
        { maxBuffer: 1 << 24 },
      );
      const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        seconds: number;
        cpu_seconds: number;
      };
      const buf = await readFile(join(dir, 'labels.i32'));
      const labels = new Int32Array(buf.buffer, buf.byteOffset, n);
      sklearn = {
        faces: n,
        kith_seconds: kithSeconds,
        kith_cpu_seconds: kithCpu,
        sklearn_seconds: report.seconds,
        sklearn_cpu_seconds: report.cpu_seconds,
        speedup: report.seconds / kithSeconds,
        cpu_speedup: report.cpu_seconds / kithCpu,
        ari: adjustedRandIndex(kith.labels, labels),
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  return {
    faces: o.faces,
    // The machine the figures come from: on a shared machine wall seconds include other
    // processes' turns (cpu_seconds counts this process's threads, all of them).
    cores: availableParallelism(),
    load_average: loadavg().map((l) => +l.toFixed(2)),
    dim,
    linkage: o.linkage,
    threshold: o.threshold,
    attach: o.attach ?? null,
    seconds,
    cpu_seconds: cpuSeconds,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    clusters: result.clusters,
    identities: new Set(data.labels).size,
    pairwise_f: pw.f,
    bcubed_f: b3.f,
    recognize,
    /** 1,000 new faces into the library, index build included (null below 2,000 faces). */
    recognition_seconds: recognize?.seconds ?? null,
    sklearn,
    sklearn_speedup: sklearn?.speedup ?? null,
    sklearn_ari: sklearn?.ari ?? null,
  };
}
