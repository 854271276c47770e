// Degraded copies of a photo for robustness benchmarks (`kith bench lfw|cluster --degrade`) and
// training: decode → shrink by `scale` → re-encode as JPEG at `quality` → decode again through the
// app's own decoder, all in memory. Models small, over-compressed faces (thumbnails, chat apps).
import sharp from 'sharp';
import { type DecodedImage, decodeImageBuffer } from './decode.ts';

export interface Degrade {
  /** Factor applied to both sides (0 < scale ≤ 1); 1 keeps the size. */
  scale: number;
  /** JPEG quality 1–100; undefined = lossless (PNG), so only the resize degrades. */
  quality?: number | undefined;
}

/** Parses `scale=S,quality=Q` (either part may be left out). */
export function parseDegrade(spec: string): Degrade {
  let scale = 1;
  let quality: number | undefined;
  for (const part of spec.split(',')) {
    const [key, value, extra] = part.split('=').map((s) => s.trim());
    const n = Number(value);
    if (extra !== undefined || value === undefined || value === '' || !Number.isFinite(n)) {
      throw new Error(`--degrade: expected scale=S,quality=Q, got "${spec}"`);
    }
    if (key === 'scale') {
      if (!(n > 0 && n <= 1)) throw new Error(`--degrade: scale must be in (0, 1], got ${value}`);
      scale = n;
    } else if (key === 'quality') {
      if (!(Number.isInteger(n) && n >= 1 && n <= 100)) {
        throw new Error(`--degrade: quality must be an integer 1–100, got ${value}`);
      }
      quality = n;
    } else {
      throw new Error(`--degrade: unknown key "${key}" (scale, quality)`);
    }
  }
  return { scale, quality };
}

/** The degraded copy's encoded bytes (JPEG, or PNG without a quality). EXIF orientation is applied. */
export async function degradeBytes(input: Uint8Array | string, d: Degrade): Promise<Buffer> {
  const img = sharp(input).rotate();
  const meta = await sharp(input).metadata();
  // Oriented size: EXIF orientations 5–8 swap the sides.
  const swap = (meta.orientation ?? 1) >= 5;
  const width = (swap ? meta.height : meta.width) ?? 0;
  if (d.scale !== 1) img.resize({ width: Math.max(1, Math.round(width * d.scale)) });
  return d.quality === undefined
    ? img.png().toBuffer()
    : img.jpeg({ quality: d.quality, chromaSubsampling: '4:2:0' }).toBuffer();
}

/** Decodes the degraded copy of a photo file or buffer with the app's decoder. */
export async function decodeDegraded(input: Uint8Array | string, d: Degrade): Promise<DecodedImage> {
  const name = typeof input === 'string' ? input : 'image buffer';
  return decodeImageBuffer(await degradeBytes(input, d), { name: `${name} (degraded)` });
}
