// The words the correction dialogs show (issue 15 items 6, 8, 9, 13), checked against hand-written text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImproveSummary } from '../../../electron/shared/api.ts';
import {
  changeText,
  confidenceText,
  improveOutcome,
  likenessText,
  mergeTarget,
  reviewQuestion,
} from '../../../renderer/src/correction-words.ts';

test('review: a confidence in words, never 0%; unnamed people are asked about by their faces', () => {
  assert.equal(confidenceText(0.62), 'A likely match (62% sure)');
  assert.equal(confidenceText(0.2), 'A possible match (20% sure)');
  assert.equal(confidenceText(0.004), 'A weak match (1% sure)');
  assert.equal(reviewQuestion('Sergio'), 'Is this Sergio?');
  assert.equal(reviewQuestion(null), 'Is this the same person as the others?');
});

const summary = (over: Partial<ImproveSummary>): ImproveSummary => ({
  kept: false,
  reason: '',
  before: null,
  after: null,
  people: 5,
  confirmedFaces: 17,
  hardNegatives: 0,
  seconds: 1,
  regrouped: false,
  ...over,
});
const scores = (bcubed_f: number) => ({ pairwise_f: 0, bcubed_f, verification: 0 });

test('improve: the outcome in words, with the faces moved', () => {
  assert.deepEqual(improveOutcome(summary({})), {
    headline: 'Nothing to learn from yet.',
    detail:
      'Name or confirm at least 3 faces each of at least 2 people (so far: 17 named or confirmed faces of 5 people).',
  });
  assert.equal(
    improveOutcome(summary({ kept: true, before: scores(0.9), after: scores(0.95), facesMoved: 3 })).headline,
    'Kept: people were regrouped and 3 faces moved to another person.',
  );
  assert.match(
    improveOutcome(summary({ before: scores(0.9), after: scores(0.9) })).detail,
    /groups 90% right before and 90% after/,
  );
  assert.equal(improveOutcome(summary({ cancelled: true })).headline, 'Cancelled: nothing was changed.');
});

test('merges: likeness and which person a merge keeps', () => {
  assert.equal(likenessText(0.916), '92% alike');
  const p = (id: number, name: string | null, faceCount: number) => ({
    id,
    name,
    hidden: false,
    coverFaceId: null,
    faceCount,
    photoCount: faceCount,
  });
  assert.equal(mergeTarget(p(1, null, 9), p(2, 'Kofi', 2)).id, 2);
  assert.equal(mergeTarget(p(1, null, 3), p(2, null, 5)).id, 2);
});

test('grouping quality: what a threshold change would do, in words', () => {
  const now = { threshold: 1, precision: 0.9, recall: 0.8 };
  assert.equal(
    changeText(now, { threshold: 0.85, precision: 0.95, recall: 0.7 }),
    '+5 right together, −10 found',
  );
  assert.equal(changeText(now, { threshold: 1.15, precision: 0.9, recall: 0.8 }), 'no change');
});
