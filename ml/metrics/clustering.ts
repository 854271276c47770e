// Cluster-quality scores: a predicted labelling against the true identities.
//
// [Note: unassigned faces]
// Label −1 means "unassigned" (a face the clustering left out of every person). Every such face
// counts as a singleton cluster of its own, in the prediction and in the truth alike. So an
// unassigned face never makes a pair, which is what a user sees: it is in no person. Leaving a
// face out costs recall (its true pairs are missed) but never precision.
//
// All scores come from the contingency table (predicted cluster × true identity), built in one
// pass with a hash map: O(n) time and O(number of non-empty cells) memory, never O(n²).

/** Precision, recall and their harmonic mean F, each in [0, 1]. */
export interface PrecisionRecall {
  precision: number;
  recall: number;
  f: number;
}

interface Contingency {
  n: number;
  /** Sizes of the non-empty cells (predicted ∩ true). */
  cells: Float64Array;
  /** Predicted cluster of each cell (dense index into predSizes). */
  cellPred: Int32Array;
  /** True identity of each cell (dense index into truthSizes). */
  cellTruth: Int32Array;
  predSizes: Float64Array;
  truthSizes: Float64Array;
}

/** Maps labels to dense 0..k−1; each −1 gets a fresh index of its own (a singleton). */
function denseLabels(labels: Int32Array): { dense: Int32Array; count: number } {
  const dense = new Int32Array(labels.length);
  const index = new Map<number, number>();
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label < 0) {
      dense[i] = count++;
      continue;
    }
    let d = index.get(label);
    if (d === undefined) {
      d = count++;
      index.set(label, d);
    }
    dense[i] = d;
  }
  return { dense, count };
}

function contingency(pred: Int32Array, truth: Int32Array): Contingency {
  if (pred.length !== truth.length) {
    throw new RangeError(`pred has ${pred.length} labels but truth has ${truth.length}`);
  }
  const n = pred.length;
  const p = denseLabels(pred);
  const t = denseLabels(truth);
  const predSizes = new Float64Array(p.count);
  const truthSizes = new Float64Array(t.count);
  // Cell key p·|T| + t stays below 2^53 for any n a typed array can hold.
  const cellIndex = new Map<number, number>();
  const cellSize: number[] = [];
  const cellPred: number[] = [];
  const cellTruth: number[] = [];
  for (let i = 0; i < n; i++) {
    const pi = p.dense[i]!;
    const ti = t.dense[i]!;
    predSizes[pi]!++;
    truthSizes[ti]!++;
    const key = pi * t.count + ti;
    const c = cellIndex.get(key);
    if (c === undefined) {
      cellIndex.set(key, cellSize.length);
      cellSize.push(1);
      cellPred.push(pi);
      cellTruth.push(ti);
    } else {
      cellSize[c]!++;
    }
  }
  return {
    n,
    cells: Float64Array.from(cellSize),
    cellPred: Int32Array.from(cellPred),
    cellTruth: Int32Array.from(cellTruth),
    predSizes,
    truthSizes,
  };
}

const pairs = (k: number): number => (k * (k - 1)) / 2;

function sumPairs(sizes: Float64Array): number {
  let s = 0;
  for (const k of sizes) s += pairs(k);
  return s;
}

function harmonic(precision: number, recall: number): PrecisionRecall {
  const f = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f };
}

/**
 * Pairwise precision/recall: over all pairs of faces, "same predicted cluster" vs "same identity".
 * With no predicted pairs precision is 1 (nothing was claimed); with no true pairs recall is 1.
 */
export function pairwiseScores(pred: Int32Array, truth: Int32Array): PrecisionRecall {
  const c = contingency(pred, truth);
  let together = 0;
  for (const k of c.cells) together += pairs(k);
  const predPairs = sumPairs(c.predSizes);
  const truePairs = sumPairs(c.truthSizes);
  return harmonic(predPairs > 0 ? together / predPairs : 1, truePairs > 0 ? together / truePairs : 1);
}

/**
 * B-cubed precision/recall (Bagga & Baldwin 1998): per face, the share of its predicted cluster
 * that is its identity (precision) and the share of its identity that is in its cluster (recall),
 * averaged over faces. Empty input scores 1.
 */
export function bcubedScores(pred: Int32Array, truth: Int32Array): PrecisionRecall {
  const c = contingency(pred, truth);
  if (c.n === 0) return harmonic(1, 1);
  let precision = 0;
  let recall = 0;
  for (let i = 0; i < c.cells.length; i++) {
    const k = c.cells[i]!;
    // Each of the k faces in the cell has k faces of its cluster that share its identity.
    precision += (k * k) / c.predSizes[c.cellPred[i]!]!;
    recall += (k * k) / c.truthSizes[c.cellTruth[i]!]!;
  }
  return harmonic(precision / c.n, recall / c.n);
}

/**
 * Adjusted Rand index (Hubert & Arabie 1985): 1 for identical partitions, about 0 for chance.
 * When the partitions leave no room for chance (both all-singletons or both one cluster), it is 1,
 * as in scikit-learn.
 */
export function adjustedRandIndex(pred: Int32Array, truth: Int32Array): number {
  const c = contingency(pred, truth);
  let index = 0;
  for (const k of c.cells) index += pairs(k);
  const a = sumPairs(c.predSizes);
  const b = sumPairs(c.truthSizes);
  const total = pairs(c.n);
  const expected = total > 0 ? (a * b) / total : 0;
  const max = (a + b) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}
