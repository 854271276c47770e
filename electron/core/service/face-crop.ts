// Where a face thumbnail is cut from its photo. The square is centred on the face's box and only a
// modest margin wider, so the face meant fills the tile even when others stand close (a wide crop
// showed the neighbour as large as the face). Near an edge the square is not slid back into the
// photo, which would move the face off-centre and bring a neighbour in: what lies outside is padded.

/** The square's side is the box's longer side times this. */
export const FACE_MARGIN = 1.3;
/** Bumped when the geometry changes, so cached thumbnails are made again. */
export const FACE_CROP_VERSION = 2;

export interface FaceCrop {
  /** The square in photo pixels (may reach outside the photo). */
  left: number;
  top: number;
  side: number;
  /** The part of the square inside the photo (what is read from it). */
  inside: { left: number; top: number; width: number; height: number };
}

export function faceCrop(
  box: { x: number; y: number; w: number; h: number },
  width: number,
  height: number,
  margin = FACE_MARGIN,
): FaceCrop {
  const side = Math.max(1, Math.round(Math.max(box.w, box.h) * margin));
  const left = Math.round(box.x + box.w / 2 - side / 2);
  const top = Math.round(box.y + box.h / 2 - side / 2);
  const l = Math.min(Math.max(0, left), width - 1);
  const t = Math.min(Math.max(0, top), height - 1);
  const r = Math.max(l + 1, Math.min(width, left + side));
  const b = Math.max(t + 1, Math.min(height, top + side));
  return { left, top, side, inside: { left: l, top: t, width: r - l, height: b - t } };
}

/**
 * The crop scaled to a `size`-pixel tile: the inside part's place and size in the tile and the padding
 * round it (left + width + right = size, top + height + bottom = size).
 */
export function tileLayout(
  crop: FaceCrop,
  size: number,
): { left: number; top: number; width: number; height: number; right: number; bottom: number } {
  const scale = size / crop.side;
  const fit = (offset: number, extent: number) => {
    const start = Math.min(size - 1, Math.max(0, Math.round(offset * scale)));
    const length = Math.max(1, Math.min(size - start, Math.round(extent * scale)));
    return { start, length, end: size - start - length };
  };
  const x = fit(crop.inside.left - crop.left, crop.inside.width);
  const y = fit(crop.inside.top - crop.top, crop.inside.height);
  return { left: x.start, top: y.start, width: x.length, height: y.length, right: x.end, bottom: y.end };
}
