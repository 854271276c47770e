// EXIF orientation applied by hand, for pixels that reach sharp without the tag that says how to
// turn them: HEIC decoded by WebAssembly (raw RGBA) and the JPEG preview inside a RAW (whose own
// EXIF, if any, is not the RAW's).
import exifr from 'exifr';
import type { Sharp } from 'sharp';

/** A valid EXIF orientation (1–8), or 1 for anything else. */
export function orientationOf(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 8 ? value : 1;
}

/** Size after orientation: 5–8 turn the image a quarter. */
export function orientedSize(width: number, height: number, orientation: number): [number, number] {
  return orientation >= 5 ? [height, width] : [width, height];
}

/**
 * Turns `image` as EXIF `orientation` says. sharp mirrors before it rotates, so 5 (transpose) is a
 * mirror then 270° and 7 (transverse) a mirror then 90°; a test checks all eight against sharp's
 * own autoOrient of a JPEG carrying the tag.
 */
export function applyOrientation(image: Sharp, orientation: number): Sharp {
  switch (orientation) {
    case 2:
      return image.flop();
    case 3:
      return image.rotate(180);
    case 4:
      return image.flip();
    case 5:
      return image.flop().rotate(270);
    case 6:
      return image.rotate(90);
    case 7:
      return image.flop().rotate(90);
    case 8:
      return image.rotate(270);
    default:
      return image;
  }
}

/** The Orientation tag of a raw EXIF block as sharp reports it (`metadata().exif`), or 1. */
export async function readOrientation(exif: Buffer | undefined): Promise<number> {
  if (!exif || exif.length <= 8) return 1;
  // sharp returns the APP1 payload; exifr wants the TIFF structure that follows "Exif\0\0".
  const tiff = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
  try {
    const tags: unknown = await exifr.parse(tiff, { pick: ['Orientation'], translateValues: false });
    return orientationOf((tags as { Orientation?: unknown } | undefined)?.Orientation);
  } catch {
    return 1;
  }
}
