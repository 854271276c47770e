// Grid geometry shared by VirtualGrid and the pre-React first paint (first-paint.ts): both must put
// the People cards in the same places, so the swap from one to the other does not move anything.
import type { FaceSize } from '../../electron/shared/media.ts';

export interface GridSpec {
  /** Cells are at least this wide; the grid fits as many columns as it can. */
  minCellWidth: number;
  /** Cell height for a cell width (e.g. a square image plus a caption). */
  cellHeight: (cellWidth: number) => number;
  gap: number;
  padding: number;
}

export interface GridGeometry {
  columns: number;
  cellWidth: number;
  /** A row's height including the gap below it. */
  rowHeight: number;
}

/** Columns, cell width and row pitch of a grid `width` CSS pixels wide. */
export function gridGeometry(width: number, spec: GridSpec): GridGeometry {
  const { gap, padding, minCellWidth } = spec;
  const inner = Math.max(0, width - padding * 2);
  const columns = Math.max(1, Math.floor((inner + gap) / (minCellWidth + gap)));
  const cellWidth = Math.floor((inner - gap * (columns - 1)) / columns);
  return { columns, cellWidth, rowHeight: spec.cellHeight(cellWidth) + gap };
}

/** The People grid (PeopleView): square covers with two caption lines. */
export const PEOPLE_GRID: GridSpec = { minCellWidth: 148, cellHeight: (w) => w + 52, gap: 16, padding: 24 };

/** People in the rows that fit a window (an upper bound computed before layout: the first page). */
export function screenful(width: number, height: number): number {
  const { columns, rowHeight } = gridGeometry(width, PEOPLE_GRID);
  return Math.min(500, columns * Math.ceil(height / rowHeight));
}

/** The thumbnail size for a displayed width (device pixels, rounded up to a size the service makes). */
export function faceSizeFor(cssWidth: number, devicePixelRatio = 1): FaceSize {
  const px = cssWidth * (devicePixelRatio || 1);
  return px <= 96 ? 96 : px <= 160 ? 160 : 256;
}
