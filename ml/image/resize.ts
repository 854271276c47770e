// Resampling of packed RGB buffers with sharp (libvips), for detector inputs and face crops.
import sharp from 'sharp';

/** Packed 8-bit RGB, row-major, no padding: `data.length === width * height * 3`. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A region in the pixels of an image; may be fractional and may reach outside the image. */
export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

function checkImage(img: RgbImage, what: string): void {
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width < 1 || img.height < 1) {
    throw new RangeError(`${what}: bad size ${img.width}×${img.height}`);
  }
  if (img.data.length !== img.width * img.height * 3) {
    throw new RangeError(`${what}: ${img.data.length} bytes is not ${img.width}×${img.height}×3`);
  }
}

function checkSize(width: number, height: number, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`${what}: output size must be positive integers, got ${width}×${height}`);
  }
}

/** `img` resized to exactly width×height (aspect not kept; Lanczos-3, as sharp does by default). */
export async function resizeRgb(img: RgbImage, width: number, height: number): Promise<RgbImage> {
  checkImage(img, 'resizeRgb');
  checkSize(width, height, 'resizeRgb');
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}

/**
 * The region of `img` (edges rounded to whole pixels) resized to width×height. Parts of the region
 * outside the image are filled with `background` (default black) instead of being clipped, so the
 * crop keeps its geometry: a face at the border stays where the caller expects it in the output.
 */
export async function cropResizeRgb(
  img: RgbImage,
  region: Region,
  width: number,
  height: number,
  background: readonly [number, number, number] = [0, 0, 0],
): Promise<RgbImage> {
  checkImage(img, 'cropResizeRgb');
  checkSize(width, height, 'cropResizeRgb');
  const x0 = Math.round(region.x);
  const y0 = Math.round(region.y);
  const cw = Math.max(1, Math.round(region.x + region.w) - x0);
  const ch = Math.max(1, Math.round(region.y + region.h) - y0);
  if (!Number.isFinite(cw * ch) || cw * ch > img.width * img.height * 4 + 1_000_000) {
    throw new RangeError(`cropResizeRgb: region ${cw}×${ch} is far larger than the image`);
  }
  const crop = new Uint8Array(cw * ch * 3);
  const [br, bg, bb] = background;
  if (br !== 0 || bg !== 0 || bb !== 0) {
    for (let i = 0; i < crop.length; i += 3) {
      crop[i] = br;
      crop[i + 1] = bg;
      crop[i + 2] = bb;
    }
  }
  // Copy the part of each row that lies inside the image.
  const sx0 = Math.max(0, x0);
  const sx1 = Math.min(img.width, x0 + cw);
  if (sx1 > sx0) {
    for (let y = Math.max(0, y0); y < Math.min(img.height, y0 + ch); y++) {
      const src = (y * img.width + sx0) * 3;
      crop.set(img.data.subarray(src, src + (sx1 - sx0) * 3), ((y - y0) * cw + (sx0 - x0)) * 3);
    }
  }
  if (cw === width && ch === height) return { data: crop, width, height };
  return resizeRgb({ data: crop, width: cw, height: ch }, width, height);
}
