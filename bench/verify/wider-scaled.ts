// Phone-size copies of a WIDER-layout set (`bench speed|peers --long-side N`): every photo the ground
// truth lists, resized so its long side is N (12-MP phones: 4032) and saved as JPEG q90, with the
// boxes scaled to match. Built once per set and size in a cache folder outside the repository.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import sharp from 'sharp';
import {
  formatWiderGroundTruth,
  type GroundTruthFace,
  parseWiderGroundTruth,
  scaleGroundTruth,
} from './wider.ts';

const GT_FILE = 'wider_face_bbx_gt.txt';
/** Bumped when the copy's recipe changes, so stale caches are not reused. */
const RECIPE = 'jpeg-q90-lanczos3-v1';

/** The folder holding wider_face_bbx_gt.txt (the set's root): `dir` itself or its parent. */
export function widerRoot(dir: string): string | null {
  for (const d of [dir, dirname(dir)]) if (existsSync(join(d, GT_FILE))) return d;
  return null;
}

/** Size of the copy: long side `longSide`, aspect kept (rounded to whole pixels). */
export function scaledSize(width: number, height: number, longSide: number): [number, number] {
  const s = longSide / Math.max(width, height);
  return [Math.max(1, Math.round(width * s)), Math.max(1, Math.round(height * s))];
}

export interface ScaledCopyOptions {
  /** Where copies are cached (default: <tmpdir>/kith-bench-cache). */
  cacheDir?: string | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/**
 * `dataDir` (a WIDER-layout set or its images folder) as a copy with long side `longSide`; returns the
 * copy's folder that corresponds to `dataDir`. Reused when already built for this set and size.
 */
export async function scaledWiderCopy(
  dataDir: string,
  longSide: number,
  options: ScaledCopyOptions = {},
): Promise<string> {
  const root = widerRoot(dataDir);
  if (!root) throw new Error(`--long-side needs WIDER ground truth (${GT_FILE}) in or above ${dataDir}`);
  const real = await realpath(root);
  const key = createHash('sha256').update(`${real}\n${longSide}\n${RECIPE}`).digest('hex').slice(0, 12);
  const cache = options.cacheDir ?? join(tmpdir(), 'kith-bench-cache');
  const dest = join(cache, `${basename(real)}-${longSide}-${key}`);
  const target = join(dest, relative(root, dataDir));
  if (existsSync(join(dest, GT_FILE))) return target;

  const gt = parseWiderGroundTruth(await readFile(join(root, GT_FILE), 'utf8'));
  // Built beside the cache entry and renamed into place, so an interrupted build is never reused.
  const building = `${dest}.building-${process.pid}`;
  await rm(building, { recursive: true, force: true });
  const out = new Map<string, GroundTruthFace[]>();
  const entries = [...gt].filter(([file]) => existsSync(join(root, 'images', file)));
  let done = 0;
  const work = entries.map(([file, faces]) => async () => {
    const src = join(root, 'images', file);
    const img = sharp(src, { autoOrient: true });
    const meta = await img.metadata();
    const { width, height } = meta.autoOrient;
    const [w, h] = scaledSize(width, height, longSide);
    await mkdir(dirname(join(building, 'images', file)), { recursive: true });
    await img
      .resize(w, h, { fit: 'fill' })
      .jpeg({ quality: 90 })
      .toFile(join(building, 'images', file));
    out.set(file, scaleGroundTruth(faces, w / width, h / height));
    options.onProgress?.(++done, entries.length);
  });
  // Two at a time: libvips threads each one, and the machine this runs on is shared.
  const next = async (): Promise<void> => {
    for (let job = work.shift(); job; job = work.shift()) await job();
  };
  await Promise.all([next(), next()]);
  const ordered = new Map(entries.filter(([f]) => out.has(f)).map(([f]) => [f, out.get(f)!] as const));
  await writeFile(join(building, GT_FILE), formatWiderGroundTruth(ordered));
  await mkdir(cache, { recursive: true });
  try {
    await rename(building, dest);
  } catch (err) {
    // Another process finished the same copy first.
    if (!existsSync(join(dest, GT_FILE))) throw err;
    await rm(building, { recursive: true, force: true });
  }
  return target;
}
