// Where a detector's fine (small-face) pass pays. A full fine pass over a 12-MP photo costs ~14×
// the coarse pass, and most photos (portraits, couples, families) hold no face the coarse pass
// misses; faces too small for it sit beside other small faces (rows of people, crowds) or come up
// as weak coarse candidates. So the fine pass looks only at bands around those.
import type { Box } from '../types.ts';
import type { Candidate } from './nms.ts';

export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface RefineOptions {
  /** Coarse-pass faces below this many network pixels may have smaller neighbours. */
  smallFace: number;
  /** A band around a hint is this many of its heights tall (half above, half below). */
  bandHeights: number;
  /** …and this many of its heights wide. */
  bandWidths: number;
}

export const REFINE_DEFAULTS: RefineOptions = { smallFace: 32, bandHeights: 6, bandWidths: 24 };

/**
 * The fine pass's scale: the one that makes the smallest face wanted visible (`minFaceScale`, if the
 * coarse pass does not already), and at least `minRatio` × the coarse scale (at most full size),
 * since faces at the coarse pass's limit (crowds) are found far better a little larger: on
 * wider-crowd-dev, 1024-px photos, recall went from 0.78 to 0.83 with 1.6×. None when that would
 * not enlarge the coarse pass by more than 1.25×.
 */
export function refineScale(
  coarseScale: number,
  minFaceScale: number | undefined,
  minRatio = 1.6,
): number | undefined {
  const s = Math.max(minFaceScale ?? 0, Math.min(1, coarseScale * minRatio));
  return s > coarseScale * 1.25 ? s : undefined;
}

/**
 * Hints for the fine pass, in image pixels: coarse faces smaller than `smallFace` network pixels
 * at `coarseScale`, and weak candidates (below the score threshold, which coarse faces at the limit
 * of what the network resolves often are).
 */
export function refineHints(
  coarse: readonly Candidate[],
  weak: readonly Candidate[],
  coarseScale: number,
  smallFace: number,
): Box[] {
  const maxSide = smallFace / coarseScale;
  return [...coarse, ...weak].filter((c) => Math.max(c.box.w, c.box.h) < maxSide).map((c) => c.box);
}

/**
 * Image regions for the fine pass: a band around each hint (`bandWidths` × `bandHeights` of its
 * height, centred on it, clipped to the image), overlapping bands merged into their bounding box.
 * With no coarse face at all, the whole image (nothing says where small faces could be).
 */
export function refineRegions(
  width: number,
  height: number,
  hints: readonly Box[],
  anyCoarseFace: boolean,
  options: RefineOptions = REFINE_DEFAULTS,
): Region[] {
  if (!anyCoarseFace && hints.length === 0) return [{ x: 0, y: 0, w: width, h: height }];
  let regions: Region[] = hints.map((b) => {
    const cx = b.x + b.w / 2;
    const cy = b.y + b.h / 2;
    const hw = (b.h * options.bandWidths) / 2;
    const hh = (b.h * options.bandHeights) / 2;
    const x0 = Math.max(0, Math.floor(cx - hw));
    const y0 = Math.max(0, Math.floor(cy - hh));
    const x1 = Math.min(width, Math.ceil(cx + hw));
    const y1 = Math.min(height, Math.ceil(cy + hh));
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  });
  regions = regions.filter((r) => r.w > 0 && r.h > 0);
  // Merge until no two overlap (a handful of regions: quadratic is fine).
  for (let merged = true; merged; ) {
    merged = false;
    for (let i = 0; i < regions.length && !merged; i++) {
      for (let j = i + 1; j < regions.length && !merged; j++) {
        const a = regions[i]!;
        const b = regions[j]!;
        if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) {
          const x = Math.min(a.x, b.x);
          const y = Math.min(a.y, b.y);
          regions[i] = {
            x,
            y,
            w: Math.max(a.x + a.w, b.x + b.w) - x,
            h: Math.max(a.y + a.h, b.y + b.h) - y,
          };
          regions.splice(j, 1);
          merged = true;
        }
      }
    }
  }
  return regions.sort((a, b) => a.y - b.y || a.x - b.x);
}
