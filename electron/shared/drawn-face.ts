// When a box the user draws is a face already marked: one rule for the service (which refuses to add
// it) and the photo viewer (which refuses while drawing, before asking who it is). Its only import is
// the pure box geometry, so both the core and the renderer use it.
import { contains, iou } from '../../ml/geometry/box.ts';
import type { Box } from '../../ml/types.ts';

/**
 * Whether a box the user drew and another face box (detected or drawn) are one face: IoU ≥ 0.5,
 * or, since hands draw looser or tighter boxes than detectors, one box lies ≥ 70% inside the other
 * while being at least a quarter of its area.
 */
export function sameFaceAsDrawn(drawn: Box, other: Box): boolean {
  if (iou(drawn, other) >= 0.5) return true;
  const within = (inner: Box, outer: Box): boolean =>
    contains(outer, inner, 0.7) && inner.w * inner.h >= 0.25 * outer.w * outer.h;
  return within(other, drawn) || within(drawn, other);
}
