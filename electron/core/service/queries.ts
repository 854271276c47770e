// Read-only lookups the app needs and LibraryReader does not offer yet (a face by id, the people of
// one photo's faces, a person's photos with their dates). Prepared once per library; all parameters
// bound. Candidates to move into LibraryReader when the store next changes.
import type { Library } from '../store/library.ts';
import { READ_SQL } from '../store/reader.ts';
import type { PhotoStatus } from '../store/types.ts';

export interface FaceLookup {
  faceId: number;
  photoId: number;
  source: 'detected' | 'manual';
  x: number;
  y: number;
  w: number;
  h: number;
  path: string;
  status: PhotoStatus;
  width: number | null;
  height: number | null;
  mtimeMs: number;
}

export interface PhotoFaceRow {
  faceId: number;
  source: 'detected' | 'manual';
  x: number;
  y: number;
  w: number;
  h: number;
  personId: number | null;
  personName: string | null;
  assignment: 'auto' | 'user' | null;
}

export interface PhotoRow {
  photoId: number;
  path: string;
  takenAt: string | null;
  /** takenAt is the file's modification time: the photo holds no EXIF, XMP or IPTC date. */
  dateApproximate: boolean;
  width: number | null;
  height: number | null;
  status: PhotoStatus;
}

export interface SuggestionRow {
  faceId: number;
  photoId: number;
  personId: number;
  x: number;
  y: number;
  w: number;
  h: number;
  confidence: number;
}

/**
 * A photo's date: its capture date, else its file's modification time as a local time like EXIF's
 * ("2020-01-05T10:00:00"), flagged approximate. Computed here, not stored: no migration, and a
 * date found later in the photo wins by itself.
 */
const TAKEN_AT = `COALESCE(p.taken_at,
    strftime('%Y-%m-%dT%H:%M:%S', p.mtime_ms / 1000, 'unixepoch', 'localtime')) AS takenAt,
    p.taken_at IS NULL AS dateApproximate`;
const PHOTO_COLUMNS = `p.id AS photoId, p.path, ${TAKEN_AT}, p.width, p.height, p.status`;

/** SQLite gives booleans as 0/1. */
type Sql<T> = { [K in keyof T]: T[K] extends boolean ? number : T[K] };
const photoRow = (r: Sql<PhotoRow>): PhotoRow => ({ ...r, dateApproximate: r.dateApproximate === 1 });

// Review suggestions read auto assignments by confidence, lowest first: store migration 0002's
// partial indexes make that an index range scan (no sort, no full scan). A face assigned at no
// confidence (under 1%: at the very edge of the threshold) is never asked about (issue 15 item 9).

/** Photos that show every person in the JSON array @ids (@n of them, distinct), dated first. */
const PHOTOS_WITH_ALL = `WITH hits AS (
    SELECT f.photo_id AS photoId FROM assignments a JOIN faces f ON f.id = a.face_id
    WHERE a.person_id IN (SELECT value FROM json_each(@ids))
    GROUP BY f.photo_id HAVING count(DISTINCT a.person_id) = @n)
  SELECT ${PHOTO_COLUMNS}
  FROM hits h JOIN photos p ON p.id = h.photoId WHERE p.status = 'analyzed'`;
const PHOTO_ORDER = 'ORDER BY takenAt, p.path';

export const SERVICE_SQL = {
  suggestionsOfPerson: `SELECT a.face_id AS faceId, f.photo_id AS photoId, a.person_id AS personId,
    f.x, f.y, f.w, f.h, a.confidence
    FROM assignments a JOIN faces f ON f.id = a.face_id JOIN photos p ON p.id = f.photo_id
    WHERE a.person_id = @personId AND a.source = 'auto' AND a.confidence IS NOT NULL AND a.confidence >= 0.01 AND a.confidence <= @max
      AND p.status <> 'missing'
    ORDER BY a.confidence, a.face_id LIMIT @limit`,
  suggestions: `SELECT a.face_id AS faceId, f.photo_id AS photoId, a.person_id AS personId,
    f.x, f.y, f.w, f.h, a.confidence
    FROM assignments a JOIN faces f ON f.id = a.face_id JOIN photos p ON p.id = f.photo_id
      JOIN people pe ON pe.id = a.person_id
    WHERE a.source = 'auto' AND a.confidence IS NOT NULL AND a.confidence >= 0.01 AND a.confidence <= @max
      AND p.status <> 'missing' AND pe.hidden = 0
    ORDER BY a.confidence, a.face_id LIMIT @limit`,
  photosWithAll: `${PHOTOS_WITH_ALL} ${PHOTO_ORDER} LIMIT @limit OFFSET @offset`,
  photosWithAllCount: `SELECT count(*) FROM (${PHOTOS_WITH_ALL})`,
  allPhotos: `SELECT ${PHOTO_COLUMNS}
    FROM photos p WHERE p.status = 'analyzed' ${PHOTO_ORDER} LIMIT @limit OFFSET @offset`,
  allPhotosCount: `SELECT count(*) FROM photos WHERE status = 'analyzed'`,
  face: `SELECT f.id AS faceId, f.photo_id AS photoId, f.source, f.x, f.y, f.w, f.h, p.path, p.status,
    p.width, p.height, p.mtime_ms AS mtimeMs
    FROM faces f JOIN photos p ON p.id = f.photo_id WHERE f.id = ?`,
  photoFaces: `SELECT f.id AS faceId, f.source, f.x, f.y, f.w, f.h, a.person_id AS personId,
    pe.name AS personName, a.source AS assignment
    FROM faces f LEFT JOIN assignments a ON a.face_id = f.id LEFT JOIN people pe ON pe.id = a.person_id
    WHERE f.photo_id = ? ORDER BY f.x, f.id`,
  photo: `SELECT ${PHOTO_COLUMNS} FROM photos p WHERE p.id = ?`,
  personPhotos: `SELECT DISTINCT ${PHOTO_COLUMNS}
    FROM assignments a JOIN faces f ON f.id = a.face_id JOIN photos p ON p.id = f.photo_id
    WHERE a.person_id = ?`,
  unassignedCount: `SELECT count(*) FROM faces f JOIN photos ph ON ph.id = f.photo_id
    WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.face_id = f.id) AND ph.status <> 'missing'`,
} as const;

export interface PersonSummaryRow {
  id: number;
  name: string | null;
  hidden: number;
  coverFaceId: number | null;
  faceCount: number;
  photoCount: number;
}

export class ServiceQueries {
  readonly #person;
  readonly #face;
  readonly #photoFaces;
  readonly #personPhotos;
  readonly #photo;
  readonly #unassignedCount;
  readonly #suggestionsOfPerson;
  readonly #suggestions;
  readonly #photosWithAll;
  readonly #photosWithAllCount;
  readonly #allPhotos;
  readonly #allPhotosCount;

  constructor(library: Library) {
    const db = library.db;
    this.#suggestionsOfPerson = db.prepare<[{ personId: number; max: number; limit: number }], SuggestionRow>(
      SERVICE_SQL.suggestionsOfPerson,
    );
    this.#suggestions = db.prepare<[{ max: number; limit: number }], SuggestionRow>(SERVICE_SQL.suggestions);
    type Page = { limit: number; offset: number };
    type People = { ids: string; n: number };
    this.#photosWithAll = db.prepare<[People & Page], Sql<PhotoRow>>(SERVICE_SQL.photosWithAll);
    this.#photosWithAllCount = db.prepare<[People], number>(SERVICE_SQL.photosWithAllCount).pluck();
    this.#allPhotos = db.prepare<[Page], Sql<PhotoRow>>(SERVICE_SQL.allPhotos);
    this.#allPhotosCount = db.prepare<[], number>(SERVICE_SQL.allPhotosCount).pluck();
    this.#person = db.prepare<[number], PersonSummaryRow>(READ_SQL.person);
    this.#face = db.prepare<[number], FaceLookup>(SERVICE_SQL.face);
    this.#photoFaces = db.prepare<[number], PhotoFaceRow>(SERVICE_SQL.photoFaces);
    this.#personPhotos = db.prepare<[number], Sql<PhotoRow>>(SERVICE_SQL.personPhotos);
    this.#photo = db.prepare<[number], Sql<PhotoRow>>(SERVICE_SQL.photo);
    this.#unassignedCount = db.prepare<[], number>(SERVICE_SQL.unassignedCount).pluck();
  }

  /** One person with counts (the People grid's row), via the reader's own SQL. */
  person(personId: number): PersonSummaryRow | undefined {
    return this.#person.get(personId);
  }

  face(faceId: number): FaceLookup | undefined {
    return this.#face.get(faceId);
  }

  photoFaces(photoId: number): PhotoFaceRow[] {
    return this.#photoFaces.all(photoId);
  }

  personPhotos(personId: number): PhotoRow[] {
    return this.#personPhotos.all(personId).map(photoRow);
  }

  /** One photo as the UI shows it (its date as photo lists show it). */
  photo(photoId: number): PhotoRow | undefined {
    const row = this.#photo.get(photoId);
    return row && photoRow(row);
  }

  unassignedCount(): number {
    return this.#unassignedCount.get() ?? 0;
  }

  /** Low-confidence auto assignments, lowest first: one person's, or every visible person's. */
  suggestions(personId: number | undefined, maxConfidence: number, limit: number): SuggestionRow[] {
    return personId === undefined
      ? this.#suggestions.all({ max: maxConfidence, limit })
      : this.#suggestionsOfPerson.all({ personId, max: maxConfidence, limit });
  }

  /** Photos showing all of `personIds` (every analyzed photo when empty), by date, one page. */
  photosWithAll(
    personIds: readonly number[],
    limit: number,
    offset: number,
  ): { total: number; rows: PhotoRow[] } {
    const ids = [...new Set(personIds)];
    if (ids.length === 0) {
      return {
        total: this.#allPhotosCount.get() ?? 0,
        rows: this.#allPhotos.all({ limit, offset }).map(photoRow),
      };
    }
    const people = { ids: JSON.stringify(ids), n: ids.length };
    return {
      total: this.#photosWithAllCount.get(people) ?? 0,
      rows: this.#photosWithAll.all({ ...people, limit, offset }).map(photoRow),
    };
  }
}
