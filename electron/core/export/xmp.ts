// XMP sidecars through exiftool (exiftool-vendored): MWG regions, Microsoft People Tagging and IPTC
// PersonInImage. The photo itself is never opened for writing. A sidecar that exists (Lightroom,
// digiKam, an earlier export) is updated, not replaced: its other metadata stays, and so do regions
// Kith does not know (other region types, faces no exported face overlaps).
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, extname, join, parse as parsePath, relative, resolve, sep } from 'node:path';
import { ExifTool, type WriteTags } from 'exiftool-vendored';
import { iou } from '../../../ml/geometry/box.ts';
import { cleanName } from '../../shared/names.ts';
import { ensureDir, tempPathFor } from './atomic.ts';
import { ExportError, fsError } from './errors.ts';
import type { ExportFace } from './records.ts';
import {
  mpRectangleOf,
  mpRegionsOf,
  mwgAreaOf,
  mwgRegionsOf,
  type NamedRegion,
  normalizeBox,
  regionsOfTags,
} from './regions.ts';
import { type SkippedSidecar, sidecarOverLimits } from './sidecar-limits.ts';

/** `photo.jpg.xmp` (darktable, digiKam; no clash between photo.jpg and photo.cr2) or `photo.xmp` (Lightroom). */
export type SidecarStyle = 'photo.jpg.xmp' | 'photo.xmp';

export function sidecarPath(photo: string, style: SidecarStyle): string {
  if (style === 'photo.jpg.xmp') return `${photo}.xmp`;
  const p = parsePath(photo);
  return join(p.dir, `${p.name}.xmp`);
}

/** Both sidecar names a photo may have, the more specific first. */
export function sidecarCandidates(photo: string): string[] {
  const out = [`${photo}.xmp`];
  if (extname(photo).toLowerCase() !== '.xmp') out.push(sidecarPath(photo, 'photo.xmp'));
  return out;
}

/** Runs `fn` with an exiftool process, ended afterwards (a live one keeps Node from exiting). */
export async function withExifTool<T>(fn: (et: ExifTool) => Promise<T>, et?: ExifTool): Promise<T> {
  if (et) return fn(et);
  const own = new ExifTool({ maxProcs: 1, taskTimeoutMillis: 30_000 });
  try {
    return await fn(own);
  } finally {
    await own.end();
  }
}

type Rec = Record<string, unknown>;

export interface PhotoRegions {
  path: string;
  width: number;
  height: number;
  regions: Array<{ name: string; area: NamedRegion['area'] }>;
}

/**
 * Named faces grouped per photo, normalised to the photo; faces of unsized photos are dropped. Names
 * go out under the name rule: one stored before it (a control character, a lone surrogate) is cleaned.
 */
export function regionsByPhoto(faces: readonly ExportFace[]): PhotoRegions[] {
  const byPath = new Map<string, PhotoRegions>();
  for (const f of faces) {
    const name = f.personName === null ? null : cleanName(f.personName);
    if (!name || !f.photoWidth || !f.photoHeight) continue;
    let p = byPath.get(f.path);
    if (!p) {
      p = { path: f.path, width: f.photoWidth, height: f.photoHeight, regions: [] };
      byPath.set(f.path, p);
    }
    p.regions.push({ name, area: normalizeBox(f.box, f.photoWidth, f.photoHeight) });
  }
  return [...byPath.values()];
}

/**
 * Text for exiftool-vendored's writer, which hands values to exiftool with `-E` (HTML entities are
 * decoded) but leaves `&` itself unencoded, so "Tom &amp; Jerry" was written as "Tom & Jerry". Values
 * inside a structure (region names) are decoded a second time when exiftool parses the structure, so
 * their `&` is encoded twice. The XMP round-trip test checks both against exiftool itself.
 */
const exiftoolText = (s: string, inStruct: boolean): string =>
  s.replaceAll('&', inStruct ? '&#38;#38;' : '&#38;');

/** exiftoolText on every string of a structure read back from a sidecar (regions of other apps we keep). */
function exiftoolStruct(v: unknown): unknown {
  if (typeof v === 'string') return exiftoolText(v, true);
  if (Array.isArray(v)) return v.map(exiftoolStruct);
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, exiftoolStruct(x)]));
  }
  return v;
}

/** Names of the people in the photo (IPTC PersonInImage) as exiftool read them: a list or one value. */
function personInImage(v: unknown): string[] {
  const all = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  const out: string[] = [];
  for (const n of all) {
    const name = typeof n === 'string' ? cleanName(n) : typeof n === 'number' ? String(n) : null;
    if (name) out.push(name);
  }
  return out;
}

/** The tags to write: ours plus the existing regions ours do not cover. */
export function regionTags(p: PhotoRegions, existing: Rec = {}): WriteTags {
  const ours = p.regions;
  const covered = (a: NamedRegion['area']) => ours.some((o) => iou(o.area, a) >= 0.5);
  /** Names of the regions ours replace (an earlier export, or a name since changed in Kith). */
  const replaced = new Set<string>();
  const oldMwg = existing.RegionInfo;
  const keptMwg: unknown[] = [];
  if (oldMwg && typeof oldMwg === 'object' && 'RegionList' in oldMwg) {
    const old = (oldMwg as Rec).RegionList;
    for (const r of Array.isArray(old) ? old : [old]) {
      const parsed = mwgRegionsOf({ ...(oldMwg as Rec), RegionList: [r] })[0];
      // Keep non-face regions and faces elsewhere in the picture; drop the ones we re-write.
      if (parsed && covered(parsed.area)) replaced.add(parsed.name);
      else keptMwg.push(r);
    }
  }
  const oldMp = mpRegionsOf(existing.RegionInfoMP);
  for (const r of oldMp) if (covered(r.area)) replaced.add(r.name);
  const keptMp = oldMp.filter((r) => !covered(r.area));
  const names = [...new Set([...ours.map((r) => r.name), ...keptMp.map((r) => r.name)])];
  // Other people the photo names (another app's list) stay; the names of replaced regions go with them.
  for (const n of personInImage(existing.PersonInImage)) {
    if (!names.includes(n) && !replaced.has(n)) names.push(n);
  }
  const field = (name: string) => exiftoolText(name, true);
  const tags = {
    RegionInfo: {
      AppliedToDimensions: { W: p.width, H: p.height, Unit: 'pixel' },
      RegionList: [
        ...ours.map((r) => ({ Area: mwgAreaOf(r.area), Name: field(r.name), Type: 'Face' })),
        ...keptMwg.map(exiftoolStruct),
      ],
    },
    RegionInfoMP: {
      Regions: [...ours, ...keptMp].map((r) => ({
        PersonDisplayName: field(r.name),
        Rectangle: mpRectangleOf(r.area),
      })),
    },
    PersonInImage: names.map((n) => exiftoolText(n, false)),
  };
  // exiftool-vendored types RegionInfo's members narrowly; the shape above is what exiftool expects.
  return tags as unknown as WriteTags;
}

export interface XmpExportOptions {
  style?: SidecarStyle;
  /** Mirror the photos' folders under this folder instead of writing next to each photo. */
  out?: string;
  exiftool?: ExifTool;
}

export interface XmpExportResult {
  written: string[];
  errors: Array<{ path: string; message: string }>;
}

/** The folder all paths share (to mirror the photo tree under --out). */
function commonDir(paths: readonly string[]): string {
  if (paths.length === 0) return sep;
  let parts = dirname(resolve(paths[0]!)).split(sep);
  for (const p of paths.slice(1)) {
    const q = dirname(resolve(p)).split(sep);
    let i = 0;
    while (i < parts.length && i < q.length && parts[i] === q[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(sep) || sep;
}

async function writeSidecar(et: ExifTool, target: string, p: PhotoRegions): Promise<void> {
  ensureDir(dirname(target));
  // exiftool picks the format from the extension, so the temp name must end in .xmp.
  const tmp = tempPathFor(target, '.xmp');
  try {
    let existing: Rec = {};
    if (existsSync(target)) {
      const over = sidecarOverLimits(target);
      if (over) throw new ExportError(target, `Left the sidecar ${target} as it was: ${over}.`);
      try {
        copyFileSync(target, tmp);
      } catch (err) {
        throw fsError(err, target, 'read the sidecar');
      }
      existing = (await et.read(tmp)) as unknown as Rec;
    }
    await et.write(tmp, regionTags(p, existing), { writeArgs: ['-overwrite_original'] });
    try {
      renameSync(tmp, target);
    } catch (err) {
      throw fsError(err, target, 'write the sidecar');
    }
  } catch (err) {
    if (err instanceof ExportError) throw err;
    throw new ExportError(
      target,
      `Cannot write the sidecar ${target}: ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
      },
    );
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Writes one sidecar per photo with named faces. A photo whose sidecar fails is reported in `errors`
 * and the others still get theirs; a bad --out folder fails the whole export up front.
 */
export async function exportXmp(
  faces: readonly ExportFace[],
  options: XmpExportOptions = {},
): Promise<XmpExportResult> {
  const style = options.style ?? 'photo.jpg.xmp';
  const photos = regionsByPhoto(faces);
  const out = options.out === undefined ? undefined : resolve(options.out);
  if (out !== undefined) ensureDir(out);
  const base = commonDir(photos.map((p) => p.path));
  const result: XmpExportResult = { written: [], errors: [] };
  await withExifTool(async (et) => {
    for (const p of photos) {
      const beside = sidecarPath(p.path, style);
      const target = out === undefined ? beside : join(out, relative(base, beside));
      try {
        await writeSidecar(et, target, p);
        result.written.push(target);
      } catch (err) {
        result.errors.push({ path: target, message: err instanceof Error ? err.message : String(err) });
      }
    }
  }, options.exiftool);
  return result;
}

/**
 * Named face regions a photo carries: in its sidecars and in the image's own XMP. A sidecar over the
 * limits of sidecar-limits.ts is not parsed; it is passed to `onSkip` with the reason.
 */
export async function readRegions(
  et: ExifTool,
  photo: string,
  onSkip?: (skipped: SkippedSidecar) => void,
): Promise<NamedRegion[]> {
  const lists: NamedRegion[][] = [];
  for (const file of [...sidecarCandidates(photo), photo]) {
    if (!existsSync(file)) continue;
    const over = file === photo ? null : sidecarOverLimits(file);
    if (over) {
      onSkip?.({ path: file, reason: `${over}; its names were not imported` });
      continue;
    }
    try {
      lists.push(regionsOfTags((await et.read(file)) as unknown as Rec));
    } catch {
      // An unreadable sidecar or image must not stop a scan; the photo just gets no names from it.
    }
  }
  const out: NamedRegion[] = [];
  for (const l of lists) for (const r of l) if (!out.some((o) => iou(o.area, r.area) >= 0.5)) out.push(r);
  return out;
}
