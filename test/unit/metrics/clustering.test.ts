import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adjustedRandIndex, bcubedScores, pairwiseScores } from '../../../ml/metrics/clustering.ts';
import { mulberry32 } from '../../../ml/util/prng.ts';

const close = (actual: number, expected: number, what: string): void => {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);
};

/** O(n²) references, written from the definitions; −1 is a singleton. */
function brute(pred: Int32Array, truth: Int32Array) {
  const n = pred.length;
  const same = (l: Int32Array, i: number, j: number) => l[i]! >= 0 && l[i] === l[j];
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let bp = 0;
  let br = 0;
  for (let i = 0; i < n; i++) {
    let cluster = 0;
    let identity = 0;
    let both = 0;
    for (let j = 0; j < n; j++) {
      const p = i === j || same(pred, i, j);
      const t = i === j || same(truth, i, j);
      if (p) cluster++;
      if (t) identity++;
      if (p && t) both++;
      if (i === j) continue;
      if (p && t) tp++;
      else if (p) fp++;
      else if (t) fn++;
      else tn++;
    }
    bp += both / cluster;
    br += both / identity;
  }
  // Ordered-pair confusion counts (as scikit-learn's pair_confusion_matrix).
  const ari =
    fn === 0 && fp === 0 ? 1 : (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
  return {
    pairwise: { precision: tp + fp > 0 ? tp / (tp + fp) : 1, recall: tp + fn > 0 ? tp / (tp + fn) : 1 },
    bcubed: { precision: bp / n, recall: br / n },
    ari,
  };
}

function randomLabels(n: number, k: number, unassigned: number, seed: number): Int32Array {
  const next = mulberry32(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() < unassigned ? -1 : Math.floor(next() * k) * 7 + 3;
  return out;
}

describe('cluster metrics', () => {
  // pred {0,1,2} {3,4} {5: unassigned}; truth {0,1} {2,3,4,5}
  const pred = Int32Array.from([0, 0, 0, 1, 1, -1]);
  const truth = Int32Array.from([0, 0, 1, 1, 1, 1]);

  it('pairwise precision/recall on a hand-computed case', () => {
    // predicted pairs 3+1 = 4, true pairs 1+6 = 7, shared pairs {0,1} {3,4} = 2
    const s = pairwiseScores(pred, truth);
    close(s.precision, 2 / 4, 'precision');
    close(s.recall, 2 / 7, 'recall');
    close(s.f, (2 * (1 / 2) * (2 / 7)) / (1 / 2 + 2 / 7), 'f');
  });

  it('B-cubed on a hand-computed case', () => {
    // per face precision: 2/3 2/3 1/3 1 1 1; recall: 1 1 1/4 2/4 2/4 1/4
    const s = bcubedScores(pred, truth);
    close(s.precision, (2 / 3 + 2 / 3 + 1 / 3 + 3) / 6, 'precision');
    close(s.recall, (1 + 1 + 1 / 4 + 1 / 2 + 1 / 2 + 1 / 4) / 6, 'recall');
  });

  it('adjusted Rand index on a hand-computed case', () => {
    // index 2, a 4, b 7, C(6,2) 15: (2 − 28/15) / (11/2 − 28/15) = 4/109
    close(adjustedRandIndex(pred, truth), 4 / 109, 'ari');
  });

  it('identical partitions score 1 whatever the label names', () => {
    const a = Int32Array.from([5, 5, 9, 9, 9, -1, 2]);
    const b = Int32Array.from([0, 0, 1, 1, 1, -1, 7]);
    close(adjustedRandIndex(a, b), 1, 'ari');
    close(pairwiseScores(a, b).f, 1, 'pairwise f');
    close(bcubedScores(a, b).f, 1, 'bcubed f');
  });

  it('unassigned faces are singletons: they cost recall, never precision', () => {
    const none = Int32Array.from([-1, -1, -1, -1]);
    const t = Int32Array.from([0, 0, 1, 1]);
    const s = pairwiseScores(none, t);
    close(s.precision, 1, 'precision');
    close(s.recall, 0, 'recall');
    close(bcubedScores(none, t).precision, 1, 'bcubed precision');
    close(bcubedScores(none, t).recall, 0.5, 'bcubed recall');
  });

  it('degenerate partitions follow scikit-learn (ARI 1 for equal trivial splits)', () => {
    const one = new Int32Array(5);
    const singletons = Int32Array.from([0, 1, 2, 3, 4]);
    close(adjustedRandIndex(one, one), 1, 'one cluster');
    close(adjustedRandIndex(singletons, singletons), 1, 'singletons');
    close(adjustedRandIndex(one, singletons), 0, 'one vs singletons');
    close(adjustedRandIndex(new Int32Array(0), new Int32Array(0)), 1, 'empty');
  });

  it('agrees with O(n²) references on random labels', () => {
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + trial * 7;
      const p = randomLabels(n, 1 + (trial % 6), (trial % 4) * 0.1, 1000 + trial);
      const t = randomLabels(n, 1 + (trial % 5), (trial % 3) * 0.1, 2000 + trial);
      const ref = brute(p, t);
      const pw = pairwiseScores(p, t);
      const bc = bcubedScores(p, t);
      close(pw.precision, ref.pairwise.precision, `pairwise precision #${trial}`);
      close(pw.recall, ref.pairwise.recall, `pairwise recall #${trial}`);
      close(bc.precision, ref.bcubed.precision, `bcubed precision #${trial}`);
      close(bc.recall, ref.bcubed.recall, `bcubed recall #${trial}`);
      assert.ok(Math.abs(adjustedRandIndex(p, t) - ref.ari) < 1e-9, `ari #${trial}`);
    }
  });

  it('rejects labellings of different lengths', () => {
    assert.throws(() => adjustedRandIndex(new Int32Array(2), new Int32Array(3)), RangeError);
  });
});
