// Face regions as the XMP standards store them, and the conversions to and from Kith's boxes.
//
// - MWG (mwg-rs:Regions, read and written by exiftool as RegionInfo): Area X/Y is the region's CENTRE,
//   W/H its size, all normalised to [0, 1] by the image size; AppliedToDimensions is that size in pixels.
// - Microsoft People Tagging (MP:RegionInfo, exiftool's RegionInfoMP): Rectangle "x, y, w, h",
//   normalised, x/y the TOP-LEFT corner.
// Kith's boxes are in the pixels of the photo as displayed (EXIF orientation applied), and so are the
// regions it writes: Lightroom, digiKam and Picasa also place regions on the displayed image.
import { iou } from '../../../ml/geometry/box.ts';
import type { Box } from '../../../ml/types.ts';
import { cleanName } from '../../shared/names.ts';

/** A named face region, normalised to the displayed image, top-left based. */
export interface NamedRegion {
  name: string;
  area: Box;
  source: 'mwg' | 'mp';
}

/** Names that mean "no person" (Windows Live Photo Gallery's ignored face). */
const IGNORED_NAMES = new Set(['ffffffffffffffff']);

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** A pixel box → normalised top-left box clipped to the image (6 decimals: sub-pixel at 100 MP). */
export function normalizeBox(box: Box, width: number, height: number): Box {
  const x0 = clamp01(box.x / width);
  const y0 = clamp01(box.y / height);
  const x1 = clamp01((box.x + box.w) / width);
  const y1 = clamp01((box.y + box.h) / height);
  return { x: round6(x0), y: round6(y0), w: round6(x1 - x0), h: round6(y1 - y0) };
}

export function denormalizeBox(area: Box, width: number, height: number): Box {
  return { x: area.x * width, y: area.y * height, w: area.w * width, h: area.h * height };
}

export interface MwgArea {
  X: number;
  Y: number;
  W: number;
  H: number;
  Unit: 'normalized';
}

export function mwgAreaOf(area: Box): MwgArea {
  return {
    X: round6(area.x + area.w / 2),
    Y: round6(area.y + area.h / 2),
    W: area.w,
    H: area.h,
    Unit: 'normalized',
  };
}

export function mpRectangleOf(area: Box): string {
  return [area.x, area.y, area.w, area.h].map(round6).join(', ');
}

// ── reading what exiftool returns (untyped JSON from other apps: check everything) ─────────────────

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
/** A region's name under the name rule: another app's text is cleaned (shared/names.ts), not trusted. */
const nameOf = (v: unknown): string | undefined => {
  const s = typeof v === 'string' ? cleanName(v) : typeof v === 'number' ? String(v) : null;
  return s && !IGNORED_NAMES.has(s) ? s : undefined;
};

function validArea(a: Box): boolean {
  return a.w > 0 && a.h > 0 && a.x >= -0.01 && a.y >= -0.01 && a.x + a.w <= 1.01 && a.y + a.h <= 1.01;
}

/** Named face regions of an MWG RegionInfo struct (other region types, and unnamed faces, are skipped). */
export function mwgRegionsOf(regionInfo: unknown): NamedRegion[] {
  if (!isRec(regionInfo)) return [];
  const dims = isRec(regionInfo.AppliedToDimensions) ? regionInfo.AppliedToDimensions : {};
  const dw = num(dims.W);
  const dh = num(dims.H);
  const out: NamedRegion[] = [];
  for (const r of list(regionInfo.RegionList)) {
    if (!isRec(r) || !isRec(r.Area)) continue;
    if (r.Type !== undefined && r.Type !== 'Face') continue;
    const name = nameOf(r.Name);
    const [x, y, w, h] = [num(r.Area.X), num(r.Area.Y), num(r.Area.W), num(r.Area.H)];
    if (!name || x === undefined || y === undefined || w === undefined || h === undefined) continue;
    // Unit is 'normalized' by the standard; a pixel area needs AppliedToDimensions to be understood.
    const unit = typeof r.Area.Unit === 'string' ? r.Area.Unit : 'normalized';
    let sx = 1;
    let sy = 1;
    if (unit === 'pixel') {
      if (!dw || !dh) continue;
      sx = 1 / dw;
      sy = 1 / dh;
    }
    const area = { x: (x - w / 2) * sx, y: (y - h / 2) * sy, w: w * sx, h: h * sy };
    if (validArea(area)) out.push({ name, area, source: 'mwg' });
  }
  return out;
}

/** Named regions of a Microsoft RegionInfoMP struct. */
export function mpRegionsOf(regionInfoMp: unknown): NamedRegion[] {
  if (!isRec(regionInfoMp)) return [];
  const out: NamedRegion[] = [];
  for (const r of list(regionInfoMp.Regions)) {
    if (!isRec(r)) continue;
    const name = nameOf(r.PersonDisplayName);
    const parts = typeof r.Rectangle === 'string' ? r.Rectangle.split(',').map((s) => Number(s.trim())) : [];
    if (!name || parts.length !== 4 || parts.some((v) => !Number.isFinite(v))) continue;
    const [x, y, w, h] = parts as [number, number, number, number];
    const area = { x, y, w, h };
    if (validArea(area)) out.push({ name, area, source: 'mp' });
  }
  return out;
}

/** MWG first (it is the standard), then Microsoft regions that add a face MWG did not name. */
export function regionsOfTags(tags: Rec): NamedRegion[] {
  const out = mwgRegionsOf(tags.RegionInfo);
  for (const r of mpRegionsOf(tags.RegionInfoMP)) {
    if (!out.some((o) => iou(o.area, r.area) >= 0.5)) out.push(r);
  }
  return out;
}

/** Union of regions from several files (sidecars, then the image), dropping ones already covered. */
export function mergeRegions(lists: ReadonlyArray<readonly NamedRegion[]>): NamedRegion[] {
  const out: NamedRegion[] = [];
  for (const l of lists) {
    for (const r of l) if (!out.some((o) => iou(o.area, r.area) >= 0.5)) out.push(r);
  }
  return out;
}
