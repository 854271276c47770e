// Content sniffing for image files. The decoder trusts bytes, never extensions: it uses this to
// tell "an image in a format this build cannot decode" (BMP, HEIC, RAW…) from "not an image at all"
// when sharp refuses a file, and to say which format a damaged file claims to be.

import { extname } from 'node:path';

/** Bytes of the file head that `sniffImageFormat` looks at. */
export const SNIFF_BYTES = 512;

const ascii = (b: Uint8Array, start: number, text: string): boolean => {
  if (b.length < start + text.length) return false;
  for (let i = 0; i < text.length; i++) if (b[start + i] !== text.charCodeAt(i)) return false;
  return true;
};

const bytes = (b: Uint8Array, start: number, sig: readonly number[]): boolean =>
  b.length >= start + sig.length && sig.every((v, i) => b[start + i] === v);

// ISO-BMFF brands (the `ftyp` box): HEIF stills, AVIF, Canon CR3.
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/**
 * The image format a file's first bytes announce (`jpeg`, `png`, `gif`, `webp`, `tiff`, `heic`, `avif`,
 * `bmp`, `jp2`, `jxl`, `psd`, `cr3`, `raf`, `orf`, `rw2`, `pnm`, `ico`, `exr`, `hdr`, `svg`, `pdf`),
 * or null when they match no image format. Pass at least `SNIFF_BYTES` bytes when the file has them.
 */
export function sniffImageFormat(head: Uint8Array): string | null {
  const b = head;
  if (bytes(b, 0, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (bytes(b, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return 'gif';
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return 'webp';
  // Raw formats that reuse TIFF-like headers are checked before plain TIFF.
  if (ascii(b, 0, 'IIRO') || ascii(b, 0, 'IIRS') || ascii(b, 0, 'MMOR')) return 'orf';
  if (bytes(b, 0, [0x49, 0x49, 0x55, 0x00])) return 'rw2';
  if (bytes(b, 0, [0x49, 0x49, 0x2a, 0x00]) || bytes(b, 0, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (bytes(b, 0, [0x49, 0x49, 0x2b, 0x00]) || bytes(b, 0, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff';
  if (ascii(b, 4, 'ftyp')) {
    const brand = String.fromCharCode(...b.subarray(8, 12));
    if (AVIF_BRANDS.has(brand)) return 'avif';
    if (HEIC_BRANDS.has(brand)) return 'heic';
    if (brand === 'crx ') return 'cr3';
    if (brand === 'jp2 ' || brand === 'jpx ') return 'jp2';
    return null; // MP4, MOV and other ISO-BMFF video
  }
  if (bytes(b, 0, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20])) return 'jp2';
  if (bytes(b, 0, [0xff, 0x4f, 0xff, 0x51])) return 'jp2';
  if (bytes(b, 0, [0xff, 0x0a]) || bytes(b, 0, [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20]))
    return 'jxl';
  if (ascii(b, 0, 'BM') && b.length >= 26 && bytes(b, 6, [0, 0, 0, 0])) return 'bmp';
  if (ascii(b, 0, '8BPS')) return 'psd';
  if (ascii(b, 0, 'FUJIFILMCCD-RAW')) return 'raf';
  if (bytes(b, 0, [0x00, 0x00, 0x01, 0x00]) && b.length >= 6 && b[4]! > 0) return 'ico';
  if (bytes(b, 0, [0x76, 0x2f, 0x31, 0x01])) return 'exr';
  if (ascii(b, 0, '#?RADIANCE') || ascii(b, 0, '#?RGBE')) return 'hdr';
  if (
    b.length >= 3 &&
    b[0] === 0x50 &&
    b[1]! >= 0x31 &&
    b[1]! <= 0x37 &&
    /\s/.test(String.fromCharCode(b[2]!))
  )
    return 'pnm';
  if (ascii(b, 0, '%PDF-')) return 'pdf';
  const text = new TextDecoder('utf-8', { fatal: false })
    .decode(b)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (/^<(svg|\?xml|!DOCTYPE svg)/i.test(text) && text.includes('<svg')) return 'svg';
  return null;
}

/** Lower-case RAW extensions (with the dot). */
export const RAW_EXTENSIONS: ReadonlySet<string> = new Set([
  '.cr2',
  '.cr3',
  '.nef',
  '.arw',
  '.raf',
  '.orf',
  '.rw2',
  '.dng',
]);

// Formats whose first bytes already say RAW; the others (CR2, NEF, ARW, DNG) are TIFF files whose
// first image is often a thumbnail, so a TIFF is read as RAW when its extension says so.
const SNIFFED_RAW = new Set(['cr3', 'raf', 'orf', 'rw2']);

/** Whether a file is read as a RAW: by content where it tells, else a TIFF with a RAW extension. */
export function isRawFile(path: string, sniffed: string | null): boolean {
  if (sniffed !== null && SNIFFED_RAW.has(sniffed)) return true;
  return sniffed === 'tiff' && RAW_EXTENSIONS.has(extname(path).toLowerCase());
}
