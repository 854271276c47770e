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
  width: number | null;
  height: number | null;
  status: PhotoStatus;
}

export const SERVICE_SQL = {
  face: `SELECT f.id AS faceId, f.photo_id AS photoId, f.source, f.x, f.y, f.w, f.h, p.path, p.status,
    p.width, p.height, p.mtime_ms AS mtimeMs
    FROM faces f JOIN photos p ON p.id = f.photo_id WHERE f.id = ?`,
  photoFaces: `SELECT f.id AS faceId, f.source, f.x, f.y, f.w, f.h, a.person_id AS personId,
    pe.name AS personName, a.source AS assignment
    FROM faces f LEFT JOIN assignments a ON a.face_id = f.id LEFT JOIN people pe ON pe.id = a.person_id
    WHERE f.photo_id = ? ORDER BY f.x, f.id`,
  personPhotos: `SELECT DISTINCT p.id AS photoId, p.path, p.taken_at AS takenAt, p.width, p.height, p.status
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
  readonly #unassignedCount;

  constructor(library: Library) {
    const db = library.db;
    this.#person = db.prepare<[number], PersonSummaryRow>(READ_SQL.person);
    this.#face = db.prepare<[number], FaceLookup>(SERVICE_SQL.face);
    this.#photoFaces = db.prepare<[number], PhotoFaceRow>(SERVICE_SQL.photoFaces);
    this.#personPhotos = db.prepare<[number], PhotoRow>(SERVICE_SQL.personPhotos);
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
    return this.#personPhotos.all(personId);
  }

  unassignedCount(): number {
    return this.#unassignedCount.get() ?? 0;
  }
}
