// JSON and CSV forms of the exported faces. Both are deterministic (no timestamps), so re-exporting an
// unchanged library rewrites identical bytes.
import type { ExportFace } from './records.ts';

export const JSON_SCHEMA_ID = 'kith.faces';
export const JSON_SCHEMA_VERSION = 1;

export interface FacesJson {
  schema: typeof JSON_SCHEMA_ID;
  version: typeof JSON_SCHEMA_VERSION;
  people: Array<{
    id: number;
    name: string | null;
    faces: Array<{
      faceId: number;
      photo: { id: number; path: string; width: number | null; height: number | null };
      box: { x: number; y: number; w: number; h: number };
      boxNormalized: { x: number; y: number; w: number; h: number } | null;
      landmarks: Array<[number, number]> | null;
      assignment: 'user' | 'auto';
      confidence: number | null;
      detScore: number | null;
      quality: number | null;
      modelId: string | null;
    }>;
  }>;
}

export function facesJson(faces: readonly ExportFace[]): FacesJson {
  const people: FacesJson['people'] = [];
  const byId = new Map<number, FacesJson['people'][number]>();
  for (const f of faces) {
    let p = byId.get(f.personId);
    if (!p) {
      p = { id: f.personId, name: f.personName, faces: [] };
      byId.set(f.personId, p);
      people.push(p);
    }
    p.faces.push({
      faceId: f.faceId,
      photo: { id: f.photoId, path: f.path, width: f.photoWidth, height: f.photoHeight },
      box: { ...f.box },
      boxNormalized: f.boxNormalized && { ...f.boxNormalized },
      landmarks: f.landmarks ? f.landmarks.map(([x, y]) => [x, y]) : null,
      assignment: f.assignment,
      confidence: f.confidence,
      detScore: f.detScore,
      quality: f.quality,
      modelId: f.modelId,
    });
  }
  return { schema: JSON_SCHEMA_ID, version: JSON_SCHEMA_VERSION, people };
}

/** Landmark columns in the ArcFace order (left/right as seen in the image). */
const LANDMARK_COLUMNS = ['eye_l', 'eye_r', 'nose', 'mouth_l', 'mouth_r'].flatMap((n) => [
  `${n}_x`,
  `${n}_y`,
]);

export const CSV_COLUMNS = [
  'person_id',
  'person_name',
  'face_id',
  'photo_id',
  'photo_path',
  'photo_width',
  'photo_height',
  'x',
  'y',
  'w',
  'h',
  'x_norm',
  'y_norm',
  'w_norm',
  'h_norm',
  ...LANDMARK_COLUMNS,
  'assignment',
  'confidence',
  'det_score',
  'quality',
  'model_id',
] as const;

/**
 * A text cell a spreadsheet would run as a formula (CSV injection: names can come from other people's
 * XMP). OWASP's rule: a cell starting with = + - @, tab or carriage return gets a leading apostrophe,
 * which spreadsheets show as text. Numbers are written as numbers; JSON keeps every name exact.
 */
export function neutralizeCell(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/**
 * RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. Text is
 * neutralised first, and a neutralised cell is always quoted (OWASP).
 */
function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = neutralizeCell(v);
  return s !== v || /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function facesCsv(faces: readonly ExportFace[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const f of faces) {
    const n = f.boxNormalized;
    const lm = f.landmarks ? f.landmarks.flat() : LANDMARK_COLUMNS.map(() => null);
    const row: Array<string | number | null> = [
      f.personId,
      f.personName,
      f.faceId,
      f.photoId,
      f.path,
      f.photoWidth,
      f.photoHeight,
      f.box.x,
      f.box.y,
      f.box.w,
      f.box.h,
      n?.x ?? null,
      n?.y ?? null,
      n?.w ?? null,
      n?.h ?? null,
      ...lm,
      f.assignment,
      f.confidence,
      f.detScore,
      f.quality,
      f.modelId,
    ];
    lines.push(row.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
