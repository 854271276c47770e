import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bandSelect,
  cellsInRect,
  emptySelection,
  modeOf,
  prune,
  select,
  selectAll,
} from '../../../renderer/src/store/selection.ts';

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

// Drag-select: 4 columns of 100×100 cells, gap 10, padding 20, 10 cells (3 rows, the last one short).
const layout = { count: 10, columns: 4, cellWidth: 100, cellHeight: 100, gap: 10, padding: 20 };

test('rubber band: cells it touches, in display order, either drag direction', () => {
  // Inside cell 0 only.
  assert.deepEqual(cellsInRect({ x0: 30, y0: 30, x1: 60, y1: 60 }, layout), [0]);
  // From inside cell 1 to inside cell 6 (row 1, column 2): columns 1..2, rows 0..1.
  assert.deepEqual(cellsInRect({ x0: 140, y0: 40, x1: 250, y1: 150 }, layout), [1, 2, 5, 6]);
  // Same band drawn bottom-right to top-left.
  assert.deepEqual(cellsInRect({ x0: 250, y0: 150, x1: 140, y1: 40 }, layout), [1, 2, 5, 6]);
  // Only the gap between columns 0 and 1 (x 120..130): nothing.
  assert.deepEqual(cellsInRect({ x0: 122, y0: 30, x1: 128, y1: 300 }, layout), []);
  // In the padding above the grid: nothing; past the last cell of the short row: only real cells.
  assert.deepEqual(cellsInRect({ x0: 0, y0: 0, x1: 500, y1: 10 }, layout), []);
  assert.deepEqual(cellsInRect({ x0: 0, y0: 250, x1: 10_000, y1: 10_000 }, layout), [8, 9]);
  // Rows far below the viewport of a virtualised grid count too (computed, not from the DOM).
  const big = { ...layout, count: 100_000 };
  assert.equal(cellsInRect({ x0: 0, y0: 0, x1: 10_000, y1: 110 * 1000 }, big).length, 4 * 1000);
  assert.deepEqual(cellsInRect({ x0: 0, y0: 0, x1: 10, y1: 10 }, { ...layout, count: 0 }), []);
});

test('band selection replaces, or adds to the selection the drag started from', () => {
  const base = { ids: [14], anchor: 14 };
  assert.deepEqual(bandSelect(base, order, [12, 11], false), { ids: [11, 12], anchor: 11 });
  assert.deepEqual(bandSelect(base, order, [12, 11, 14], true), { ids: [14, 11, 12], anchor: 11 });
  assert.deepEqual(bandSelect(base, order, [], false), { ids: [], anchor: null });
  assert.deepEqual(bandSelect(base, order, [], true), base);
  // Shift-click after a drag extends from the band's first face.
  const dragged = bandSelect(emptySelection, order, [11, 12], false);
  assert.deepEqual(select(dragged, order, 14, 'range').ids, [11, 12, 13, 14]);
});
