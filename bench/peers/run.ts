// Runs the peers of `kith bench peers` as child processes: OpenCV (Debian's python3-opencv,
// bench/peers/opencv_pipeline.py) and face-api.js (bench/peers/faceapi.ts).
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ARCFACE_112 } from '../../ml/align/similarity.ts';
import { modelById, verifiedModelPath } from '../../ml/models/registry.ts';
import { mergeShards, type PeerJob, type PeerResult, parsePeerOutput, shard } from './protocol.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const OPENCV_SCRIPT = join(repoRoot, 'bench/peers/opencv_pipeline.py');
const FACEAPI_SCRIPT = join(repoRoot, 'bench/peers/faceapi.ts');
/** Debian's interpreter, where python3-opencv installs cv2 (a pyenv `python3` on PATH lacks it). */
export const DEFAULT_PYTHON = '/usr/bin/python3';

export type Progress = (done: number, total: number) => void;

/** cv2's version, or why the OpenCV peer cannot run and how to fix it. */
export async function opencvStatus(
  python = DEFAULT_PYTHON,
): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  try {
    const { stdout } = await promisify(execFile)(python, ['-c', 'import cv2; print(cv2.__version__)']);
    return { ok: true, version: stdout.trim() };
  } catch {
    return {
      ok: false,
      reason: `${python} cannot import cv2: install OpenCV's Python bindings (Debian/Ubuntu: apt-get install python3-opencv)`,
    };
  }
}

/** Runs one child; resolves with its stdout, feeding "progress DONE TOTAL" stderr lines to `onLine`. */
function runChild(command: string, args: string[], onProgress: (done: number) => void): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let errTail = '';
    let pending = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      pending += b.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^progress (\d+) \d+$/.exec(line);
        if (m) onProgress(Number(m[1]));
        else errTail = `${errTail}${line}\n`.slice(-4000);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise(Buffer.concat(out).toString());
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${errTail}`));
    });
  });
}

async function withJobFile<T>(job: object, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'kith-peers-'));
  try {
    const file = join(dir, 'job.json');
    await writeFile(file, JSON.stringify(job));
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface OpenCvOptions {
  modelsDir: string;
  python?: string | undefined;
  /** cv2.setNumThreads: a user's OpenCV uses every core. */
  threads: number;
  onProgress?: Progress | undefined;
}

/**
 * YuNet-n + MobileFaceNet through OpenCV DNN, with Kith's detection settings (score 0.6, NMS 0.3,
 * faces ≥ 20 px, long side 640 for photos, native size for LFW) so the two differ by engine.
 */
export async function runOpenCv(
  mode: PeerJob['mode'],
  files: string[],
  o: OpenCvOptions,
): Promise<PeerResult> {
  const loc = { modelsDir: o.modelsDir };
  const job = {
    mode,
    files,
    score: 0.6,
    retryScore: 0.3,
    threads: o.threads,
    detector: await verifiedModelPath(modelById('yunet-n'), loc),
    embedder: await verifiedModelPath(modelById('mobilefacenet'), loc),
    template: ARCFACE_112,
    nms_iou: 0.3,
    min_face: 20,
    side: mode === 'speed' ? 640 : 0,
  };
  return withJobFile(job, async (file) =>
    parsePeerOutput(
      await runChild(o.python ?? DEFAULT_PYTHON, [OPENCV_SCRIPT, file], (d) =>
        o.onProgress?.(d, files.length),
      ),
    ),
  );
}

export interface FaceApiOptions {
  /** Processes (tfjs-wasm in Node is single-threaded, so cores are used by sharding the photos). */
  workers: number;
  onProgress?: Progress | undefined;
}

/** face-api.js's standard pipeline at its default SSD confidence (0.5), sharded over processes. */
export async function runFaceApi(
  mode: PeerJob['mode'],
  files: string[],
  o: FaceApiOptions,
): Promise<PeerResult> {
  const parts = shard(files, o.workers);
  const done = parts.map(() => 0);
  const results = await Promise.all(
    parts.map((part, i) =>
      withJobFile({ mode, files: part, score: 0.5, retryScore: 0.3 } satisfies PeerJob, async (file) =>
        parsePeerOutput(
          await runChild(process.execPath, ['--import', 'tsx', FACEAPI_SCRIPT, file], (d) => {
            done[i] = d;
            o.onProgress?.(
              done.reduce((s, x) => s + x, 0),
              files.length,
            );
          }),
        ),
      ),
    ),
  );
  return mergeShards(results);
}
