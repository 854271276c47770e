// LFW View-2 style verification protocol (pure): parse pairs.txt, pick the threshold on the
// other folds, score the held fold; TAR at a fixed FAR over all pairs.

export interface LfwPair {
  fold: number;
  same: boolean;
  a: { name: string; index: number };
  b: { name: string; index: number };
}

/** Parses the standard pairs.txt ("folds\tpairsPerClass" header, then per fold N same + N different lines). */
export function parsePairs(text: string): { folds: number; pairs: LfwPair[] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const header = lines.shift()?.trim().split(/\s+/).map(Number);
  const folds = header?.[0];
  const perClass = header?.[1];
  if (!folds || !perClass || Number.isNaN(folds) || Number.isNaN(perClass)) {
    throw new Error('pairs.txt: the first line must be "<folds> <pairs per class>"');
  }
  if (lines.length !== folds * perClass * 2) {
    throw new Error(
      `pairs.txt: expected ${folds * perClass * 2} pairs after the header, found ${lines.length}`,
    );
  }
  const pairs = lines.map((line, i): LfwPair => {
    const f = line.trim().split(/\s+/);
    const fold = Math.floor(i / (2 * perClass));
    if (f.length === 3) {
      return {
        fold,
        same: true,
        a: { name: f[0]!, index: Number(f[1]) },
        b: { name: f[0]!, index: Number(f[2]) },
      };
    }
    if (f.length === 4) {
      return {
        fold,
        same: false,
        a: { name: f[0]!, index: Number(f[1]) },
        b: { name: f[2]!, index: Number(f[3]) },
      };
    }
    throw new Error(`pairs.txt line ${i + 2}: expected 3 or 4 fields, got "${line}"`);
  });
  return { folds, pairs };
}

/** Conventional LFW file name: Name/Name_0001.jpg. */
export function lfwImagePath(name: string, index: number): string {
  return `${name}/${name}_${String(index).padStart(4, '0')}.jpg`;
}

export interface ScoredPair {
  fold: number;
  same: boolean;
  distance: number;
}

/** The threshold with the best accuracy on `pairs` (candidates: midpoints between sorted distances). */
export function bestThreshold(pairs: readonly ScoredPair[]): number {
  const sorted = [...pairs].sort((x, y) => x.distance - y.distance);
  // Sweep: accept everything up to index i. Count correct decisions incrementally.
  let correct = sorted.filter((p) => !p.same).length; // threshold below all: every pair rejected
  let best = correct;
  let bestT = sorted.length > 0 ? sorted[0]!.distance - 1e-6 : 0;
  for (let i = 0; i < sorted.length; i++) {
    correct += sorted[i]!.same ? 1 : -1;
    const next = sorted[i + 1]?.distance ?? sorted[i]!.distance + 1e-3;
    if (correct > best && next > sorted[i]!.distance) {
      best = correct;
      bestT = (sorted[i]!.distance + next) / 2;
    }
  }
  return bestT;
}

export interface VerificationReport {
  accuracy: number;
  /** Standard error of the per-fold accuracies (std / √folds). */
  accuracySe: number;
  /** Mean of the per-fold thresholds (squared L2). */
  threshold: number;
  foldAccuracies: number[];
  tarAtFar001: number;
  /** Pairs whose distance could not be computed (no face); counted as wrong. */
  missing: number;
}

/** k-fold protocol; `NaN` distances (missing faces) count as errors in the held fold. */
export function evaluateFolds(pairs: readonly ScoredPair[], folds: number, far = 0.001): VerificationReport {
  const valid = pairs.filter((p) => Number.isFinite(p.distance));
  const foldAccuracies: number[] = [];
  const thresholds: number[] = [];
  for (let k = 0; k < folds; k++) {
    const t = bestThreshold(valid.filter((p) => p.fold !== k));
    const held = pairs.filter((p) => p.fold === k);
    const ok = held.filter((p) => Number.isFinite(p.distance) && p.distance <= t === p.same).length;
    foldAccuracies.push(held.length > 0 ? ok / held.length : 0);
    thresholds.push(t);
  }
  const mean = foldAccuracies.reduce((s, a) => s + a, 0) / folds;
  const variance = foldAccuracies.reduce((s, a) => s + (a - mean) ** 2, 0) / Math.max(1, folds - 1);
  return {
    accuracy: mean,
    accuracySe: Math.sqrt(variance / folds),
    threshold: thresholds.reduce((s, t) => s + t, 0) / folds,
    foldAccuracies,
    tarAtFar001: tarAtFar(valid, far),
    missing: pairs.length - valid.length,
  };
}

/** True-accept rate at the largest threshold whose false-accept rate is ≤ `far`. */
export function tarAtFar(pairs: readonly ScoredPair[], far: number): number {
  const neg = pairs
    .filter((p) => !p.same)
    .map((p) => p.distance)
    .sort((a, b) => a - b);
  const pos = pairs.filter((p) => p.same).map((p) => p.distance);
  if (neg.length === 0 || pos.length === 0) return 0;
  const allowed = Math.floor(far * neg.length);
  // Accept distances strictly below the (allowed)-th smallest negative.
  const t = neg[allowed]!;
  return pos.filter((d) => d < t).length / pos.length;
}
