// Words the correction dialogs show (issue 15 items 6, 8, 9, 13): confidences, likeness, what
// "Improve recognition" did and what a threshold change would do, said the way a person reads them.
// Plain functions (no React), unit-tested against hand-written text.
import type { ImproveSummary, PersonSummary, QualityPoint } from '../../electron/shared/api.ts';
import { plural } from './format.ts';

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * A suggestion's confidence (0 at the grouping threshold, 1 on top of the person's faces) in words a
 * person reads, with the number beside it (never "0%": such faces are not asked about).
 */
export function confidenceText(confidence: number): string {
  const pct = Math.max(1, Math.round(confidence * 100));
  const words =
    confidence >= 0.35 ? 'A likely match' : confidence >= 0.15 ? 'A possible match' : 'A weak match';
  return `${words} (${pct}% sure)`;
}

/** The review's question: by name, or about the person's other faces when unnamed. */
export function reviewQuestion(name: string | null): string {
  return name === null ? 'Is this the same person as the others?' : `Is this ${name}?`;
}

/**
 * What "Improve recognition" did, in words (issue 15 item 8): whether people changed, how many faces
 * moved, and how well Kith groups the faces the user checked, before and after.
 */
export function improveOutcome(r: ImproveSummary): { headline: string; detail: string } {
  const checked = `${plural(r.confirmedFaces, 'named or confirmed face')} of ${plural(r.people, 'person', 'people')}`;
  if (r.cancelled) return { headline: 'Cancelled: nothing was changed.', detail: '' };
  if (!r.before || !r.after) {
    return {
      headline: 'Nothing to learn from yet.',
      detail: `Name or confirm at least 3 faces each of at least 2 people (so far: ${checked}).`,
    };
  }
  const grouping = `On faces it did not learn from, Kith groups ${pct(r.before.bcubed_f)} right before and ${pct(r.after.bcubed_f)} after.`;
  if (!r.kept) {
    return {
      headline: 'Not kept: it would not have grouped your faces better, so nothing changed.',
      detail: `${grouping} Learned from ${checked}.`,
    };
  }
  const moved = r.facesMoved ?? 0;
  return {
    headline:
      moved === 0
        ? 'Kept: people were regrouped; no face changed person.'
        : `Kept: people were regrouped and ${plural(moved, 'face')} moved to another person.`,
    detail: `${grouping} Learned from ${checked}.`,
  };
}

/** What moving the threshold to `p` would change against `now`, in words. */
export function changeText(now: QualityPoint, p: QualityPoint): string {
  const dp = Math.round((p.precision - now.precision) * 100);
  const dr = Math.round((p.recall - now.recall) * 100);
  if (dp === 0 && dr === 0) return 'no change';
  const part = (d: number, what: string) => (d === 0 ? null : `${d > 0 ? '+' : '−'}${Math.abs(d)} ${what}`);
  return [part(dp, 'right together'), part(dr, 'found')].filter(Boolean).join(', ');
}

/** The person a merge keeps: the named one, else the one with more faces. */
export function mergeTarget(a: PersonSummary, b: PersonSummary): PersonSummary {
  if ((a.name === null) !== (b.name === null)) return a.name !== null ? a : b;
  return b.faceCount > a.faceCount ? b : a;
}

/** "92% alike" for a likeness (0.5 = at the grouping threshold). */
export const likenessText = (similarity: number): string => `${Math.round(similarity * 100)}% alike`;
