// [Note: the name rule] One rule for a person's name, wherever a name enters Kith: the API (the
// renderer's rename), the CLI (`kith person rename`) and names read from other apps' XMP. A name is
// NFC, trimmed, at most NAME_MAX characters (code points), with no control characters and no lone
// surrogates (SQLite stores UTF-8, where a lone surrogate cannot be written: it came back as three
// U+FFFD). What a user types is refused with the reason (checkName); what a file says is cleaned
// (cleanName), because one odd name in a photo must not stop an import. Text printed to a terminal
// goes through printable(), so a name stored before this rule cannot send escape codes.
// Pure and dependency-free: it runs in the renderer too.

/** The longest name, in characters (Unicode code points, after NFC). */
export const NAME_MAX = 200;

/**
 * Characters no name may hold: C0 and C1 controls and DEL (\p{Cc}: NUL, ESC, U+001F, the 8-bit CSI
 * U+009B…), the line and paragraph separators, and lone surrogates (\p{Cs} matches only unpaired ones
 * in a `u` regex).
 */
const FORBIDDEN = /[\p{Cc}\p{Cs}\u2028\u2029]/u;
const FORBIDDEN_RUNS = /[\p{Cc}\p{Cs}\u2028\u2029]+/gu;

export type NameCheck = { ok: true; name: string | null } | { ok: false; problem: string };

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** How a forbidden character is named in a message: U+001B, never the character itself. */
const codeOf = (ch: string): string =>
  `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * A name typed by the user, as Kith stores it (NFC, trimmed; empty means "no name": null), or why it
 * is refused. Nothing is changed silently except the trimming and the normalisation.
 */
export function checkName(raw: string | null): NameCheck {
  if (raw === null) return { ok: true, name: null };
  const bad = FORBIDDEN.exec(raw);
  if (bad) {
    const what = /\p{Cs}/u.test(bad[0]) ? 'a broken character (lone surrogate)' : 'a control character';
    return { ok: false, problem: `A name cannot contain ${what} (${codeOf(bad[0])}).` };
  }
  const name = raw.normalize('NFC').trim();
  const length = codePoints(name);
  if (length > NAME_MAX) {
    return { ok: false, problem: `A name can have at most ${NAME_MAX} characters (this one has ${length}).` };
  }
  return { ok: true, name: name === '' ? null : name };
}

/** Cuts `s` to at most `max` code points, on a grapheme boundary (no half emoji, no orphaned accent). */
function cutGraphemes(s: string, max: number): string {
  if (codePoints(s) <= max) return s;
  let out = '';
  let n = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)) {
    const k = codePoints(segment);
    if (n + k > max) break;
    out += segment;
    n += k;
  }
  return out;
}

/**
 * A name from outside (another app's XMP), made to fit the rule instead of refused: each run of
 * forbidden characters becomes one space, the result is NFC, trimmed and cut to NAME_MAX characters.
 * Null when nothing is left. Work is bounded however long the input is.
 */
export function cleanName(raw: string): string | null {
  // Only the first NAME_MAX × 8 UTF-16 units are read: room for any real name's 200 characters, and
  // a bound on the work. A surrogate pair split there leaves a lone half, cleaned like any other.
  const head = raw.length > NAME_MAX * 8 ? raw.slice(0, NAME_MAX * 8) : raw;
  const name = cutGraphemes(head.replace(FORBIDDEN_RUNS, ' ').normalize('NFC').trim(), NAME_MAX).trim();
  return name === '' ? null : name;
}

const UNPRINTABLE = /[\p{Cc}\p{Cs}\u2028\u2029]/gu;

/**
 * Text for a terminal: every control character, line separator and lone surrogate is shown as a
 * visible escape (\x1b, \u2028, \ud800), so stored text can never move the cursor, recolour the
 * screen or set the window title.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (ch) => {
    const c = ch.codePointAt(0) ?? 0;
    return c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
  });
}
