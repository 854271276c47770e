// `npm run bench:heic [-- --runs N]`: milliseconds to decode one 12-MP HEIC the way a scan does
// (libheif WebAssembly, then orientation and shrink to the pipeline's 3072 px). The input is made
// here from a real photo in ../shared: upscaled with sharp to 4032×3024, encoded by Debian's heif-enc.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../ml/image/decode.ts';
import { heifEnc, needHeifEnc } from '../test/helpers/heif.ts';
import { sharedDataDir } from '../test/helpers/shared.ts';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
if (needHeifEnc) throw new Error(needHeifEnc);

const dir = await mkdtemp(join(tmpdir(), 'kith-bench-heic-'));
try {
  const jpeg = join(dir, 'photo.jpg');
  await sharp(join(sharedDataDir, 'photos-dev/group_photos/sample1.jpg'))
    .resize(4032, 3024, { fit: 'fill' })
    .jpeg({ quality: 92 })
    .toFile(jpeg);
  const heic = join(dir, 'photo.heic');
  await heifEnc(jpeg, heic, 80);
  await decodeImage(heic, { maxSide: 3072 }); // loads the WebAssembly module once
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const img = await decodeImage(heic, { maxSide: 3072 });
    ms.push(performance.now() - t);
    if (img.originalWidth !== 4032) throw new Error(`decoded ${img.originalWidth} px wide`);
  }
  const jpegMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await decodeImage(jpeg, { maxSide: 3072 });
    jpegMs.push(performance.now() - t);
  }
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, xs.length - 1));
    return `median ${sorted[sorted.length >> 1]!.toFixed(0)} ms, mean ${mean.toFixed(0)} ± ${sd.toFixed(0)} ms (sd), min ${sorted[0]!.toFixed(0)}, max ${sorted.at(-1)!.toFixed(0)}`;
  };
  console.log(`12-MP HEIC (4032×3024, heif-enc -q 80), ${runs} runs: ${stats(ms)}`);
  console.log(`same photo as JPEG (for reference):       ${stats(jpegMs)}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
