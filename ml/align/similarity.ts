// 5-point similarity alignment: the least-squares rotation + uniform scale + translation
// (no reflection) taking detected points onto the 112×112 ArcFace template.
import type { Landmarks5, Point } from '../types.ts';

/** The standard ArcFace 112×112 template (eye, eye, nose, mouth corner, mouth corner). */
export const ARCFACE_112: Landmarks5 = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** A 2×3 affine matrix [a, -b, tx; b, a, ty] mapping source → destination. */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/**
 * Closed-form least squares: with centred points p', q',
 * a = Σ(p'·q') / Σ|p'|², b = Σ(p'×q') / Σ|p'|², t = q̄ − [a −b; b a] p̄.
 */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Similarity {
  const n = src.length;
  if (n !== dst.length || n < 2) throw new Error('estimateSimilarity needs ≥ 2 matching points');
  let mx = 0;
  let my = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < n; i++) {
    mx += src[i]![0];
    my += src[i]![1];
    nx += dst[i]![0];
    ny += dst[i]![1];
  }
  mx /= n;
  my /= n;
  nx /= n;
  ny /= n;
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const px = src[i]![0] - mx;
    const py = src[i]![1] - my;
    const qx = dst[i]![0] - nx;
    const qy = dst[i]![1] - ny;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm === 0) throw new Error('estimateSimilarity: source points are all identical');
  const a = dot / norm;
  const b = cross / norm;
  return { a, b, tx: nx - (a * mx - b * my), ty: ny - (b * mx + a * my) };
}

export function applySimilarity(t: Similarity, p: Point): Point {
  return [t.a * p[0] - t.b * p[1] + t.tx, t.b * p[0] + t.a * p[1] + t.ty];
}

export function invertSimilarity(t: Similarity): Similarity {
  const d = t.a * t.a + t.b * t.b;
  const a = t.a / d;
  const b = -t.b / d;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

/** Uniform scale of the transform (destination pixels per source pixel). */
export function similarityScale(t: Similarity): number {
  return Math.hypot(t.a, t.b);
}
