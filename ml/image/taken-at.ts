// Capture time from EXIF, else XMP, else IPTC. EXIF stores wall-clock time with no zone ("2021:07:04 15:30:12"), plus an
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

// XMP properties holding when a photo was taken, most specific first (Lightroom, Photoshop and
// scanning software write these when there is no EXIF).
const XMP_DATES = ['exif:DateTimeOriginal', 'photoshop:DateCreated', 'xmp:CreateDate'] as const;
const XMP_DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?$/;

/** A capture date from an XMP packet (as sharp's `metadata().xmp` gives it), or null. */
export function xmpTakenAt(xmp: Uint8Array | undefined): string | null {
  if (!xmp || xmp.length === 0) return null;
  const text = Buffer.from(xmp.buffer, xmp.byteOffset, xmp.length).toString('utf8');
  for (const prop of XMP_DATES) {
    // Both RDF forms: an attribute (prop="…") and an element (<prop>…</prop>).
    const m = new RegExp(`${prop}\\s*=\\s*["']([^"']*)["']|<${prop}>([^<]*)</${prop}>`).exec(text);
    const d = XMP_DATE_RE.exec((m?.[1] ?? m?.[2] ?? '').trim());
    if (!d) continue;
    const [, y, mo, day, h = '00', mi = '00', s = '00', frac, zone] = d;
    const iso = exifDateToIso(`${y}:${mo}:${day} ${h}:${mi}:${s}`, frac, zone);
    if (iso) return iso;
  }
  return null;
}

/** The value of IPTC-IIM dataset 2:`tag` inside a Photoshop IRB / IPTC block, as text. */
function iptcField(block: Uint8Array, tag: number): string | null {
  for (let i = 0; i + 5 <= block.length; i++) {
    if (block[i] !== 0x1c || block[i + 1] !== 2 || block[i + 2] !== tag) continue;
    const length = (block[i + 3]! << 8) | block[i + 4]!;
    if (length > 64 || i + 5 + length > block.length) continue;
    return String.fromCharCode(...block.subarray(i + 5, i + 5 + length));
  }
  return null;
}

/** A capture date from IPTC DateCreated (2:55, CCYYMMDD) and TimeCreated (2:60, HHMMSS±HHMM), or null. */
export function iptcTakenAt(iptc: Uint8Array | undefined): string | null {
  if (!iptc || iptc.length === 0) return null;
  const date = /^(\d{4})(\d{2})(\d{2})$/.exec(iptcField(iptc, 55)?.trim() ?? '');
  if (!date) return null;
  const time = /^(\d{2})(\d{2})(\d{2})(?:([+-]\d{2})(\d{2}))?$/.exec(iptcField(iptc, 60)?.trim() ?? '');
  const [h, mi, s] = time ? [time[1], time[2], time[3]] : ['00', '00', '00'];
  const zone = time?.[4] && time[5] ? `${time[4]}:${time[5]}` : undefined;
  return exifDateToIso(`${date[1]}:${date[2]}:${date[3]} ${h}:${mi}:${s}`, undefined, zone);
}

/**
 * Capture time from the raw EXIF block sharp reports (`metadata().exif`), or when there is none, from
 * `fallback` (a whole file or its path; exifr finds EXIF inside TIFF, JPEG, PNG, HEIF); without an
 * EXIF date, from the XMP packet, then IPTC. Null if none has one (the library then shows the file's
 * modification time, marked approximate).
 */
export async function readTakenAt(
  exif: Buffer | undefined,
  fallback?: Buffer | string,
  xmp?: Uint8Array,
  iptc?: Uint8Array,
): Promise<string | null> {
  let tags: Tags | null = null;
  if (exif && exif.length > 8) {
    // sharp returns the APP1 payload; exifr wants the TIFF structure that follows "Exif\0\0".
    const tiff = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
    tags = await parseTags(tiff);
  } else if (fallback !== undefined) {
    tags = await parseTags(fallback);
  }
  const fromExif =
    tags &&
    (exifDateToIso(tags.DateTimeOriginal, tags.SubSecTimeOriginal, tags.OffsetTimeOriginal) ??
      exifDateToIso(tags.CreateDate, tags.SubSecTimeDigitized, tags.OffsetTimeDigitized));
  return fromExif ?? xmpTakenAt(xmp) ?? iptcTakenAt(iptc);
}
