// When a box the user draws is a face already marked: one rule for the service (which refuses to add
// it) and the photo viewer (which refuses while drawing, before asking who it is). No imports, so
// both the core and the renderer use it.
interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Intersection over union of two boxes. */
export function boxIou(a: Rect, b: Rect): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Whether a box the user drew and another face box (detected or drawn) are one face: IoU ≥ 0.5,
 * or, since hands draw looser or tighter boxes than detectors, one box lies ≥ 70% inside the other
 * while being at least a quarter of its area.
 */
export function sameFaceAsDrawn(drawn: Rect, other: Rect): boolean {
  if (boxIou(drawn, other) >= 0.5) return true;
  const ix = Math.max(0, Math.min(drawn.x + drawn.w, other.x + other.w) - Math.max(drawn.x, other.x));
  const iy = Math.max(0, Math.min(drawn.y + drawn.h, other.y + other.h) - Math.max(drawn.y, other.y));
  const inter = ix * iy;
  const within = (inner: Rect, outer: Rect): boolean => {
    const area = inner.w * inner.h;
    return area > 0 && inter >= 0.7 * area && area >= 0.25 * outer.w * outer.h;
  };
  return within(other, drawn) || within(drawn, other);
}
