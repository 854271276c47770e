// `kith bench peers`: Kith beside what a user would pick instead, on the same photos and the same
// machine, one after another: OpenCV's DNN face pipeline (YuNet + MobileFaceNet, digiKam's kind)
// and face-api.js on tfjs-wasm. Throughput on a photo folder, LFW accuracy scored by one k-fold code.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  commonOptions,
  endProgress,
  intOption,
  parse,
  progressLine,
  UsageError,
} from '../../electron/cli/args.ts';
import { walkImages } from '../../electron/core/scanner/index.ts';
import { embedCentralFaces } from '../lfw.ts';
import {
  detectionScore,
  formatTable,
  type PeerResult,
  pairImages,
  pairSubset,
  ratio,
  scorePairs,
} from '../peers/protocol.ts';
import { DEFAULT_PYTHON, opencvStatus, runFaceApi, runOpenCv } from '../peers/run.ts';
import type { VerificationReport } from '../verify/lfw-protocol.ts';
import { parsePairs } from '../verify/lfw-protocol.ts';
import { parseWiderGroundTruth } from '../verify/wider.ts';
import { scaledWiderCopy } from '../verify/wider-scaled.ts';
import { benchSpeed } from './bench-speed.ts';

const SYSTEMS = ['kith', 'opencv', 'faceapi'] as const;
type System = (typeof SYSTEMS)[number];

export const BENCH_PEERS_USAGE = `  bench peers --data DIR [--lfw DIR] [--limit N] [--pairs N] [--skip-lfw] [--only kith,opencv,faceapi]
              [--long-side N] [--workers N] [--runs N] [--pipeline ID] [--models-dir DIR] [--python PATH] [--json]
                   Kith vs OpenCV (YuNet + MobileFaceNet) vs face-api.js: photos/s, faces/s, LFW accuracy.
                   --runs N repeats the Kith and OpenCV scans alternately and gives the spread of the ratio.
`;

interface SystemReport {
  label: string;
  setup: string;
  photos_per_s: number | null;
  faces_per_s: number | null;
  lfw_accuracy: number | null;
  lfw_accuracy_se: number | null;
  photos: number;
  faces: number;
  seconds: number;
  detection: { recall: number; precision: number; ground_truth: number } | null;
  lfw_no_face: number | null;
  skipped?: string;
}

async function findGroundTruth(dataDir: string): Promise<{ file: string; root: string } | null> {
  for (const dir of [dataDir, dirname(dataDir)]) {
    const file = join(dir, 'wider_face_bbx_gt.txt');
    if (existsSync(file)) return { file, root: dir };
  }
  return null;
}

/** A folder of links to `files` (same relative layout, ground truth beside), so a scan sees only them. */
async function linkSubset(dataDir: string, files: readonly string[]): Promise<{ tmp: string; root: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'kith-bench-peers-'));
  const gt = await findGroundTruth(dataDir);
  const base = gt ? gt.root : dataDir;
  for (const f of files) {
    const to = join(dir, relative(base, f));
    await mkdir(dirname(to), { recursive: true });
    await symlink(f, to);
  }
  if (gt) await symlink(gt.file, join(dir, 'wider_face_bbx_gt.txt'));
  return { tmp: dir, root: join(dir, relative(base, dataDir)) };
}

function defaultModelsDir(): string | undefined {
  if (process.env.KITH_MODELS_DIR) return process.env.KITH_MODELS_DIR;
  // Development checkouts keep the optional models in ../shared/models (see README, Benchmarks).
  const shared = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/models');
  return existsSync(shared) ? shared : undefined;
}

/** Median, min and max of a few numbers. */
function spread(xs: readonly number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s.at(-1)! };
}

function pairedSummary(paired: readonly { kith: number; opencv: number; ratio: number }[]): string {
  const r = spread(paired.map((p) => p.ratio));
  const k = spread(paired.map((p) => p.kith));
  const c = spread(paired.map((p) => p.opencv));
  const f = (v: { median: number; min: number; max: number }, d: number, unit = '') =>
    `${v.median.toFixed(d)}${unit} (${v.min.toFixed(d)}–${v.max.toFixed(d)})`;
  return [
    `Over ${paired.length} alternating runs (median, min–max): Kith ÷ OpenCV photos/s ${f(r, 2, '×')};`,
    `  Kith ${f(k, 1)} photos/s, OpenCV ${f(c, 1)} photos/s; per run: ${paired.map((p) => `${p.ratio.toFixed(2)}×`).join(' ')}`,
  ].join('\n');
}

export async function benchPeersCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    ...commonOptions,
    data: { type: 'string' },
    lfw: { type: 'string' },
    limit: { type: 'string' },
    pairs: { type: 'string' },
    'skip-lfw': { type: 'boolean' },
    only: { type: 'string' },
    workers: { type: 'string' },
    python: { type: 'string' },
    'long-side': { type: 'string' },
    runs: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`Usage: kith ${BENCH_PEERS_USAGE.trimStart()}`);
    return 0;
  }
  if (!values.data) throw new UsageError('bench peers: --data DIR (a photo folder) is required');
  const only = new Set((values.only ?? SYSTEMS.join(',')).split(',').map((s) => s.trim()));
  for (const s of only)
    if (!SYSTEMS.includes(s as System))
      throw new UsageError(`--only: unknown system "${s}" (known: ${SYSTEMS.join(', ')})`);
  const limit = values.limit === undefined ? undefined : intOption(values.limit, 'limit', 1);
  const pairLimit = values.pairs === undefined ? limit : intOption(values.pairs, 'pairs', 1);
  const workers = intOption(values.workers, 'workers', 2);
  const runs = values.runs === undefined ? 1 : intOption(values.runs, 'runs', 1);
  const modelsDir = values['models-dir'] ?? defaultModelsDir();
  const python = values.python ?? DEFAULT_PYTHON;
  const progress = progressLine();
  const dataDir =
    values['long-side'] === undefined
      ? resolve(values.data)
      : await scaledWiderCopy(resolve(values.data), intOption(values['long-side'], 'long-side', 1), {
          onProgress: (d, t) => progress(`phone-size copy: ${d}/${t} photos`),
        });
  const lfwDir = values['skip-lfw'] || !values.lfw ? undefined : resolve(values.lfw);
  const say = (text: string) => process.stderr.write(`${text}\n`);

  const all: string[] = [];
  for await (const e of walkImages([dataDir])) if (e.type === 'file') all.push(e.path);
  all.sort();
  const files = limit === undefined ? all : all.slice(0, limit);
  if (files.length === 0) throw new UsageError(`bench peers: no photos under ${dataDir}`);

  const gtFound = await findGroundTruth(dataDir);
  const gt = gtFound ? parseWiderGroundTruth(await readFile(gtFound.file, 'utf8')) : null;
  const gtKey = (file: string): string | undefined => {
    if (!gt || !gtFound) return undefined;
    return [relative(join(gtFound.root, 'images'), file), relative(gtFound.root, file)].find((k) =>
      gt.has(k),
    );
  };

  let lfw: { folds: number; pairs: ReturnType<typeof pairSubset>; images: string[] } | null = null;
  if (lfwDir) {
    const parsed = parsePairs(await readFile(join(lfwDir, 'pairs.txt'), 'utf8'));
    const pairs = pairSubset(parsed.pairs, parsed.folds, pairLimit);
    lfw = { folds: parsed.folds, pairs, images: pairImages(pairs) };
  }
  const scoreLfw = (embedding: (file: string) => ArrayLike<number> | undefined): VerificationReport | null =>
    lfw ? scorePairs(lfw.pairs, lfw.folds, embedding) : null;

  const reports: Partial<Record<System, SystemReport>> = {};
  const empty = (label: string, setup: string, skipped: string): SystemReport => ({
    label,
    setup,
    photos_per_s: null,
    faces_per_s: null,
    lfw_accuracy: null,
    lfw_accuracy_se: null,
    photos: 0,
    faces: 0,
    seconds: 0,
    detection: null,
    lfw_no_face: null,
    skipped,
  });

  // 1. Kith: the `bench speed` scan (worker pool into SQLite) and the `bench lfw` embedding path.
  if (only.has('kith')) {
    const subset = limit === undefined ? null : await linkSubset(dataDir, files);
    try {
      const speed = await benchSpeed(subset?.root ?? dataDir, {
        pipeline: values.pipeline ?? 'auto',
        modelsDir,
        workers,
        limit: Math.min(files.length, 60),
        onProgress: (t) => progress(`kith ${t}`),
      });
      const s = speed.json;
      let verify: VerificationReport | null = null;
      let noFace: number | null = null;
      if (lfw && lfwDir) {
        const e = await embedCentralFaces(lfwDir, lfw.images, { pipeline: s.pipeline, modelsDir }, (d, t) =>
          progress(`kith lfw: ${d}/${t} images`),
        );
        verify = scoreLfw((f) => e.embeddings.get(f));
        noFace = e.noFace;
      }
      reports.kith = {
        label: 'Kith',
        setup: `${s.pipeline}, ${s.workers} workers, into SQLite`,
        photos_per_s: s.photos_per_second,
        faces_per_s: s.faces_per_second,
        lfw_accuracy: verify?.accuracy ?? null,
        lfw_accuracy_se: verify?.accuracySe ?? null,
        photos: s.photos,
        faces: s.faces,
        seconds: s.seconds,
        detection: s.detection,
        lfw_no_face: noFace,
      };
    } finally {
      if (subset) await rm(subset.tmp, { recursive: true, force: true });
    }
    endProgress();
  }

  const peerReport = (
    label: string,
    setup: string,
    speed: PeerResult | null,
    lfwResult: PeerResult | null,
    root: string,
  ): SystemReport => {
    const verify = lfwResult ? scoreLfw((f) => lfwResult.embeddings?.[join(root, f)]) : null;
    return {
      label,
      setup,
      photos_per_s: speed ? speed.photos / speed.seconds : null,
      faces_per_s: speed ? speed.faces / speed.seconds : null,
      lfw_accuracy: verify?.accuracy ?? null,
      lfw_accuracy_se: verify?.accuracySe ?? null,
      photos: speed?.photos ?? 0,
      faces: speed?.faces ?? 0,
      seconds: speed?.seconds ?? 0,
      detection: speed?.boxes && gt ? detectionScore(gt, speed.boxes, gtKey) : null,
      lfw_no_face: lfwResult?.no_face ?? null,
    };
  };

  // 2. OpenCV through Debian's python3-opencv.
  if (only.has('opencv')) {
    const cv = await opencvStatus(python);
    const setup = `YuNet-n + MobileFaceNet (cv2.dnn), ${workers} threads`;
    if (!cv.ok) {
      say(`bench peers: skipping OpenCV: ${cv.reason}`);
      reports.opencv = empty('OpenCV', setup, cv.reason);
    } else if (!modelsDir) {
      const reason =
        'no models folder: pass --models-dir DIR with yunet_n_dynamic.onnx and mobilefacenet_foamliu.onnx';
      say(`bench peers: skipping OpenCV: ${reason}`);
      reports.opencv = empty('OpenCV', setup, reason);
    } else {
      const o = { modelsDir, python, threads: workers };
      const speed = await runOpenCv('speed', files, {
        ...o,
        onProgress: (d, t) => progress(`opencv: ${d}/${t} photos`),
      });
      const lfwRun =
        lfw && lfwDir
          ? await runOpenCv(
              'lfw',
              lfw.images.map((f) => join(lfwDir, f)),
              { ...o, onProgress: (d, t) => progress(`opencv lfw: ${d}/${t} images`) },
            )
          : null;
      endProgress();
      reports.opencv = peerReport(`OpenCV ${cv.version}`, setup, speed, lfwRun, lfwDir ?? '');
    }
  }

  // 2b. More alternating Kith/OpenCV scans: on a shared machine one pair of runs can be skewed by
  // whatever else runs at the time; the ratio within each pair, and its spread, is what to report.
  const paired: { kith: number; opencv: number; ratio: number }[] = [];
  const kithFirst = reports.kith?.photos_per_s;
  const cvFirst = reports.opencv?.photos_per_s;
  if (kithFirst && cvFirst) {
    paired.push({ kith: kithFirst, opencv: cvFirst, ratio: kithFirst / cvFirst });
    for (let r = 2; r <= runs; r++) {
      const subset = limit === undefined ? null : await linkSubset(dataDir, files);
      try {
        const k = await benchSpeed(subset?.root ?? dataDir, {
          pipeline: values.pipeline ?? 'auto',
          modelsDir,
          workers,
          limit: 0,
          onProgress: (t) => progress(`run ${r}/${runs}: kith ${t}`),
        });
        const cv = await runOpenCv('speed', files, {
          modelsDir: modelsDir!,
          python,
          threads: workers,
          onProgress: (d, t) => progress(`run ${r}/${runs}: opencv ${d}/${t} photos`),
        });
        const kps = k.json.photos_per_second;
        const cps = cv.photos / cv.seconds;
        paired.push({ kith: kps, opencv: cps, ratio: kps / cps });
      } finally {
        if (subset) await rm(subset.tmp, { recursive: true, force: true });
      }
    }
    endProgress();
  }

  // 3. face-api.js (tfjs, WebAssembly backend), one process per core.
  if (only.has('faceapi')) {
    const speed = await runFaceApi('speed', files, {
      workers,
      onProgress: (d, t) => progress(`face-api: ${d}/${t} photos`),
    });
    const lfwRun =
      lfw && lfwDir
        ? await runFaceApi(
            'lfw',
            lfw.images.map((f) => join(lfwDir, f)),
            { workers, onProgress: (d, t) => progress(`face-api lfw: ${d}/${t} images`) },
          )
        : null;
    endProgress();
    reports.faceapi = peerReport(
      'face-api.js',
      `${speed.version.replace(/^face-api /, '')}, SSD MobileNetV1 + 68 pt + 128-d, ${workers} processes`,
      speed,
      lfwRun,
      lfwDir ?? '',
    );
  }

  const n = (x: number | null, digits = 1): string => (x === null ? '–' : x.toFixed(digits));
  const pct = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(2)}%`);
  const rows: string[][] = [
    ['system', 'photos/s', 'faces/s', 'recall ≥32px', 'LFW accuracy', 'setup'],
    ...SYSTEMS.flatMap((s) => {
      const r = reports[s];
      if (!r) return [];
      return [
        [
          r.label,
          n(r.photos_per_s),
          n(r.faces_per_s),
          r.detection ? pct(r.detection.recall) : '–',
          r.lfw_accuracy === null ? '–' : `${pct(r.lfw_accuracy)} ± ${pct(r.lfw_accuracy_se)}`,
          r.skipped ? `skipped: ${r.skipped}` : r.setup,
        ],
      ];
    }),
  ];
  const k = reports.kith;
  const ratios = (peer: SystemReport | undefined) => ({
    photos_per_s: ratio(k?.photos_per_s, peer?.photos_per_s),
    faces_per_s: ratio(k?.faces_per_s, peer?.faces_per_s),
  });
  const vsOpenCv = ratios(reports.opencv);
  const vsFaceApi = ratios(reports.faceapi);
  const x = (v: number | null): string => (v === null ? '–' : `${v.toFixed(2)}×`);
  const lines = [
    `Peers on ${files.length} photos of ${dataDir}${lfw ? `, LFW ${lfw.pairs.length} pairs (${lfw.images.length} images, ${lfw.folds} folds)` : ''}; one system at a time on this machine`,
    formatTable(rows),
    `Kith ÷ OpenCV:   photos/s ${x(vsOpenCv.photos_per_s)}, faces/s ${x(vsOpenCv.faces_per_s)}`,
    `Kith ÷ face-api: photos/s ${x(vsFaceApi.photos_per_s)}, faces/s ${x(vsFaceApi.faces_per_s)}`,
    ...(paired.length > 1 ? [pairedSummary(paired)] : []),
    '',
  ];
  process.stdout.write(lines.join('\n'));
  if (values.json) {
    const figures = (r: SystemReport | undefined) =>
      r
        ? {
            photos_per_s: r.photos_per_s,
            faces_per_s: r.faces_per_s,
            lfw_accuracy: r.lfw_accuracy,
            lfw_accuracy_se: r.lfw_accuracy_se,
            lfw_no_face: r.lfw_no_face,
            photos: r.photos,
            faces: r.faces,
            seconds: r.seconds,
            detection: r.detection,
            setup: r.setup,
            ...(r.skipped ? { skipped: r.skipped } : {}),
          }
        : null;
    process.stdout.write(
      `${JSON.stringify({
        photos: files.length,
        lfw_pairs: lfw?.pairs.length ?? 0,
        kith: figures(reports.kith),
        opencv: figures(reports.opencv),
        faceapi: figures(reports.faceapi),
        ratio_vs_opencv: vsOpenCv.photos_per_s,
        ratio_vs_faceapi: vsFaceApi.photos_per_s,
        ratios: { opencv: vsOpenCv, faceapi: vsFaceApi },
        runs: paired,
        ratio_vs_opencv_runs: paired.length > 0 ? spread(paired.map((p) => p.ratio)) : null,
      })}\n`,
    );
  }
  return 0;
}
