// HEIC (HEVC-coded HEIF) where libvips has no HEVC decoder, as in prebuilt sharp: libheif compiled to
// WebAssembly (heic-decode → libheif-js), so nothing is downloaded or linked at run time. It runs
// wherever decoding runs: in the analyzer's worker threads, off the main thread.
import { createRequire } from 'node:module';

interface HeicPixels {
  /** RGBA, 8 bit, `width × height × 4`; libheif has already applied the file's irot/imir. */
  data: Uint8Array;
  width: number;
  height: number;
}

type HeicDecode = (input: { buffer: Uint8Array }) => Promise<{
  width: number;
  height: number;
  data: Uint8ClampedArray;
}>;

let decoder: HeicDecode | undefined;

/** Loaded on the first HEIC: the WebAssembly module is ~1.4 MB and most libraries hold no HEIC. */
function heicDecode(): HeicDecode {
  decoder ??= createRequire(import.meta.url)('heic-decode') as HeicDecode;
  return decoder;
}

/** Decodes the primary image of a HEIC file. Throws on anything libheif cannot read. */
export async function decodeHeicPixels(bytes: Uint8Array): Promise<HeicPixels> {
  const { width, height, data } = await heicDecode()({ buffer: bytes });
  if (!(width > 0 && height > 0) || data.length !== width * height * 4) {
    throw new Error(`libheif returned ${data.length} bytes for ${width}×${height} RGBA`);
  }
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height };
}

const type = (b: Uint8Array, at: number): string =>
  String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

/** The boxes in `b[start, end)`: [type, payload start, payload end]. Stops at the first malformed one. */
function* boxes(b: Uint8Array, start: number, end: number): Generator<[string, number, number]> {
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  let at = start;
  while (at + 8 <= end) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) return;
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < header || at + size > end) return;
    yield [type(b, at + 4), at + header, at + size];
    at += size;
  }
}

function child(b: Uint8Array, start: number, end: number, name: string): [number, number] | undefined {
  for (const [t, s, e] of boxes(b, start, end)) if (t === name) return [s, e];
  return undefined;
}

/**
 * Whether the HEIF's item properties hold a rotation (irot) or mirror (imir). libheif applies them,
 * and such files (iPhone photos) also carry the same turn as EXIF Orientation, which must then be
 * ignored or the photo turns twice. A file without them (e.g. heif-enc from a JPEG) is turned by
 * its EXIF Orientation, as the JPEG it came from was.
 */
export function heifHasTransform(b: Uint8Array): boolean {
  const meta = child(b, 0, b.length, 'meta');
  if (!meta) return false;
  // meta is a full box: 4 bytes of version and flags before its children.
  const iprp = child(b, meta[0] + 4, meta[1], 'iprp');
  const ipco = iprp && child(b, iprp[0], iprp[1], 'ipco');
  if (!ipco) return false;
  for (const [t] of boxes(b, ipco[0], ipco[1])) if (t === 'irot' || t === 'imir') return true;
  return false;
}
