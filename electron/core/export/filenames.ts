// File and folder names every file system accepts. Linux and macOS limit a name to 255 bytes of UTF-8,
// Windows to 255 UTF-16 units; bytes are the stricter measure (a unit is at least one byte), so names
// are cut by UTF-8 bytes, on a character (grapheme) boundary, keeping what identifies them.

/** The longest name (one path component) in UTF-8 bytes. */
export const NAME_MAX_BYTES = 255;

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest prefix of `s` within `maxBytes` UTF-8 bytes that ends on a character boundary. */
export function cutUtf8(s: string, maxBytes: number): string {
  if (utf8(s) <= maxBytes) return s;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(s)) {
    const n = utf8(segment);
    if (used + n > maxBytes) break;
    out += segment;
    used += n;
  }
  return out;
}

/** `s` without separators, control or reserved characters and leading/trailing dots or spaces. */
function cleanName(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we strip
  return s.replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_').replace(/^[.\s]+|[.\s]+$/g, '');
}

/**
 * A name no file system refuses, followed by `suffix` (kept whole: it is what keeps names apart, such
 * as a person's id). The cleaned `s` is cut so that the whole name fits `maxBytes`.
 */
export function safeName(s: string, suffix = '', maxBytes = NAME_MAX_BYTES): string {
  const head = cutUtf8(cleanName(s), maxBytes - utf8(suffix)).replace(/[.\s]+$/, '');
  return `${head || '_'}${suffix}`;
}

/**
 * A file name for `name` (a photo's base name) with `tag` before the extension, e.g. "IMG-12.jpg":
 * the stem is cut first, so the extension and the tag survive a long name.
 */
export function safeFileName(name: string, tag = ''): string {
  const clean = cleanName(name);
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
  const stem = ext ? clean.slice(0, dot) : clean;
  return safeName(stem, `${tag}${ext}`);
}
