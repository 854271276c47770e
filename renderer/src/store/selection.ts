// Multi-selection as in a file manager: click selects one, Ctrl/Cmd-click toggles, Shift-click selects
// the range from the anchor (the last plainly clicked or toggled item), in the order shown.

export interface Selection {
  readonly ids: readonly number[];
  readonly anchor: number | null;
}

export const emptySelection: Selection = { ids: [], anchor: null };

export type SelectMode = 'single' | 'toggle' | 'range' | 'add-range';

/** Which mode a pointer event asks for. */
export function modeOf(e: { shiftKey: boolean; metaKey: boolean; ctrlKey: boolean }): SelectMode {
  if (e.shiftKey) return e.metaKey || e.ctrlKey ? 'add-range' : 'range';
  return e.metaKey || e.ctrlKey ? 'toggle' : 'single';
}

/**
 * The selection after clicking `id` in `order` (the ids as displayed). A range without an anchor (or
 * with an anchor no longer shown) selects just `id`.
 */
export function select(sel: Selection, order: readonly number[], id: number, mode: SelectMode): Selection {
  switch (mode) {
    case 'single':
      return sel.ids.length === 1 && sel.ids[0] === id ? emptySelection : { ids: [id], anchor: id };
    case 'toggle':
      return sel.ids.includes(id)
        ? { ids: sel.ids.filter((x) => x !== id), anchor: id }
        : { ids: [...sel.ids, id], anchor: id };
    case 'range':
    case 'add-range': {
      const from = sel.anchor === null ? -1 : order.indexOf(sel.anchor);
      const to = order.indexOf(id);
      if (from < 0 || to < 0) return { ids: [id], anchor: id };
      const [a, b] = from <= to ? [from, to] : [to, from];
      const range = order.slice(a, b + 1);
      if (mode === 'range') return { ids: range, anchor: sel.anchor };
      return { ids: [...new Set([...sel.ids, ...range])], anchor: sel.anchor };
    }
  }
}

/** Keeps only ids still shown (after a refresh), in display order. */
export function prune(sel: Selection, order: readonly number[]): Selection {
  if (sel.ids.length === 0) return sel;
  const shown = new Set(order);
  const ids = sel.ids.filter((x) => shown.has(x));
  if (ids.length === sel.ids.length && (sel.anchor === null || shown.has(sel.anchor))) return sel;
  return { ids, anchor: sel.anchor !== null && shown.has(sel.anchor) ? sel.anchor : null };
}

export function selectAll(order: readonly number[]): Selection {
  return { ids: [...order], anchor: order[0] ?? null };
}

// ── drag-select (rubber band) ──

/** A rectangle in the grid body's coordinates (px from its top-left corner). */
export interface Rect {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** How a virtualised grid lays out its cells (see VirtualGrid): rows of `columns` equal cells. */
export interface GridLayout {
  readonly count: number;
  readonly columns: number;
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly gap: number;
  /** Space before the first column and the first row. */
  readonly padding: number;
}

/**
 * The indices of the cells a rubber band touches, in display order. Computed from the layout, not
 * from the DOM, so cells scrolled out of a virtualised grid are selected too. A band that lies only
 * in the gaps between cells touches nothing.
 */
export function cellsInRect(rect: Rect, layout: GridLayout): number[] {
  const { count, columns, cellWidth, cellHeight, gap, padding } = layout;
  if (count <= 0 || columns <= 0 || cellWidth <= 0 || cellHeight <= 0) return [];
  const left = Math.min(rect.x0, rect.x1) - padding;
  const right = Math.max(rect.x0, rect.x1) - padding;
  const top = Math.min(rect.y0, rect.y1) - padding;
  const bottom = Math.max(rect.y0, rect.y1) - padding;
  const rows = Math.ceil(count / columns);
  // The first / last track (column or row) whose cell (not gap) overlaps [lo, hi].
  const span = (lo: number, hi: number, size: number, n: number): [number, number] | null => {
    const pitch = size + gap;
    let first = Math.max(0, Math.floor(lo / pitch));
    if (lo - first * pitch > size) first++; // starts in the gap after a track
    const last = Math.min(n - 1, Math.floor(hi / pitch));
    if (hi < 0 || first > last) return null;
    return [first, last];
  };
  const cols = span(left, right, cellWidth, columns);
  const rws = span(top, bottom, cellHeight, rows);
  if (!cols || !rws) return [];
  const out: number[] = [];
  for (let r = rws[0]; r <= rws[1]; r++) {
    for (let c = cols[0]; c <= cols[1]; c++) {
      const i = r * columns + c;
      if (i < count) out.push(i);
    }
  }
  return out;
}

/**
 * The selection while a rubber band covers `hit` (ids): the band alone, or added to the selection
 * the drag started from (`additive`: Shift / Ctrl / Cmd held). The anchor becomes the first id in the
 * band, so a later Shift-click extends from there.
 */
export function bandSelect(
  base: Selection,
  order: readonly number[],
  hit: readonly number[],
  additive: boolean,
): Selection {
  const inBand = new Set(hit);
  const band = order.filter((id) => inBand.has(id));
  if (!additive) return { ids: band, anchor: band[0] ?? null };
  const had = new Set(base.ids);
  const ids = [...base.ids, ...band.filter((id) => !had.has(id))];
  return { ids, anchor: band[0] ?? base.anchor };
}
