// A virtualised, keyboard-navigable grid: only the rows in view (plus a few) are in the DOM, so
// 2,000 people or 100,000 faces scroll like 20. Cells are listbox options with roving focus:
// arrows move, Home/End jump, Enter opens, Space toggles selection, Shift+arrows extend it.
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  type DragEvent,
  type KeyboardEvent,
  type MouseEvent,
  type PointerEvent,
  type ReactNode,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { gridGeometry } from '../grid-geometry.ts';
import { cellsInRect, type Rect } from '../store/selection.ts';

export interface VirtualGridProps {
  count: number;
  /** Stable key per index (ids), so React keeps cells when items move. */
  keyOf: (index: number) => number | string;
  /** Cells are at least this wide; the grid fits as many columns as it can. */
  minCellWidth: number;
  /** Cell height for a cell width (e.g. a square image plus a caption). */
  cellHeight: (cellWidth: number) => number;
  gap?: number;
  padding?: number;
  label: string;
  multiselectable?: boolean;
  isSelected?: (index: number) => boolean;
  /** Something is selected: cells show their check boxes. */
  selecting?: boolean;
  /** `scrolling`: the grid is being scrolled (cells may hold back loading images until it stops). */
  renderCell: (index: number, cellWidth: number, scrolling: boolean) => ReactNode;
  /** Click (with modifier keys) on a cell. */
  onCellClick?: (index: number, e: MouseEvent | KeyboardEvent) => void;
  /** Double-click or Enter. */
  onCellOpen?: (index: number) => void;
  /** Space, or Shift+arrow onto a cell (extend = true). */
  onCellToggle?: (index: number, extend: boolean) => void;
  cellLabel?: (index: number) => string;
  draggable?: boolean;
  onCellDragStart?: (index: number, e: DragEvent) => void;
  onCellDrop?: (index: number, e: DragEvent) => void;
  /**
   * Drag-select: a press on the grid and a drag draws a rubber band; called with the indices it
   * touches (also those scrolled out of view) on every move. `additive`: Shift/Ctrl/Cmd was held.
   * `start` is true on the first call of a drag (take the selection to add to then).
   */
  onBand?: (indices: readonly number[], additive: boolean, start: boolean) => void;
  /** Rendered above the cells, scrolling with them. */
  header?: ReactNode;
  empty?: ReactNode;
  className?: string;
}

export function VirtualGrid(props: VirtualGridProps) {
  const { count, gap = 16, padding = 24, minCellWidth } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const headerRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [headerHeight, setHeaderHeight] = useState(0);
  const [focusIndex, setFocusIndex] = useState(0);
  const [dropIndex, setDropIndex] = useState<number | null>(null);
  const pendingFocus = useRef<number | null>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  /** The drag in progress: where it started (body coordinates), and whether it moved far enough. */
  const drag = useRef<{ x: number; y: number; additive: boolean; active: boolean; pointerId: number } | null>(
    null,
  );
  /** A drag just ended: swallow the click that follows it. */
  const suppressClick = useRef(false);
  const [band, setBand] = useState<Rect | null>(null);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => {
      setWidth(el.clientWidth);
      setHeaderHeight(headerRef.current?.offsetHeight ?? 0);
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    if (headerRef.current) ro.observe(headerRef.current);
    return () => ro.disconnect();
  }, []);

  const { columns, cellWidth, rowHeight } = gridGeometry(width, {
    minCellWidth,
    gap,
    padding,
    cellHeight: props.cellHeight,
  });
  const rows = Math.ceil(count / columns);

  const virtualizer = useVirtualizer({
    count: width > 0 ? rows : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 2,
    isScrollingResetDelay: 120,
    // The header sits above the rows inside the same scroll element.
    scrollMargin: headerHeight,
    paddingStart: padding,
    paddingEnd: padding,
  });

  // Row heights change with the column width: re-measure.
  // biome-ignore lint/correctness/useExhaustiveDependencies: rowHeight is the trigger, read through estimateSize
  useEffect(() => {
    virtualizer.measure();
  }, [virtualizer, rowHeight]);

  useEffect(() => {
    if (focusIndex >= count && count > 0) setFocusIndex(count - 1);
  }, [count, focusIndex]);

  useEffect(() => {
    const i = pendingFocus.current;
    if (i === null) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${i}"]`);
    if (el) {
      el.focus({ preventScroll: true });
      pendingFocus.current = null;
    }
  });

  const moveFocus = useCallback(
    (i: number) => {
      const next = Math.min(Math.max(0, i), count - 1);
      setFocusIndex(next);
      pendingFocus.current = next;
      virtualizer.scrollToIndex(Math.floor(next / columns), { align: 'auto' });
    },
    [count, columns, virtualizer],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    const index = Number(target.dataset.index);
    if (!Number.isInteger(index)) return;
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? rowHeight) / rowHeight));
    let next: number | null = null;
    switch (e.key) {
      case 'ArrowRight':
        next = index + 1;
        break;
      case 'ArrowLeft':
        next = index - 1;
        break;
      case 'ArrowDown':
        next = index + columns;
        break;
      case 'ArrowUp':
        next = index - columns;
        break;
      case 'PageDown':
        next = index + columns * pageRows;
        break;
      case 'PageUp':
        next = index - columns * pageRows;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = count - 1;
        break;
      case 'Enter':
        e.preventDefault();
        props.onCellOpen?.(index);
        return;
      case ' ':
        e.preventDefault();
        props.onCellToggle?.(index, false);
        return;
      default:
        return;
    }
    e.preventDefault();
    const clamped = Math.min(Math.max(0, next), count - 1);
    moveFocus(clamped);
    if (e.shiftKey) props.onCellToggle?.(clamped, true);
  };

  const bodyPoint = (e: { clientX: number; clientY: number }) => {
    const r = bodyRef.current?.getBoundingClientRect();
    return { x: e.clientX - (r?.left ?? 0), y: e.clientY - (r?.top ?? 0) };
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (!props.onBand || e.button !== 0 || e.pointerType === 'touch') return;
    const p = bodyPoint(e);
    drag.current = {
      ...p,
      additive: e.shiftKey || e.ctrlKey || e.metaKey,
      active: false,
      pointerId: e.pointerId,
    };
  };

  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || !props.onBand || d.pointerId !== e.pointerId) return;
    const p = bodyPoint(e);
    const start = !d.active;
    if (start) {
      if (Math.hypot(p.x - d.x, p.y - d.y) < 5) return; // a click, not a drag (yet)
      d.active = true;
      suppressClick.current = true;
      bodyRef.current?.setPointerCapture(e.pointerId);
    }
    const rect: Rect = { x0: d.x, y0: d.y, x1: p.x, y1: p.y };
    setBand(rect);
    const hit = cellsInRect(rect, {
      count,
      columns,
      cellWidth,
      cellHeight: rowHeight - gap,
      gap,
      padding,
    });
    props.onBand(hit, d.additive, start);
    // Near the top or bottom edge of the scroller: scroll, so a band can reach beyond the view.
    const sc = scrollRef.current;
    if (sc) {
      const r = sc.getBoundingClientRect();
      if (e.clientY < r.top + 40) sc.scrollTop -= 20;
      else if (e.clientY > r.bottom - 40) sc.scrollTop += 20;
    }
  };

  const endDrag = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || d.pointerId !== e.pointerId) return;
    drag.current = null;
    setBand(null);
    if (bodyRef.current?.hasPointerCapture(e.pointerId)) bodyRef.current.releasePointerCapture(e.pointerId);
    // The click that ends a drag must not (de)select the cell under the pointer; a plain click has
    // no drag before it, so nothing is swallowed then.
    if (!d.active) suppressClick.current = false;
    else setTimeout(() => (suppressClick.current = false), 0);
  };

  const items = virtualizer.getVirtualItems();
  const scrolling = virtualizer.isScrolling;

  return (
    // While scrolling, cells ignore the pointer: no hover restyling or hit-testing under a moving list.
    <div ref={scrollRef} className={`vgrid ${props.className ?? ''}${scrolling ? ' is-scrolling' : ''}`}>
      <div ref={headerRef} className="vgrid-header">
        {props.header}
      </div>
      {count === 0 && props.empty}
      <div
        role="listbox"
        aria-label={props.label}
        aria-multiselectable={props.multiselectable ?? false}
        tabIndex={-1}
        ref={bodyRef}
        onKeyDown={onKeyDown}
        onPointerDown={props.onBand ? onPointerDown : undefined}
        onPointerMove={props.onBand ? onPointerMove : undefined}
        onPointerUp={props.onBand ? endDrag : undefined}
        onPointerCancel={props.onBand ? endDrag : undefined}
        onClickCapture={(e) => {
          if (suppressClick.current) {
            e.stopPropagation();
            suppressClick.current = false;
          }
        }}
        className={`vgrid-body${props.selecting ? ' has-selection' : ''}${props.onBand ? ' can-band' : ''}${band ? ' is-banding' : ''}`}
        style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
      >
        {band && (
          <div
            className="rubber-band"
            aria-hidden="true"
            data-testid="rubber-band"
            style={{
              left: Math.min(band.x0, band.x1),
              top: Math.min(band.y0, band.y1),
              width: Math.abs(band.x1 - band.x0),
              height: Math.abs(band.y1 - band.y0),
            }}
          />
        )}
        {items.map((row) => {
          const start = row.index * columns;
          const end = Math.min(count, start + columns);
          const cells: ReactNode[] = [];
          for (let i = start; i < end; i++) {
            const selected = props.isSelected?.(i) ?? false;
            cells.push(
              // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox handles keys for its options (roving focus)
              <div
                key={props.keyOf(i)}
                role="option"
                aria-selected={selected}
                aria-label={props.cellLabel?.(i)}
                data-index={i}
                tabIndex={i === focusIndex ? 0 : -1}
                className={`vgrid-cell${selected ? ' is-selected' : ''}${dropIndex === i ? ' is-drop' : ''}`}
                style={{ width: cellWidth }}
                onFocus={() => setFocusIndex(i)}
                onClick={(e) => props.onCellClick?.(i, e)}
                onDoubleClick={() => props.onCellOpen?.(i)}
                draggable={props.draggable}
                onDragStart={props.onCellDragStart ? (e) => props.onCellDragStart?.(i, e) : undefined}
                onDragOver={
                  props.onCellDrop
                    ? (e) => {
                        e.preventDefault();
                        setDropIndex(i);
                      }
                    : undefined
                }
                onDragLeave={props.onCellDrop ? () => setDropIndex(null) : undefined}
                onDrop={
                  props.onCellDrop
                    ? (e) => {
                        e.preventDefault();
                        setDropIndex(null);
                        props.onCellDrop?.(i, e);
                      }
                    : undefined
                }
              >
                {props.renderCell(i, cellWidth, scrolling)}
              </div>,
            );
          }
          return (
            <div
              key={row.key}
              role="presentation"
              className="vgrid-row"
              style={{
                transform: `translateY(${row.start - headerHeight}px)`,
                height: rowHeight - gap,
                gap,
                paddingInline: padding,
              }}
            >
              {cells}
            </div>
          );
        })}
      </div>
    </div>
  );
}
