// Formatting for the UI.

const nf = new Intl.NumberFormat();

export const num = (n: number): string => nf.format(n);

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${nf.format(n)} ${n === 1 ? one : many}`;
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60 ? `${s % 60} s` : ''}`.trim();
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

/**
 * EXIF dates are local times without a zone ("2020-01-05T10:00:00"). `approximate`: the photo has no
 * date of its own and this is its file's modification time, shown as "≈ 5 Jan 2020".
 */
export function photoDate(takenAt: string | null, approximate = false): string {
  if (!takenAt) return 'No date';
  const d = new Date(takenAt);
  const text = Number.isNaN(d.getTime()) ? takenAt : dateFormat.format(d);
  return approximate ? `≈ ${text}` : text;
}

export const SKIP_REASONS: Record<string, string> = {
  'empty-file': 'Empty file',
  unreadable: 'Could not be read',
  'unsupported-format': 'Format not supported',
  corrupt: 'Damaged or incomplete',
  'too-large': 'Too large to open safely',
  'not-an-image': 'Not an image',
  'analysis-failed': 'Analysis failed',
  'worker-crashed': 'Analysis crashed',
};
