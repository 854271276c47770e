// `npm run bench:crowd [-- --data DIR --models-dir DIR --step N --score S --only a,b]`: research on
// crowded photos (issue 16, item 2). Detection recall of faces ≥ 32 px and precision on a WIDER-layout
// set (default ../shared/data/wider-crowd-dev) for the app's detector and for extra passes it does not
// make (its photo at full size, mirrored, rotated ±25°, brightened, YuNet-s), and which WIDER labels
// (blur, pose, occlusion, illumination) the app's misses carry. Not a test: it prints figures.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { RgbImage } from '../ml/align/warp.ts';
import { YunetDetector } from '../ml/detect/detectors.ts';
import { type Candidate, nms } from '../ml/detect/nms.ts';
import { iou } from '../ml/geometry/box.ts';
import { decodeImage } from '../ml/image/decode.ts';
import { type ModelEntry, modelById } from '../ml/models/manifest.ts';
import { ModelSession } from '../ml/models/registry.ts';
import { sharedDataDir, sharedModelsDir } from '../test/helpers/shared.ts';
import { type GroundTruthFace, parseWiderGroundTruth, scoreDetections } from './verify/wider.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: join(sharedDataDir, 'wider-crowd-dev') },
    'models-dir': { type: 'string', default: sharedModelsDir },
    step: { type: 'string', default: '1' },
    score: { type: 'string', default: '0.6' },
    only: { type: 'string' },
  },
});
const root = resolve(values.data);
const modelsDir = resolve(values['models-dir']);
const step = Number(values.step);
const score = Number(values.score);
const NMS_IOU = 0.3;
const MIN_FACE = 20;

// YuNet-s is not in the app's manifest (it scores below YuNet-n on WIDER): an entry for this bench.
const yunetS: ModelEntry = {
  ...modelById('yunet-n'),
  id: 'yunet-s',
  source: { kind: 'models-dir', file: 'yunet_s_dynamic.onnx' },
  sha256: 'daede24002cc8590f457998cc5e6c9e8b82f45f6bd969506a8913cd4ed10a2d3',
};
const yunet = new YunetDetector(new ModelSession(modelById('yunet-n'), { modelsDir }, { threads: 2 }));
const yunetSmall = new YunetDetector(new ModelSession(yunetS, { modelsDir }, { threads: 2 }));
const app = (d: YunetDetector, img: RgbImage) =>
  d.detect(img, { minFaceSize: MIN_FACE, scoreThreshold: score, nmsIou: NMS_IOU });

function mirror(img: RgbImage): RgbImage {
  const out = new Uint8Array(img.data.length);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const s = (y * img.width + x) * 3;
      const d = (y * img.width + img.width - 1 - x) * 3;
      out[d] = img.data[s]!;
      out[d + 1] = img.data[s + 1]!;
      out[d + 2] = img.data[s + 2]!;
    }
  }
  return { data: out, width: img.width, height: img.height };
}

/** Full-size pass on the mirrored photo, boxes mirrored back. */
async function mirrored(img: RgbImage): Promise<Candidate[]> {
  return (await yunet.pass(mirror(img), 1, score)).map((c) => ({
    ...c,
    box: { ...c.box, x: img.width - c.box.x - c.box.w },
  }));
}

/** Full-size pass on the photo rotated by `degrees` (sharp: clockwise, canvas grown), boxes rotated back. */
async function rotated(img: RgbImage, degrees: number): Promise<Candidate[]> {
  const raw = { width: img.width, height: img.height, channels: 3 as const };
  const { data, info } = await sharp(img.data, { raw })
    .rotate(degrees, { background: { r: 0, g: 0, b: 0 } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const turned = {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
  const a = (-degrees * Math.PI) / 180;
  return (await yunet.pass(turned, 1, score)).map((c) => {
    const cx = c.box.x + c.box.w / 2 - info.width / 2;
    const cy = c.box.y + c.box.h / 2 - info.height / 2;
    const x = cx * Math.cos(a) - cy * Math.sin(a) + img.width / 2;
    const y = cx * Math.sin(a) + cy * Math.cos(a) + img.height / 2;
    return { ...c, box: { x: x - c.box.w / 2, y: y - c.box.h / 2, w: c.box.w, h: c.box.h } };
  });
}

/** Gamma 0.5: dark faces (stage lights, back light) brightened. */
function brightened(img: RgbImage): RgbImage {
  const lut = Uint8Array.from({ length: 256 }, (_, v) => Math.round(255 * Math.sqrt(v / 255)));
  return { data: img.data.map((v) => lut[v]!), width: img.width, height: img.height };
}

const full = (img: RgbImage) => yunet.pass(img, 1, score);
const variants: Record<string, (img: RgbImage) => Promise<Candidate[]>> = {
  app: (img) => app(yunet, img),
  full,
  'full+mirror': async (img) => [...(await full(img)), ...(await mirrored(img))],
  'app+full+mirror': async (img) => [
    ...(await app(yunet, img)),
    ...(await full(img)),
    ...(await mirrored(img)),
  ],
  'full+mirror+rotated±25°': async (img) => [
    ...(await full(img)),
    ...(await mirrored(img)),
    ...(await rotated(img, 25)),
    ...(await rotated(img, -25)),
  ],
  'full+mirror+brightened': async (img) => [
    ...(await full(img)),
    ...(await mirrored(img)),
    ...(await yunet.pass(brightened(img), 1, score)),
  ],
  'app, YuNet-s': (img) => app(yunetSmall, img),
  'app, YuNet-n + YuNet-s': async (img) => [...(await app(yunet, img)), ...(await app(yunetSmall, img))],
};
const names = values.only ? values.only.split(',') : Object.keys(variants);
for (const n of names)
  if (!variants[n]) throw new Error(`unknown variant "${n}"; known: ${Object.keys(variants).join(', ')}`);

const gt = parseWiderGroundTruth(await readFile(join(root, 'wider_face_bbx_gt.txt'), 'utf8'));
const totals = new Map(names.map((n) => [n, { gt: 0, matched: 0, detections: 0, truePositives: 0, ms: 0 }]));
/** For the app's detector: counted faces by label value, and how many of them it missed. */
const labels = ['blur', 'illumination', 'occlusion', 'pose'] as const;
const byLabel = new Map(labels.map((l) => [l, { faces: [0, 0, 0], missed: [0, 0, 0] }]));
let photos = 0;
for (const [i, [file, faces]] of [...gt].entries()) {
  if (i % step !== 0) continue;
  photos++;
  const decoded = await decodeImage(join(root, 'images', file));
  const img = { data: decoded.data, width: decoded.width, height: decoded.height };
  for (const n of names) {
    const t0 = performance.now();
    const found = nms(await variants[n]!(img), NMS_IOU).filter((c) => Math.min(c.box.w, c.box.h) >= MIN_FACE);
    const t = totals.get(n)!;
    t.ms += performance.now() - t0;
    const s = scoreDetections(
      faces,
      found.map((c) => c.box),
      32,
    );
    t.gt += s.groundTruth;
    t.matched += s.matched;
    t.detections += s.detections;
    t.truePositives += s.truePositives;
    if (n === 'app') tallyMisses(faces, found);
  }
}

function tallyMisses(faces: readonly GroundTruthFace[], found: readonly Candidate[]): void {
  for (const g of faces) {
    if (g.invalid || g.box.h < 32) continue;
    const missed = !found.some((c) => iou(g.box, c.box) >= 0.5);
    for (const l of labels) {
      const v = g[l] ?? 0;
      byLabel.get(l)!.faces[v]!++;
      if (missed) byLabel.get(l)!.missed[v]!++;
    }
  }
}

console.log(`${root}: ${photos} photos, faces ≥ 32 px, score ${score}, IoU 0.5`);
for (const n of names) {
  const t = totals.get(n)!;
  console.log(
    `  ${n.padEnd(26)} recall ${(t.matched / t.gt).toFixed(3)}  precision ${(t.truePositives / t.detections).toFixed(3)}  ${(t.ms / photos).toFixed(0)} ms/photo  (${t.gt} faces)`,
  );
}
if (names.includes('app')) {
  console.log("  the app's misses by WIDER label (missed / faces, per label value):");
  for (const l of labels) {
    const { faces, missed } = byLabel.get(l)!;
    const cells = faces.map((f, v) => `${v}: ${missed[v]}/${f}`).filter((_, v) => faces[v]! > 0);
    console.log(`    ${l.padEnd(13)} ${cells.join('   ')}`);
  }
}
