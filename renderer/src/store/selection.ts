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
