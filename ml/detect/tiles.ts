// Tiling plan for fixed-input detectors: overlapping windows so that small faces in big
// photos are seen at a size the detector can find, and no face is cut by every window.

export interface Tile {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Windows of `tileW`×`tileH` covering a `width`×`height` image with at least `overlap`
 * (fraction of the tile) shared between neighbours. A side smaller than the tile gets one window.
 */
export function planTiles(
  width: number,
  height: number,
  tileW: number,
  tileH: number,
  overlap = 0.25,
): Tile[] {
  const starts = (size: number, tile: number): number[] => {
    if (size <= tile) return [0];
    const step = tile * (1 - overlap);
    const count = Math.ceil((size - tile) / step) + 1;
    const actualStep = (size - tile) / (count - 1);
    return Array.from({ length: count }, (_, i) => Math.round(i * actualStep));
  };
  const tiles: Tile[] = [];
  for (const y of starts(height, tileH)) {
    for (const x of starts(width, tileW)) {
      tiles.push({ x, y, w: Math.min(tileW, width - x), h: Math.min(tileH, height - y) });
    }
  }
  return tiles;
}
