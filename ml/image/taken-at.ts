// Capture time from EXIF. EXIF stores wall-clock time with no zone ("2021:07:04 15:30:12"), plus an
// optional OffsetTimeOriginal. We keep it as local ISO 8601 text and never pass it through `Date`,
// which would silently reinterpret it in the machine's time zone.
import exifr from 'exifr';

const PICK = [
  'DateTimeOriginal',
  'SubSecTimeOriginal',
  'OffsetTimeOriginal',
  'CreateDate',
  'SubSecTimeDigitized',
  'OffsetTimeDigitized',
] as const;

const DATE_RE = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;

/**
 * An EXIF date ("YYYY:MM:DD HH:MM:SS") as ISO 8601 ("YYYY-MM-DDTHH:MM:SS[.sss][±HH:MM]"), or null for
 * absent or impossible values such as the "0000:00:00 00:00:00" of cameras whose clock was never set.
 */
export function exifDateToIso(value: unknown, subSec?: unknown, offset?: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = DATE_RE.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m as unknown as [string, string, string, string, string, string, string];
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (year < 1800 || month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  let iso = `${y}-${mo}-${d}T${h}:${mi}:${s}`;
  const frac = typeof subSec === 'string' || typeof subSec === 'number' ? String(subSec).trim() : '';
  if (/^\d+$/.test(frac)) iso += `.${frac.slice(0, 3).padEnd(3, '0')}`;
  const zone = typeof offset === 'string' ? offset.trim() : '';
  if (/^[+-]\d{2}:\d{2}$/.test(zone) || zone === 'Z') iso += zone;
  return iso;
}

type Tags = Partial<Record<(typeof PICK)[number], unknown>>;

async function parseTags(input: Buffer | string): Promise<Tags | null> {
  try {
    const out: unknown = await exifr.parse(input, { pick: [...PICK], reviveValues: false });
    return out && typeof out === 'object' ? (out as Tags) : null;
  } catch {
    return null; // unreadable EXIF never makes a photo unreadable
  }
}

/**
 * Capture time from the raw EXIF block sharp reports (`metadata().exif`), or when there is none, from
 * `fallback` (a whole file or its path; exifr finds EXIF inside TIFF, JPEG, PNG, HEIF). Null if absent.
 */
export async function readTakenAt(
  exif: Buffer | undefined,
  fallback?: Buffer | string,
): Promise<string | null> {
  let tags: Tags | null = null;
  if (exif && exif.length > 8) {
    // sharp returns the APP1 payload; exifr wants the TIFF structure that follows "Exif\0\0".
    const tiff = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
    tags = await parseTags(tiff);
  } else if (fallback !== undefined) {
    tags = await parseTags(fallback);
  }
  if (!tags) return null;
  return (
    exifDateToIso(tags.DateTimeOriginal, tags.SubSecTimeOriginal, tags.OffsetTimeOriginal) ??
    exifDateToIso(tags.CreateDate, tags.SubSecTimeDigitized, tags.OffsetTimeDigitized)
  );
}
