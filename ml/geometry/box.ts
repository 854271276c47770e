// Box geometry, one copy for all: detection (NMS), the library (a new analysis keeps the old faces'
// assignments), XMP regions (import, merge), the WIDER FACE score and the faces a user draws.
// Pure and import-free at run time, so the renderer bundles it too (through electron/shared/drawn-face.ts).
import type { Box } from '../types.ts';

/** The area two boxes share (0 when they do not overlap). */
export function intersection(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  return ix * iy;
}

/** Intersection over union of two boxes (0 for disjoint or empty boxes). */
export function iou(a: Box, b: Box): number {
  const inter = intersection(a, b);
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/** Whether at least `fraction` of `inner`'s area lies inside `outer` (an empty `inner` never does). */
export function contains(outer: Box, inner: Box, fraction: number): boolean {
  const area = inner.w * inner.h;
  return area > 0 && intersection(inner, outer) >= fraction * area;
}

/**
 * Greedy one-to-one matching of boxes `a` to boxes `b`, best IoU first (ties: the earlier `a`, then
 * the earlier `b`); pairs under `minIou` never match. Returns index pairs `[i, j]` in that order.
 */
export function matchByIou(
  a: readonly Box[],
  b: readonly Box[],
  minIou: number,
): Array<[i: number, j: number]> {
  const pairs: Array<[v: number, i: number, j: number]> = [];
  a.forEach((x, i) => {
    b.forEach((y, j) => {
      const v = iou(x, y);
      if (v >= minIou) pairs.push([v, i, j]);
    });
  });
  pairs.sort((p, q) => q[0] - p[0]);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  const out: Array<[number, number]> = [];
  for (const [, i, j] of pairs) {
    if (usedA.has(i) || usedB.has(j)) continue;
    usedA.add(i);
    usedB.add(j);
    out.push([i, j]);
  }
  return out;
}
