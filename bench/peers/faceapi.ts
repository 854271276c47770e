// face-api.js peer for `kith bench peers`, run as a child process (`node --import tsx faceapi.ts JOB`):
// its standard pipeline (SSD MobileNetV1 → 68 landmarks → aligned crop → 128-d descriptor) on
// tfjs with the WebAssembly backend, images decoded by sharp into an int32 tensor.
// Prints one PeerResult JSON line on stdout; "progress DONE TOTAL" lines on stderr.
import { readFile } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { env, getBackend, ready, setBackend, version_core } from '@tensorflow/tfjs-core';
import type * as FaceApi from '@vladmandic/face-api';
import sharp from 'sharp';
import type { DetectedFace, Landmarks5 } from '../../ml/types.ts';
import { pickCentralFace } from '../lfw.ts';
import { type PeerJob, type PeerResult, peerJobSchema } from './protocol.ts';
import { registerChainedOps } from './tfjs-chained.ts';

const require = createRequire(import.meta.url);

/**
 * face-api's Node build requires the full `@tensorflow/tfjs` bundle, whose `tfjs-node` part cannot
 * be installed here; only tfjs-core (+ converter, wasm backend) is. Point that one require at
 * tfjs-core, the same module instance the wasm backend registers itself with.
 */
function loadFaceApi(): typeof FaceApi {
  const mod = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = mod._resolveFilename;
  const core = require.resolve('@tensorflow/tfjs-core');
  mod._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return original.call(this, request === '@tensorflow/tfjs' ? core : request, ...rest);
  };
  try {
    return require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof FaceApi;
  } finally {
    mod._resolveFilename = original;
  }
}

const NO_POINTS: Landmarks5 = [
  [0, 0],
  [0, 0],
  [0, 0],
  [0, 0],
  [0, 0],
];

async function main(jobFile: string): Promise<void> {
  const job: PeerJob = peerJobSchema.parse(JSON.parse(await readFile(jobFile, 'utf8')));
  const faceapi = loadFaceApi();
  registerChainedOps();
  // Node has no Blob-URL workers, so the threaded build cannot start (tried: ERR_WORKER_PATH);
  // SIMD is used when the runtime has it. Two cores come from two processes (see run.ts).
  setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  setThreadsCount(1);
  await setBackend('wasm');
  await ready();
  const modelDir = job.models ?? `${dirname(require.resolve('@vladmandic/face-api/package.json'))}/model`;
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);

  const landmarks = (img: FaceApi.tf.Tensor3D, minConfidence: number) =>
    faceapi.detectAllFaces(img, new faceapi.SsdMobilenetv1Options({ minConfidence })).withFaceLandmarks();
  const detect = (img: FaceApi.tf.Tensor3D, minConfidence: number) =>
    landmarks(img, minConfidence).withFaceDescriptors();
  /** One face's descriptor, as withFaceDescriptors computes it (dlib-style aligned box from the 68 points). */
  const describe = async (
    img: FaceApi.tf.Tensor3D,
    face: FaceApi.WithFaceLandmarks<{ detection: FaceApi.FaceDetection }>,
  ) => {
    const [crop] = await faceapi.extractFaceTensors(img, [
      face.landmarks.align(null, { useDlibAlignment: true }),
    ]);
    if (!crop) throw new Error('face-api returned no face crop');
    try {
      return (await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(crop)) as Float32Array;
    } finally {
      crop.dispose();
    }
  };
  const decode = async (file: string): Promise<FaceApi.tf.Tensor3D> => {
    const { data, info } = await sharp(file)
      .rotate()
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return faceapi.tf.tensor3d(new Int32Array(data), [info.height, info.width, 3], 'int32');
  };

  // Warm-up: the first inference compiles and allocates; a user's second photo does not pay it.
  const blank = faceapi.tf.zeros([256, 256, 3], 'int32') as FaceApi.tf.Tensor3D;
  await detect(blank, job.score);
  blank.dispose();

  const boxes: Record<string, number[][]> = {};
  const embeddings: Record<string, number[]> = {};
  let faces = 0;
  let skipped = 0;
  let noFace = 0;
  const start = performance.now();
  for (const [i, file] of job.files.entries()) {
    let img: FaceApi.tf.Tensor3D;
    try {
      img = await decode(file);
    } catch {
      skipped++;
      continue;
    }
    try {
      if (job.mode === 'speed') {
        const found = await detect(img, job.score);
        faces += found.length;
        boxes[file] = found.map((f) => {
          const b = f.detection.box;
          return [b.x, b.y, b.width, b.height].map((v) => Math.round(v * 10) / 10);
        });
      } else {
        const [h, w] = img.shape;
        // LFW scores one face per image: descriptors only for the central face, like Kith's bench.
        let found = await landmarks(img, job.score);
        if (found.length === 0) found = await landmarks(img, job.retryScore);
        // Same "central face" rule as Kith's LFW bench, on face-api's boxes.
        const asDetected: DetectedFace[] = found.map((f) => ({
          box: {
            x: f.detection.box.x,
            y: f.detection.box.y,
            w: f.detection.box.width,
            h: f.detection.box.height,
          },
          score: f.detection.score,
          landmarks: NO_POINTS,
        }));
        const central = pickCentralFace(asDetected, w, h);
        const pick = central ? found[asDetected.indexOf(central)] : undefined;
        if (pick) {
          faces++;
          embeddings[file] = Array.from(await describe(img, pick), (v) => Math.round(v * 1e6) / 1e6);
        } else noFace++;
      }
    } finally {
      img.dispose();
    }
    process.stderr.write(`progress ${i + 1} ${job.files.length}\n`);
  }
  const result: PeerResult = {
    peer: 'faceapi',
    version: `face-api ${faceapi.version} on tfjs ${version_core} (${getBackend()}, SIMD ${env().getBool('WASM_HAS_SIMD_SUPPORT')})`,
    threads: 1,
    mode: job.mode,
    photos: job.files.length - skipped,
    skipped,
    faces,
    seconds: (performance.now() - start) / 1000,
    setup_seconds: 0,
    ...(job.mode === 'speed' ? { boxes } : { embeddings, no_face: noFace }),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const jobFile = process.argv[2];
if (!jobFile) {
  process.stderr.write('usage: node --import tsx bench/peers/faceapi.ts JOB.json\n');
  process.exitCode = 2;
} else {
  await main(jobFile);
}
