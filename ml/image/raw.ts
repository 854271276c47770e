// Camera RAW files (CR2, CR3, NEF, ARW, RAF, ORF, RW2, DNG): Kith analyses the full-size JPEG preview
// the camera embedded, read through exiftool, rather than developing the sensor data itself. One
// exiftool process per thread (each analyzer worker) is started on the first RAW and reused.
import { ExifTool } from 'exiftool-vendored';
import { orientationOf, orientedSize } from './orient.ts';

export { isRawFile, RAW_EXTENSIONS } from './sniff.ts';

import { exifDateToIso } from './taken-at.ts';

/** Preview images a RAW may carry, largest usually first; ThumbnailImage is never big enough. */
const PREVIEW_TAGS = ['JpgFromRaw', 'PreviewImage', 'OtherImage'] as const;

/** A preview with a shorter long side than this is a thumbnail: too small to find faces in. */
export const MIN_PREVIEW_SIDE = 1000;

const DATE_TAGS = [
  'DateTimeOriginal',
  'SubSecTimeOriginal',
  'OffsetTimeOriginal',
  'CreateDate',
  'SubSecTimeDigitized',
  'OffsetTimeDigitized',
] as const;

export interface RawInfo {
  /** The RAW's own orientation (the preview's EXIF, if any, is not used). */
  orientation: number;
  /** Oriented size of the RAW's image as exiftool reports it, or null when it reports none. */
  size: [number, number] | null;
  takenAt: string | null;
  /** The embedded previews present, largest first, with their byte counts. */
  previews: Array<{ tag: (typeof PREVIEW_TAGS)[number]; bytes: number }>;
}

let shared: ExifTool | undefined;

function exiftool(): ExifTool {
  shared ??= new ExifTool({ maxProcs: 1, taskTimeoutMillis: 30_000 });
  return shared;
}

/** Ends this thread's exiftool process, if one was started (the pipeline's close calls it). */
export async function closeRawReader(): Promise<void> {
  const et = shared;
  shared = undefined;
  await et?.end();
}

const BINARY = /^\(Binary data (\d+) bytes/;

/** Orientation, size, date and which previews a RAW holds: one exiftool call, no pixel data. */
export async function readRawInfo(path: string): Promise<RawInfo> {
  const tags: Record<string, unknown> = await exiftool().readRaw(path, {
    readArgs: [
      '-n',
      '-fast',
      '-ImageSize',
      '-Orientation',
      ...DATE_TAGS.map((t) => `-${t}`),
      ...PREVIEW_TAGS.map((t) => `-${t}`),
    ],
  });
  const orientation = orientationOf(tags.Orientation);
  const dims = /^(\d+)[ x](\d+)$/.exec(String(tags.ImageSize ?? ''));
  const size =
    dims && Number(dims[1]) > 0 && Number(dims[2]) > 0
      ? orientedSize(Number(dims[1]), Number(dims[2]), orientation)
      : null;
  const previews = PREVIEW_TAGS.flatMap((tag) => {
    const m = BINARY.exec(String(tags[tag] ?? ''));
    return m ? [{ tag, bytes: Number(m[1]) }] : [];
  }).sort((a, b) => b.bytes - a.bytes);
  const takenAt =
    exifDateToIso(tags.DateTimeOriginal, tags.SubSecTimeOriginal, tags.OffsetTimeOriginal) ??
    exifDateToIso(tags.CreateDate, tags.SubSecTimeDigitized, tags.OffsetTimeDigitized);
  return { orientation, size, takenAt, previews };
}

/** The bytes of one embedded preview. */
export function readRawPreview(path: string, tag: RawInfo['previews'][number]['tag']): Promise<Buffer> {
  return exiftool().extractBinaryTagToBuffer(tag, path);
}
