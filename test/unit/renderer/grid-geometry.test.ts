// The grid geometry VirtualGrid and the pre-React first paint share, and the first page's size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faceSizeFor, gridGeometry, PEOPLE_GRID, screenful } from '../../../renderer/src/grid-geometry.ts';

test('gridGeometry fits whole columns of at least minCellWidth', () => {
  // 1220 px wide: 1172 inside the padding; (1172 + 16) / (148 + 16) = 7.2 → 7 columns of 153 px.
  const g = gridGeometry(1220, PEOPLE_GRID);
  assert.deepEqual(g, { columns: 7, cellWidth: 153, rowHeight: 153 + 52 + 16 });
  assert.ok(g.columns * g.cellWidth + (g.columns - 1) * 16 <= 1220 - 48);
  // Narrower than one cell: still one column.
  assert.equal(gridGeometry(100, PEOPLE_GRID).columns, 1);
  assert.equal(gridGeometry(0, PEOPLE_GRID).columns, 1);
});

test('the first page covers the window and stays small', () => {
  const n = screenful(1440, 900);
  const g = gridGeometry(1440, PEOPLE_GRID);
  assert.ok(n >= g.columns * Math.ceil(900 / g.rowHeight));
  assert.ok(n < 100, `${n} people for a 1440 × 900 window`);
  assert.equal(screenful(100_000, 100_000), 500, 'capped');
});

test('faceSizeFor picks the smallest thumbnail that is sharp on the screen', () => {
  assert.equal(faceSizeFor(90), 96);
  assert.equal(faceSizeFor(150), 160);
  assert.equal(faceSizeFor(150, 2), 256);
});
