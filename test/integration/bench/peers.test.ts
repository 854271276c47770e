// `kith bench peers` end to end on a few real photos and LFW pairs, one peer per run: the
// OpenCV path (Debian python3-opencv) and the face-api.js path (tfjs-wasm child processes).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { opencvStatus } from '../../../bench/peers/run.ts';
import { needShared, repoRoot, sharedDataDir, sharedModelsDir } from '../../helpers/shared.ts';

const run = promisify(execFile);
const kith = join(repoRoot, 'bin/kith.js');

interface Figures {
  photos_per_s: number | null;
  faces_per_s: number | null;
  lfw_accuracy: number | null;
  photos: number;
  faces: number;
  detection: { recall: number } | null;
  skipped?: string;
}
interface Report {
  photos: number;
  lfw_pairs: number;
  kith: Figures | null;
  opencv: Figures | null;
  faceapi: Figures | null;
  ratio_vs_opencv: number | null;
}

async function peers(
  only: string,
  extra: string[] = [],
): Promise<{ report: Report; stdout: string; stderr: string }> {
  const { stdout, stderr } = await run(
    process.execPath,
    [
      kith,
      'bench',
      'peers',
      '--data',
      join(sharedDataDir, 'wider-dev/images'),
      '--lfw',
      join(sharedDataDir, 'lfw-dev'),
      // The first 3 photos in path order hold 8 ground-truth faces; 20 pairs = 2 + 2 per fold.
      '--limit',
      '3',
      '--pairs',
      '20',
      '--only',
      only,
      '--models-dir',
      sharedModelsDir,
      '--json',
      ...extra,
    ],
    { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
  );
  return { report: JSON.parse(stdout.trim().split('\n').at(-1)!) as Report, stdout, stderr };
}

function assertSane(f: Figures | null, name: string): void {
  assert.ok(f, `${name} figures missing`);
  assert.equal(f.skipped, undefined);
  assert.equal(f.photos, 3);
  assert.ok(f.faces >= 4, `${name} found ${f.faces} of 8 faces on 3 photos`);
  assert.ok(f.photos_per_s !== null && f.photos_per_s > 0);
  assert.ok(f.faces_per_s !== null && f.faces_per_s > 0);
  assert.ok(f.detection && f.detection.recall > 0.5, `${name} recall ${f.detection?.recall}`);
  assert.ok(f.lfw_accuracy !== null && f.lfw_accuracy > 0.8, `${name} LFW accuracy ${f.lfw_accuracy}`);
}

const cv = await opencvStatus();

test('bench peers: the OpenCV pipeline finds faces and verifies LFW pairs', {
  skip: needShared || (cv.ok ? false : cv.reason),
  timeout: 600_000,
}, async () => {
  const { report, stdout } = await peers('opencv');
  assert.equal(report.photos, 3);
  assert.equal(report.lfw_pairs, 20);
  assertSane(report.opencv, 'opencv');
  assert.equal(report.kith, null);
  assert.equal(report.ratio_vs_opencv, null);
  assert.match(stdout, /OpenCV 4\.\d+/);
});

test('bench peers: the face-api.js pipeline finds faces and verifies LFW pairs', {
  skip: needShared,
  timeout: 600_000,
}, async () => {
  const { report, stdout } = await peers('faceapi');
  assertSane(report.faceapi, 'faceapi');
  assert.match(stdout, /face-api\.js .*wasm/);
});

test('bench peers: without cv2 the OpenCV peer is skipped with the install command', {
  skip: needShared,
  timeout: 180_000,
}, async () => {
  const { report, stderr } = await peers('opencv', ['--python', '/nonexistent/python3', '--skip-lfw']);
  assert.match(stderr, /apt-get install python3-opencv/);
  assert.match(report.opencv?.skipped ?? '', /python3-opencv/);
  assert.equal(report.opencv?.photos_per_s, null);
});
