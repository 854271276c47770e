// How good is the automatic grouping on this library (issue 15, item 13)? Measured on the user's own
// confirmations: the faces the user put in a person (confirmed, moved, merged, drawn) are the truth; the
// same faces are grouped again by the clusterer alone (same threshold, linkage, noise slack and attach
// pass, faces of one photo kept apart, none of the user's links), and pairwise precision and recall
// compare the two. Repeated at a stricter and a looser threshold, it says what moving the threshold
// setting would change.
import { cluster } from '../../../ml/cluster/index.ts';
import { pairwiseScores } from '../../../ml/metrics/clustering.ts';
import { attachFor } from '../people/attach.ts';
import { effectiveEmbeddings } from '../people/improve.ts';
import { faceSlack } from '../people/slack.ts';
import type { Library } from '../store/library.ts';

export interface Agreement {
  /** Of the pairs grouping put together, the share the user also has together. */
  precision: number;
  /** Of the pairs the user has together, the share grouping put together. */
  recall: number;
}

export interface QualityPoint extends Agreement {
  threshold: number;
}

export interface GroupingQuality {
  /** Confirmed faces measured, and the people they are in. */
  faces: number;
  people: number;
  threshold: number;
  current: QualityPoint;
  stricter: QualityPoint;
  looser: QualityPoint;
}

/** Factors applied to the threshold for the "stricter" and "looser" figures. */
export const STRICTER = 0.85;
export const LOOSER = 1.15;

/**
 * Pairwise precision and recall of `predicted` against `truth` (one label per face; a predicted −1 is
 * a face grouping left alone, in no pair). With nothing claimed, precision is 1; with no true pair,
 * recall is 1.
 */
export function pairwiseAgreement(truth: Int32Array, predicted: Int32Array): Agreement {
  let next = predicted.reduce((a, b) => Math.max(a, b), -1) + 1;
  const pred = Int32Array.from(predicted, (l) => (l >= 0 ? l : next++));
  const { precision, recall } = pairwiseScores(pred, truth);
  return { precision, recall };
}

/** The measurement; null with fewer than two confirmed faces in one person (nothing to compare). */
export async function groupingQuality(
  library: Library,
  embedderId: string,
  threshold: number,
): Promise<GroupingQuality | null> {
  const m = effectiveEmbeddings(library, embedderId);
  const row = new Map<number, number>();
  m.faceIds.forEach((id, i) => {
    row.set(id, i);
  });
  const rows: number[] = [];
  const truth: number[] = [];
  const people = new Map<number, number>();
  for (const a of library.read.listUserAssignments()) {
    const r = row.get(a.faceId);
    if (r === undefined) continue;
    rows.push(r);
    truth.push(a.personId);
    people.set(a.personId, (people.get(a.personId) ?? 0) + 1);
  }
  if (![...people.values()].some((n) => n >= 2)) return null;
  const data = new Float32Array(rows.length * m.dim);
  rows.forEach((r, i) => {
    data.set(m.row(r), i * m.dim);
  });
  const groupOf = Int32Array.from(rows, (r) => m.photoIds[r]!);
  const faceSlacks = faceSlack(m);
  const slack = faceSlacks && Float32Array.from(rows, (r) => faceSlacks[r]!);
  const truthLabels = Int32Array.from(truth);
  const at = async (t: number): Promise<QualityPoint> => {
    const r = await cluster(data, {
      dim: m.dim,
      threshold: t,
      linkage: 'average',
      constraints: { groupOf },
      slack,
      attach: attachFor(embedderId, t),
    });
    return { threshold: t, ...pairwiseAgreement(truthLabels, r.labels) };
  };
  return {
    faces: rows.length,
    people: people.size,
    threshold,
    current: await at(threshold),
    stricter: await at(threshold * STRICTER),
    looser: await at(threshold * LOOSER),
  };
}
