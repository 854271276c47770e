// Robust photo decoding for the face pipeline: any supported format → packed sRGB 8-bit RGB, EXIF
// orientation applied (so coordinates match what users see), optionally shrunk on load. Bad input
// never crashes a scan: every failure becomes an ImageSkipError with a stable reason.
import { open, readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp, { type Metadata, type OutputInfo, type Sharp, type SharpOptions } from 'sharp';
import { ImageSkipError, type SkipReason } from '../types.ts';
import { decodeHeicPixels, heifHasTransform } from './heic.ts';
import { jpegQuality } from './jpeg-quality.ts';
import { applyOrientation, orientedSize, readOrientation } from './orient.ts';
import { MIN_PREVIEW_SIDE, type RawInfo, readRawInfo, readRawPreview } from './raw.ts';
import type { RgbImage } from './resize.ts';
import { isRawFile, SNIFF_BYTES, sniffImageFormat } from './sniff.ts';
import { readTakenAt } from './taken-at.ts';

export { cropResizeRgb, type Region, type RgbImage, resizeRgb } from './resize.ts';
export { sniffImageFormat } from './sniff.ts';

/** Default pixel limit (width × height of the stored image): 16384² ≈ 268 MP. */
export const DEFAULT_MAX_INPUT_PIXELS = 16384 * 16384;

export interface DecodeOptions {
  /** Shrink so the longer side is at most this (aspect kept, never enlarged). Omit for full size. */
  maxSide?: number | undefined;
  /**
   * Shrink by the largest of 1/3, 1/5, 1/9 that keeps the longer side at least this: the factors
   * JPEG decoders reach nearly for free (see CHEAP_DIVISORS), so a 12-MP photo decodes in a fraction
   * of the time (4032 px at 1280 → 1344 px). Applied before `maxSide`, which still caps the result.
   */
  shrinkTo?: number | undefined;
  /** Refuse images with more pixels than this as 'too-large' before decoding any pixel data. */
  maxInputPixels?: number | undefined;
}

export interface DecodeBufferOptions extends DecodeOptions {
  /** What to call the image in error messages (e.g. its path). */
  name?: string | undefined;
}

export interface DecodedImage extends RgbImage {
  /** Packed RGB, 3 channels, 8 bit, sRGB; `width × height` of this (possibly shrunk) image. */
  data: Uint8Array;
  /** Oriented size of the full-resolution image. */
  originalWidth: number;
  originalHeight: number;
  /** width / originalWidth: multiply decoded coordinates by 1/scale for original pixels. */
  scale: number;
  /** Decoder that read it: 'jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heic', 'dng', 'nef', … */
  format: string;
  /** EXIF capture time as ISO 8601 local time (offset appended when EXIF has one), or null. */
  takenAt: string | null;
  /** A JPEG's estimated save quality 1–100 (jpeg-quality.ts); absent for other formats or unknown. */
  jpegQuality?: number;
}

/** What `probeImage` learns from the header alone. */
export interface ImageInfo {
  /** Oriented size of the full-resolution image. */
  width: number;
  height: number;
  format: string;
  takenAt: string | null;
}

// Raster photo formats only. SVG and PDF are documents drawn by vector renderers (librsvg, PDFium):
// never photos of people, and a larger attack surface for files we did not choose.
const PHOTO_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'jp2', 'jxl']);

/**
 * Whether Kith decodes each kind of file. Prebuilt sharp has AV1 but no HEVC: HEIC then goes through
 * libheif's WebAssembly build (`heicNative` says whether libvips could do it itself).
 */
export const supportedFormats: Readonly<Record<string, boolean>> = (() => {
  const canRead = (id: string): boolean => {
    const info = (sharp.format as unknown as Record<string, { input: { buffer: boolean } } | undefined>)[id];
    return info?.input.buffer === true;
  };
  // libvips lists '.heic' among heifload's suffixes only when libheif has an HEVC decoder.
  const heif = sharp.format.heif?.input;
  return {
    jpeg: canRead('jpeg'),
    png: canRead('png'),
    webp: canRead('webp'),
    gif: canRead('gif'),
    tiff: canRead('tiff'),
    avif: canRead('heif') && (heif?.fileSuffix?.includes('.avif') ?? false),
    heic: canRead('heif'),
    heicNative: canRead('heif') && (heif?.fileSuffix?.includes('.heic') ?? false),
    jp2: canRead('jp2'),
    jxl: canRead('jxl'),
  };
})();

/**
 * failOn 'truncated': sharp's default ('warning') rejects many real camera JPEGs that decode fine
 * ("extraneous bytes before marker", a damaged Huffman code in one block), which would hide people
 * in otherwise good photos. A truncated file (interrupted copy or download) is different: its lower
 * part would decode as grey and faces there would silently vanish, so that is reported as 'corrupt'.
 * `pages`/`page` stay unset: the first frame of GIF/WebP/TIFF, and the primary image of a HEIF.
 */
function inputOptions(maxInputPixels: number): SharpOptions {
  return { failOn: 'truncated', limitInputPixels: maxInputPixels };
}

function checkOptions(options: DecodeOptions): number {
  const { maxSide, shrinkTo, maxInputPixels = DEFAULT_MAX_INPUT_PIXELS } = options;
  if (maxSide !== undefined && !(Number.isInteger(maxSide) && maxSide > 0)) {
    throw new RangeError(`maxSide must be a positive integer, got ${maxSide}`);
  }
  if (shrinkTo !== undefined && !(Number.isInteger(shrinkTo) && shrinkTo > 0)) {
    throw new RangeError(`shrinkTo must be a positive integer, got ${shrinkTo}`);
  }
  if (!(Number.isInteger(maxInputPixels) && maxInputPixels > 0)) {
    throw new RangeError(`maxInputPixels must be a positive integer, got ${maxInputPixels}`);
  }
  return maxInputPixels;
}

const skip = (reason: SkipReason, name: string, what: string, cause?: unknown): ImageSkipError =>
  new ImageSkipError(reason, `${name}: ${what}`, cause === undefined ? undefined : { cause });

/** The informative part of a libvips error: it repeats lines and prefixes a generic phrase. */
function vipsCause(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const lines = message
    .split('\n')
    .map((l) => l.replace(/^Input (buffer|file) has corrupt header: /, '').trim())
    .filter((l) => l && !l.startsWith('source: bad seek'));
  const last = lines.at(-1) ?? message;
  return last.length > 300 ? `${last.slice(0, 300)}…` : last;
}

const megapixels = (n: number): string => `${Math.round(n / 1e6)} MP`;
const CODEC_MISSING = /has not been built in|no decoding plugin|unsupported codec|decoder plugin/i;

/** Maps a sharp failure to a skip reason; `sniffed` is what the file's first bytes claim to be. */
function classify(err: unknown, name: string, sniffed: string | null, limit: number): ImageSkipError {
  const message = err instanceof Error ? err.message : String(err);
  const cause = vipsCause(err);
  if (/exceeds pixel limit/i.test(message)) {
    return skip('too-large', name, `more than ${megapixels(limit)} (limit ${limit} pixels)`, err);
  }
  if (/Input file is missing/i.test(message)) return skip('unreadable', name, 'file disappeared', err);
  if (CODEC_MISSING.test(message)) {
    return skip('unsupported-format', name, `no decoder for this ${sniffed ?? 'image'} file (${cause})`, err);
  }
  if (/unsupported image format/i.test(message)) {
    if (sniffed && supportedFormats[sniffed] !== true) {
      return skip('unsupported-format', name, `${sniffed.toUpperCase()} images are not supported`, err);
    }
    if (sniffed) return skip('corrupt', name, `damaged ${sniffed.toUpperCase()} file`, err);
    return skip('not-an-image', name, 'not an image (content matches no known image format)', err);
  }
  if (/out of memory/i.test(message)) return skip('too-large', name, `too large to decode (${cause})`, err);
  if (!sniffed) return skip('not-an-image', name, `not an image (${cause})`, err);
  return skip('corrupt', name, `damaged or truncated ${sniffed.toUpperCase()} file (${cause})`, err);
}

/** 'heif' split into what users know: AVIF (AV1) and HEIC (HEVC). */
function formatName(meta: Metadata): string {
  if (meta.format !== 'heif') return meta.format;
  if (meta.compression === 'av1') return 'avif';
  if (meta.compression === 'hevc') return 'heic';
  return 'heif';
}

type Input = string | Uint8Array;

interface Inspected {
  format: string;
  /** Oriented size of the full-resolution image (for a RAW, of the RAW, not of its preview). */
  width: number;
  height: number;
  takenAt: string | null;
  /** The oriented pixels, ready for the shared decode steps. */
  open: () => Promise<Sharp>;
  /** What a failure to decode those pixels means, where not what `classify` says. */
  decodeError?: (err: unknown) => ImageSkipError;
}

/** Header checks shared by decode and probe: format allowed, decodable, within the pixel limit. */
async function inspect(input: Input, head: Uint8Array, name: string, limit: number): Promise<Inspected> {
  const sniffed = sniffImageFormat(head);
  let meta: Metadata;
  try {
    meta = await sharp(input, inputOptions(limit)).metadata();
  } catch (err) {
    throw classify(err, name, sniffed, limit);
  }
  const format = formatName(meta);
  if (!PHOTO_FORMATS.has(meta.format)) {
    throw skip('unsupported-format', name, `${format.toUpperCase()} is not a photo format Kith reads`);
  }
  if (!(meta.width > 0 && meta.height > 0)) throw skip('corrupt', name, 'image has no size');
  if (meta.width * meta.height > limit) {
    throw skip('too-large', name, `${meta.width}×${meta.height} is more than ${megapixels(limit)}`);
  }
  // TIFF keeps EXIF in its own IFDs, which sharp does not hand back as a block.
  const fallback =
    meta.format === 'tiff'
      ? typeof input === 'string'
        ? input
        : Buffer.from(input.buffer, input.byteOffset, input.length)
      : undefined;
  const takenAt = await readTakenAt(meta.exif, fallback, meta.xmp, meta.iptc);
  if (format === 'heic' && !supportedFormats.heicNative) return inspectWasmHeic(input, meta, name, takenAt);
  const { width, height } = meta.autoOrient;
  const open = async () => sharp(input, { ...inputOptions(limit), autoOrient: true });
  return { format, width, height, takenAt, open };
}

/** HEIC through libheif's WebAssembly build, which hands back pixels but applies no EXIF turn. */
async function inspectWasmHeic(
  input: Input,
  meta: Metadata,
  name: string,
  takenAt: string | null,
): Promise<Inspected> {
  let bytes: Uint8Array;
  try {
    bytes = typeof input === 'string' ? await readFile(input) : input;
  } catch (err) {
    throw skip('unreadable', name, `cannot read file (${(err as Error).message})`, err);
  }
  // sharp reports the size with irot applied (libheif's header read), as the decoder returns it.
  const orientation = heifHasTransform(bytes) ? 1 : await readOrientation(meta.exif);
  const [width, height] = orientedSize(meta.width, meta.height, orientation);
  const open = async () => {
    let px: Awaited<ReturnType<typeof decodeHeicPixels>>;
    try {
      px = await decodeHeicPixels(bytes);
    } catch (err) {
      throw skip(
        'corrupt',
        name,
        `damaged HEIC file (${err instanceof Error ? err.message : String(err)})`,
        err,
      );
    }
    const raw = { width: px.width, height: px.height, channels: 4 } as const;
    return applyOrientation(sharp(px.data, { raw }), orientation);
  };
  return { format: 'heic', width, height, takenAt, open };
}

/** A RAW through its embedded JPEG preview, turned by the RAW's orientation. */
async function inspectRaw(path: string, sniffed: string, limit: number): Promise<Inspected> {
  const kind = extname(path).slice(1).toUpperCase() || sniffed.toUpperCase();
  let info: RawInfo;
  let jpeg: Buffer | undefined;
  try {
    info = await readRawInfo(path);
    const best = info.previews[0];
    if (best) jpeg = await readRawPreview(path, best.tag);
  } catch (err) {
    throw skip('unreadable', path, `cannot read ${kind} metadata (${(err as Error).message})`, err);
  }
  const noPreview = (why: string) =>
    skip('unsupported-format', path, `${kind} file has no usable embedded JPEG preview (${why})`);
  if (!jpeg || sniffImageFormat(jpeg) !== 'jpeg') throw noPreview('none found');
  let meta: Metadata;
  try {
    meta = await sharp(jpeg, inputOptions(limit)).metadata();
  } catch (err) {
    throw noPreview(vipsCause(err));
  }
  if (Math.max(meta.width, meta.height) < MIN_PREVIEW_SIDE) {
    throw noPreview(`only ${meta.width}×${meta.height}`);
  }
  const [pw, ph] = orientedSize(meta.width, meta.height, info.orientation);
  // Boxes go in the RAW's own frame when the preview shows all of it (same shape); a preview
  // cropped differently from what exiftool reports is taken as the frame itself.
  const sameShape = info.size !== null && Math.abs(info.size[0] / info.size[1] - pw / ph) < 0.02;
  const [width, height] = sameShape && info.size ? info.size : [pw, ph];
  const preview = jpeg;
  const open = async () => applyOrientation(sharp(preview, inputOptions(limit)), info.orientation);
  const decodeError = (err: unknown) => noPreview(`damaged: ${vipsCause(err)}`);
  return { format: kind.toLowerCase(), width, height, takenAt: info.takenAt, open, decodeError };
}

/**
 * Divisors of the long side that decode cheaply: libvips shrinks a JPEG on load by 1/2, 1/4 or 1/8
 * (DCT scaling), but sharp only uses shrink-on-load k when the whole shrink is at least k + 1
 * (libjpeg's rounding), so 1/3, 1/5 and 1/9 are what it reaches by a k-shrunk load plus a light
 * resample. An exact 1/2 is the worst choice: a full decode, then a full-size resample (measured on
 * 4032-px JPEGs, one thread: full 95 ms, 1/2 131 ms, 1/3 77 ms, 1/5 55 ms).
 */
export const CHEAP_DIVISORS = [9, 5, 3] as const;

/**
 * The long side to decode at (undefined: full size): with `shrinkTo`, the smallest cheap size
 * (CHEAP_DIVISORS) that keeps the long side at least `shrinkTo`, else full size; `maxSide` caps it.
 * Rounded down to whole pixels so the shrink is never a fraction short of the divisor.
 */
export function targetSide(
  longSide: number,
  options: Pick<DecodeOptions, 'maxSide' | 'shrinkTo'>,
): number | undefined {
  let side: number | undefined;
  if (options.shrinkTo !== undefined) {
    const divisor = CHEAP_DIVISORS.find((d) => Math.floor(longSide / d) >= options.shrinkTo!);
    if (divisor) side = Math.floor(longSide / divisor);
  }
  if (options.maxSide !== undefined) side = Math.min(side ?? longSide, options.maxSide);
  return side;
}

async function decodeInspected(
  info: Inspected,
  name: string,
  options: DecodeOptions,
  limit: number,
): Promise<DecodedImage> {
  // flatten: transparent pixels become white (what viewers show) instead of arbitrary RGB behind
  // alpha 0; toColourspace('srgb') expands grey, converts CMYK and ICC profiles, and with
  // raw({ depth: 'uchar' }) reduces 16-bit images to 8 bits.
  let pipeline = (await info.open()).flatten({ background: '#ffffff' }).toColourspace('srgb').removeAlpha();
  const maxSide = targetSide(Math.max(info.width, info.height), options);
  if (maxSide !== undefined) {
    // resize() right after load lets libvips shrink-on-load (JPEG DCT scaling, WebP), several times
    // faster than decoding the full image and resampling it.
    pipeline = pipeline.resize({
      width: maxSide,
      height: maxSide,
      fit: 'inside',
      withoutEnlargement: true,
    });
  }
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw info.decodeError?.(err) ?? classify(err, name, info.format, limit);
  }
  if (out.info.channels !== 3 || out.data.length !== out.info.width * out.info.height * 3) {
    throw new Error(`${name}: decoder returned ${out.info.channels} channels, expected packed RGB`);
  }
  return {
    data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.length),
    width: out.info.width,
    height: out.info.height,
    originalWidth: info.width,
    originalHeight: info.height,
    scale: out.info.width / info.width,
    format: info.format,
    takenAt: info.takenAt,
  };
}

/** Adds a JPEG's estimated quality when its bytes are at hand (files over IN_MEMORY_MAX_BYTES: not). */
function withJpegQuality(img: DecodedImage, bytes: Uint8Array | null): DecodedImage {
  const q = img.format === 'jpeg' && bytes ? jpegQuality(bytes) : null;
  return q === null ? img : { ...img, jpegQuality: q };
}

/**
 * Files up to this size are read into memory once and decoded from there: libvips then parses the
 * header and decodes without opening and seeking the file twice (measured ~3 ms of ~15 ms per
 * 1-MP JPEG here). Larger files are decoded from the path, so memory stays bounded.
 */
const IN_MEMORY_MAX_BYTES = 48 << 20;

/** Size and first bytes of a file, or the reason it cannot be an image we read. */
async function readHead(path: string): Promise<Uint8Array> {
  try {
    // stat before open: opening a FIFO for reading would block until a writer appears.
    const st = await stat(path);
    if (st.isDirectory()) throw skip('unreadable', path, 'is a directory');
    if (!st.isFile()) throw skip('unreadable', path, 'is not a regular file');
    if (st.size === 0) throw skip('empty-file', path, 'file is empty (0 bytes)');
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
      if (bytesRead === 0) throw skip('empty-file', path, 'file is empty (0 bytes)');
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    if (err instanceof ImageSkipError) throw err;
    throw skip('unreadable', path, `cannot read file (${(err as Error).message})`, err);
  }
}

/** Decodes a photo file to packed sRGB RGB; throws ImageSkipError for anything it cannot use. */
export async function decodeImage(path: string, options: DecodeOptions = {}): Promise<DecodedImage> {
  const limit = checkOptions(options);
  const head = await readHead(path);
  const sniffed = sniffImageFormat(head);
  // A RAW is read by exiftool, which needs only its path.
  if (sniffed && isRawFile(path, sniffed)) {
    return decodeInspected(await inspectRaw(path, sniffed, limit), path, options, limit);
  }
  let input: Input = path;
  try {
    if ((await stat(path)).size <= IN_MEMORY_MAX_BYTES) input = await readFile(path);
  } catch (err) {
    throw skip('unreadable', path, `cannot read file (${(err as Error).message})`, err);
  }
  const decoded = await decodeInspected(await inspect(input, head, path, limit), path, options, limit);
  return withJpegQuality(decoded, typeof input === 'string' ? null : input);
}

/** `decodeImage` for bytes already in memory (e.g. an embedded thumbnail or a test image). */
export async function decodeImageBuffer(
  bytes: Uint8Array,
  options: DecodeBufferOptions = {},
): Promise<DecodedImage> {
  const limit = checkOptions(options);
  const name = options.name ?? 'image buffer';
  if (bytes.length === 0) throw skip('empty-file', name, 'no bytes (0-byte image)');
  const info = await inspect(bytes, bytes.subarray(0, SNIFF_BYTES), name, limit);
  return withJpegQuality(await decodeInspected(info, name, options, limit), bytes);
}

/**
 * Header-only look at a photo (no pixel decoding): oriented size, format and capture time, with the
 * same ImageSkipError reasons as `decodeImage` for everything the header reveals. A file that
 * probes fine can still turn out 'corrupt' when decoded (e.g. truncated pixel data).
 */
export async function probeImage(
  path: string,
  options: Pick<DecodeOptions, 'maxInputPixels'> = {},
): Promise<ImageInfo> {
  const limit = checkOptions(options);
  const head = await readHead(path);
  const sniffed = sniffImageFormat(head);
  const { width, height, format, takenAt } =
    sniffed && isRawFile(path, sniffed)
      ? await inspectRaw(path, sniffed, limit)
      : await inspect(path, head, path, limit);
  return { width, height, format, takenAt };
}
