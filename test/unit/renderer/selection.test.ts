import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptySelection, modeOf, prune, select, selectAll } from '../../../renderer/src/store/selection.ts';

const order = [10, 11, 12, 13, 14];

test('click selects one; clicking it again clears', () => {
  const a = select(emptySelection, order, 12, 'single');
  assert.deepEqual(a, { ids: [12], anchor: 12 });
  assert.deepEqual(select(a, order, 12, 'single'), emptySelection);
  assert.deepEqual(select(a, order, 13, 'single'), { ids: [13], anchor: 13 });
});

test('shift-click selects the range from the anchor, in display order, both directions', () => {
  const a = select(emptySelection, order, 11, 'single');
  assert.deepEqual(select(a, order, 13, 'range').ids, [11, 12, 13]);
  assert.deepEqual(select(a, order, 10, 'range').ids, [10, 11]);
  // A second shift-click re-anchors on the same anchor (replaces the range).
  const r = select(a, order, 14, 'range');
  assert.deepEqual(select(r, order, 12, 'range').ids, [11, 12]);
});

test('ctrl/cmd-click toggles; ctrl+shift adds a range', () => {
  let s = select(emptySelection, order, 10, 'toggle');
  s = select(s, order, 14, 'toggle');
  assert.deepEqual(s.ids, [10, 14]);
  s = select(s, order, 10, 'toggle');
  assert.deepEqual(s.ids, [14]);
  s = select({ ids: [10], anchor: 12 }, order, 13, 'add-range');
  assert.deepEqual(s.ids, [10, 12, 13]);
});

test('range without an anchor, modes from events, prune, select all', () => {
  assert.deepEqual(select(emptySelection, order, 12, 'range'), { ids: [12], anchor: 12 });
  assert.equal(modeOf({ shiftKey: true, metaKey: false, ctrlKey: false }), 'range');
  assert.equal(modeOf({ shiftKey: false, metaKey: true, ctrlKey: false }), 'toggle');
  assert.equal(modeOf({ shiftKey: false, metaKey: false, ctrlKey: true }), 'toggle');
  assert.equal(modeOf({ shiftKey: true, metaKey: false, ctrlKey: true }), 'add-range');
  assert.equal(modeOf({ shiftKey: false, metaKey: false, ctrlKey: false }), 'single');
  const s = { ids: [10, 12, 99], anchor: 99 };
  assert.deepEqual(prune(s, order), { ids: [10, 12], anchor: null });
  const same = { ids: [10], anchor: 10 };
  assert.equal(prune(same, order), same, 'unchanged selections keep their identity (no re-render)');
  assert.deepEqual(selectAll(order), { ids: order, anchor: 10 });
});
