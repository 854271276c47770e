// Read-only queries. A LibraryReader has no method that writes, so a write through it does not compile.
import type Database from 'better-sqlite3';
import { float32Of } from './blobs.ts';
import { FACE_COLUMNS, type FaceRow, faceOf, PHOTO_COLUMNS, type PhotoRow, prefixEnd } from './rows.ts';
import type {
  AssignmentSource,
  Constraint,
  ConstraintKind,
  EmbeddingMatrix,
  Face,
  Person,
  PersonFace,
  PersonWithFaces,
  Photo,
  PhotoStatus,
  ScanJob,
  ScanJobState,
  SkippedPhoto,
  UnassignedFace,
} from './types.ts';

/** A people row as stored (corrections snapshot it so undo can restore it exactly). */
export interface PersonRecord {
  id: number;
  name: string | null;
  hidden: boolean;
  coverFaceId: number | null;
  createdAt: number;
  updatedAt: number;
}

/** An assignments row as stored. */
export interface AssignmentRecord {
  faceId: number;
  personId: number;
  source: AssignmentSource;
  confidence: number | null;
  assignedAt: number;
}

/** A constraints row as stored: the raw columns, so one shape covers all three forms. */
export interface ConstraintRecord {
  id: number;
  kind: ConstraintKind;
  faceA: number | null;
  faceB: number | null;
  personId: number | null;
  otherPersonId: number | null;
  correctionId: number | null;
  createdAt: number;
}

/** The pair a constraint is about, as stored (face_a < face_b, person_id < other_person_id). */
export type ConstraintKey = Pick<ConstraintRecord, 'faceA' | 'faceB' | 'personId' | 'otherPersonId'>;

export type CorrectionState = 'done' | 'undone';

/** A corrections (undo log) row; payload and undo are parsed JSON, checked by their owner. */
export interface CorrectionRecord {
  id: number;
  op: string;
  payload: unknown;
  undo: unknown;
  state: CorrectionState;
  createdAt: number;
}

interface PersonRecordRow extends Omit<PersonRecord, 'hidden'> {
  hidden: number;
}

interface CorrectionRow extends Omit<CorrectionRecord, 'payload' | 'undo'> {
  payload: string;
  undo: string;
}

interface PersonRow {
  id: number;
  name: string | null;
  hidden: number;
  coverFaceId: number | null;
  faceCount: number;
  photoCount: number;
}

/** A face with its photo and box, as the face listings select it. */
interface FaceOnPhotoRow {
  faceId: number;
  photoId: number;
  path: string;
  photoStatus: PhotoStatus;
  x: number;
  y: number;
  w: number;
  h: number;
}

interface PersonFaceRow extends FaceOnPhotoRow {
  personId: number;
  source: AssignmentSource;
  confidence: number | null;
}

interface ScanJobRow extends Omit<ScanJob, 'roots'> {
  roots: string;
}

const SCAN_JOB_COLUMNS = `id, roots, state, pid, discovered, analyzed, unchanged, moved, skipped, missing,
  faces, error, started_at AS startedAt, updated_at AS updatedAt, finished_at AS finishedAt`;

const PERSON_COLUMNS = `p.id, p.name, p.hidden, p.cover_face_id AS coverFaceId,
  count(a.face_id) AS faceCount, count(DISTINCT f.photo_id) AS photoCount`;

const PERSON_FACE_SELECT = `SELECT a.person_id AS personId, f.id AS faceId, f.photo_id AS photoId, ph.path,
  ph.status AS photoStatus, f.x, f.y, f.w, f.h, a.source, a.confidence
  FROM assignments a JOIN faces f ON f.id = a.face_id JOIN photos ph ON ph.id = f.photo_id`;

function personOf(r: PersonRow): Person {
  return {
    id: r.id,
    name: r.name,
    hidden: r.hidden === 1,
    coverFaceId: r.coverFaceId,
    faceCount: r.faceCount,
    photoCount: r.photoCount,
  };
}

interface UnassignedFaceRow extends FaceOnPhotoRow {
  quality: number | null;
}

function faceOnPhotoOf(
  r: FaceOnPhotoRow,
): Pick<PersonFace, 'faceId' | 'photoId' | 'path' | 'photoStatus' | 'box'> {
  return {
    faceId: r.faceId,
    photoId: r.photoId,
    path: r.path,
    photoStatus: r.photoStatus,
    box: { x: r.x, y: r.y, w: r.w, h: r.h },
  };
}

function personFaceOf(r: PersonFaceRow): PersonFace {
  return { ...faceOnPhotoOf(r), source: r.source, confidence: r.confidence };
}

function scanJobOf(r: ScanJobRow): ScanJob {
  return { ...r, roots: JSON.parse(r.roots) as string[] };
}

const EMBEDDING_WHERE = `FROM faces f JOIN photos p ON p.id = f.photo_id
  WHERE f.embedder_id = @embedderId AND f.embedding IS NOT NULL AND f.q_overall >= @minQuality
    AND (@includeMissing OR p.status <> 'missing')`;

const PERSON_RECORD_COLUMNS = `id, name, hidden, cover_face_id AS coverFaceId, created_at AS createdAt,
  updated_at AS updatedAt`;
const ASSIGNMENT_RECORD_COLUMNS = `face_id AS faceId, person_id AS personId, source, confidence,
  assigned_at AS assignedAt`;
const CONSTRAINT_RECORD_COLUMNS = `id, kind, face_a AS faceA, face_b AS faceB, person_id AS personId,
  other_person_id AS otherPersonId, correction_id AS correctionId, created_at AS createdAt`;
const CORRECTION_COLUMNS = 'id, op, payload, undo, state, created_at AS createdAt';

function personRecordOf(r: PersonRecordRow): PersonRecord {
  return { ...r, hidden: r.hidden === 1 };
}

function correctionOf(r: CorrectionRow): CorrectionRecord {
  return { ...r, payload: JSON.parse(r.payload) as unknown, undo: JSON.parse(r.undo) as unknown };
}

/** The reader's queries; exported so tests can check their plans with EXPLAIN QUERY PLAN. */
export const READ_SQL = {
  photoById: `SELECT ${PHOTO_COLUMNS} FROM photos WHERE id = ?`,
  photoByPath: `SELECT ${PHOTO_COLUMNS} FROM photos WHERE path = ?`,
  photosByHash: `SELECT ${PHOTO_COLUMNS} FROM photos WHERE content_hash = ? ORDER BY id`,
  photosInRange: 'SELECT id, path, status FROM photos WHERE path >= ? AND path < ? ORDER BY path',
  statusCounts: 'SELECT status, count(*) AS n FROM photos GROUP BY status',
  skipped: `SELECT id, path, skip_reason AS reason, skip_detail AS detail FROM photos
    WHERE status = 'skipped' ORDER BY path`,
  facesOfPhoto: `SELECT ${FACE_COLUMNS} FROM faces WHERE photo_id = ? ORDER BY id`,
  embeddingCount: `SELECT count(*) ${EMBEDDING_WHERE}`,
  embeddings: `SELECT f.id, f.photo_id, f.q_overall, f.embedding ${EMBEDDING_WHERE} ORDER BY f.id`,
  people: `SELECT ${PERSON_COLUMNS} FROM people p
    LEFT JOIN assignments a ON a.person_id = p.id LEFT JOIN faces f ON f.id = a.face_id
    WHERE @includeHidden OR p.hidden = 0
    GROUP BY p.id ORDER BY faceCount DESC, p.id`,
  person: `SELECT ${PERSON_COLUMNS} FROM people p
    LEFT JOIN assignments a ON a.person_id = p.id LEFT JOIN faces f ON f.id = a.face_id
    WHERE p.id = ? GROUP BY p.id`,
  allPersonFaces: `${PERSON_FACE_SELECT} ORDER BY ph.path, f.id`,
  personFaces: `${PERSON_FACE_SELECT} WHERE a.person_id = ? ORDER BY ph.path, f.id`,
  scanJob: `SELECT ${SCAN_JOB_COLUMNS} FROM scan_jobs WHERE id = ?`,
  scanJobs: `SELECT ${SCAN_JOB_COLUMNS} FROM scan_jobs ORDER BY id DESC LIMIT ?`,
  scanJobsInState: `SELECT ${SCAN_JOB_COLUMNS} FROM scan_jobs WHERE state = ? ORDER BY id`,
  setting: 'SELECT value FROM settings WHERE key = ?',
  constraints: `SELECT id, kind, face_a AS faceA, face_b AS faceB, person_id AS personId,
    other_person_id AS otherPersonId FROM constraints ORDER BY id`,
  userAssignments: `SELECT face_id AS faceId, person_id AS personId FROM assignments WHERE source = 'user'
    ORDER BY face_id`,
  embedderCounts: `SELECT embedder_id AS embedderId, count(*) AS faces FROM faces
    WHERE embedder_id IS NOT NULL GROUP BY embedder_id ORDER BY faces DESC, embedder_id`,
  assignments: `SELECT face_id AS faceId, person_id AS personId, source FROM assignments ORDER BY face_id`,
  facesCreatedSince: 'SELECT id FROM faces WHERE created_at >= ? ORDER BY id',
  pipelineCounts: `SELECT pipeline_id AS pipelineId, count(*) AS photos FROM photos
    WHERE analyzed_at IS NOT NULL AND pipeline_id IS NOT NULL GROUP BY pipeline_id ORDER BY photos DESC, pipeline_id`,
  unassignedFaces: `SELECT f.id AS faceId, f.photo_id AS photoId, ph.path, ph.status AS photoStatus, f.x, f.y, f.w, f.h,
    f.q_overall AS quality
    FROM faces f JOIN photos ph ON ph.id = f.photo_id
    WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.face_id = f.id) AND ph.status <> 'missing'
    ORDER BY ph.path, f.id`,
  // ── rows as stored, for corrections and their undo ──
  personRecord: `SELECT ${PERSON_RECORD_COLUMNS} FROM people WHERE id = ?`,
  assignmentRecord: `SELECT ${ASSIGNMENT_RECORD_COLUMNS} FROM assignments WHERE face_id = ?`,
  assignmentRecordsOfPerson: `SELECT ${ASSIGNMENT_RECORD_COLUMNS} FROM assignments WHERE person_id = ?
    ORDER BY face_id`,
  hasUserFace: `SELECT 1 FROM assignments WHERE person_id = ? AND source = 'user' LIMIT 1`,
  /** The face a person is best shown by: user faces first, then quality (as writeClustering's covers). */
  bestFaceOfPerson: `SELECT a.face_id FROM assignments a JOIN faces f ON f.id = a.face_id WHERE a.person_id = ?
    ORDER BY (a.source = 'user') DESC, f.q_overall DESC, f.id LIMIT 1`,
  faceExists: 'SELECT 1 FROM faces WHERE id = ?',
  constraintFaceFace: `SELECT ${CONSTRAINT_RECORD_COLUMNS} FROM constraints WHERE face_a = ? AND face_b = ?`,
  constraintFacePerson: `SELECT ${CONSTRAINT_RECORD_COLUMNS} FROM constraints WHERE face_a = ? AND person_id = ?`,
  constraintPersonPerson: `SELECT ${CONSTRAINT_RECORD_COLUMNS} FROM constraints
    WHERE person_id = ? AND other_person_id = ?`,
  /** Face–person and person–person rows naming a person (two index searches, no OR). */
  constraintsOfPerson: `SELECT ${CONSTRAINT_RECORD_COLUMNS} FROM constraints WHERE person_id = @personId
    UNION ALL SELECT ${CONSTRAINT_RECORD_COLUMNS} FROM constraints WHERE other_person_id = @personId`,
  correction: `SELECT ${CORRECTION_COLUMNS} FROM corrections WHERE id = ?`,
  // Undone rows are always the newest (a new correction deletes them), so both ends are short walks.
  lastDoneCorrection: `SELECT ${CORRECTION_COLUMNS} FROM corrections WHERE state = 'done' ORDER BY id DESC LIMIT 1`,
  nextCorrectionAfter: `SELECT ${CORRECTION_COLUMNS} FROM corrections WHERE id > ? ORDER BY id LIMIT 1`,
  corrections: `SELECT ${CORRECTION_COLUMNS} FROM corrections ORDER BY id DESC LIMIT ?`,
  correctionsInRange: `SELECT ${CORRECTION_COLUMNS} FROM corrections WHERE id > ? AND id < ? ORDER BY id`,
} as const;

interface ConstraintRow {
  id: number;
  kind: ConstraintKind;
  faceA: number | null;
  faceB: number | null;
  personId: number | null;
  otherPersonId: number | null;
}

function constraintOf(r: ConstraintRow): Constraint {
  if (r.faceA !== null && r.faceB !== null) {
    return { id: r.id, kind: r.kind, form: 'face-face', faceA: r.faceA, faceB: r.faceB };
  }
  if (r.faceA !== null && r.personId !== null) {
    return { id: r.id, kind: r.kind, form: 'face-person', faceId: r.faceA, personId: r.personId };
  }
  // The table's CHECK allows only these three forms; person–person rows are always cannot_link.
  return {
    id: r.id,
    kind: 'cannot_link',
    form: 'person-person',
    personA: r.personId!,
    personB: r.otherPersonId!,
  };
}

export class LibraryReader {
  readonly #db: Database.Database;
  readonly #photoById;
  readonly #photoByPath;
  readonly #photosByHash;
  readonly #photosInRange;
  readonly #statusCounts;
  readonly #skipped;
  readonly #facesOfPhoto;
  readonly #embeddingCount;
  readonly #embeddings;
  readonly #people;
  readonly #person;
  readonly #allPersonFaces;
  readonly #personFaces;
  readonly #scanJob;
  readonly #scanJobs;
  readonly #scanJobsInState;
  readonly #setting;
  readonly #constraints;
  readonly #userAssignments;
  readonly #assignments;
  readonly #facesCreatedSince;
  readonly #pipelineCounts;
  readonly #embedderCounts;
  readonly #unassignedFaces;
  readonly #rec;

  constructor(db: Database.Database) {
    const q = READ_SQL;
    this.#db = db;
    this.#photoById = db.prepare<[number], PhotoRow>(q.photoById);
    this.#photoByPath = db.prepare<[string], PhotoRow>(q.photoByPath);
    this.#photosByHash = db.prepare<[string], PhotoRow>(q.photosByHash);
    this.#photosInRange = db.prepare<[string, string], Pick<Photo, 'id' | 'path' | 'status'>>(
      q.photosInRange,
    );
    this.#statusCounts = db.prepare<[], { status: PhotoStatus; n: number }>(q.statusCounts);
    this.#skipped = db.prepare<[], SkippedPhoto>(q.skipped);
    this.#facesOfPhoto = db.prepare<[number], FaceRow>(q.facesOfPhoto);
    type EmbeddingParams = { embedderId: string; minQuality: number; includeMissing: number };
    this.#embeddingCount = db.prepare<EmbeddingParams, number>(q.embeddingCount).pluck();
    this.#embeddings = db.prepare<EmbeddingParams, [number, number, number, Buffer]>(q.embeddings).raw();
    this.#people = db.prepare<{ includeHidden: number }, PersonRow>(q.people);
    this.#person = db.prepare<[number], PersonRow>(q.person);
    this.#allPersonFaces = db.prepare<[], PersonFaceRow>(q.allPersonFaces);
    this.#personFaces = db.prepare<[number], PersonFaceRow>(q.personFaces);
    this.#scanJob = db.prepare<[number], ScanJobRow>(q.scanJob);
    this.#scanJobs = db.prepare<[number], ScanJobRow>(q.scanJobs);
    this.#scanJobsInState = db.prepare<[ScanJobState], ScanJobRow>(q.scanJobsInState);
    this.#setting = db.prepare<[string], string>(q.setting).pluck();
    this.#constraints = db.prepare<[], ConstraintRow>(q.constraints);
    this.#userAssignments = db.prepare<[], { faceId: number; personId: number }>(q.userAssignments);
    this.#facesCreatedSince = db.prepare<[number], number>(q.facesCreatedSince).pluck();
    this.#pipelineCounts = db.prepare<[], { pipelineId: string; photos: number }>(q.pipelineCounts);
    this.#assignments = db.prepare<[], { faceId: number; personId: number; source: AssignmentSource }>(
      q.assignments,
    );
    this.#embedderCounts = db.prepare<[], { embedderId: string; faces: number }>(q.embedderCounts);
    this.#unassignedFaces = db.prepare<[], UnassignedFaceRow>(q.unassignedFaces);
    this.#rec = {
      person: db.prepare<[number], PersonRecordRow>(q.personRecord),
      assignment: db.prepare<[number], AssignmentRecord>(q.assignmentRecord),
      assignmentsOfPerson: db.prepare<[number], AssignmentRecord>(q.assignmentRecordsOfPerson),
      hasUserFace: db.prepare<[number], number>(q.hasUserFace).pluck(),
      bestFace: db.prepare<[number], number>(q.bestFaceOfPerson).pluck(),
      faceExists: db.prepare<[number], number>(q.faceExists).pluck(),
      faceFace: db.prepare<[number, number], ConstraintRecord>(q.constraintFaceFace),
      facePerson: db.prepare<[number, number], ConstraintRecord>(q.constraintFacePerson),
      personPerson: db.prepare<[number, number], ConstraintRecord>(q.constraintPersonPerson),
      ofPerson: db.prepare<{ personId: number }, ConstraintRecord>(q.constraintsOfPerson),
      correction: db.prepare<[number], CorrectionRow>(q.correction),
      lastDone: db.prepare<[], CorrectionRow>(q.lastDoneCorrection),
      nextAfter: db.prepare<[number], CorrectionRow>(q.nextCorrectionAfter),
      corrections: db.prepare<[number], CorrectionRow>(q.corrections),
      inRange: db.prepare<[number, number], CorrectionRow>(q.correctionsInRange),
    };
  }

  getPhoto(id: number): Photo | undefined {
    return this.#photoById.get(id);
  }

  getPhotoByPath(path: string): Photo | undefined {
    return this.#photoByPath.get(path);
  }

  /** Photos with this content (copies, or the old row of a moved file). */
  findPhotosByHash(contentHash: string): Photo[] {
    return this.#photosByHash.all(contentHash);
  }

  /** Photos whose path starts with `dirPrefix` (pass it with a trailing separator). */
  listPhotosUnder(dirPrefix: string): Array<Pick<Photo, 'id' | 'path' | 'status'>> {
    return this.#photosInRange.all(dirPrefix, prefixEnd(dirPrefix));
  }

  countPhotosByStatus(): Record<PhotoStatus, number> {
    const counts: Record<PhotoStatus, number> = { pending: 0, analyzed: 0, skipped: 0, missing: 0 };
    for (const { status, n } of this.#statusCounts.all()) counts[status] = n;
    return counts;
  }

  listSkippedPhotos(): SkippedPhoto[] {
    return this.#skipped.all();
  }

  listFaces(photoId: number): Face[] {
    return this.#facesOfPhoto.all(photoId).map(faceOf);
  }

  /**
   * All embeddings of one embedder as one contiguous matrix, in face-id order. Faces of missing photos
   * are left out unless asked for; `minQuality` filters on the combined quality score.
   */
  embeddings(
    embedderId: string,
    options: { minQuality?: number; includeMissing?: boolean } = {},
  ): EmbeddingMatrix {
    const params = {
      embedderId,
      minQuality: options.minQuality ?? 0,
      includeMissing: options.includeMissing ? 1 : 0,
    };
    // Count and rows must come from one snapshot, or a concurrent scan could overflow the buffer.
    return this.#db.transaction(() => {
      const count = this.#embeddingCount.get(params) ?? 0;
      const faceIds = new Int32Array(count);
      const photoIds = new Int32Array(count);
      const quality = new Float32Array(count);
      let dim = 0;
      let data = new Float32Array(0);
      let i = 0;
      for (const [faceId, photoId, q, blob] of this.#embeddings.iterate(params)) {
        const v = float32Of(blob);
        if (i === 0) {
          dim = v.length;
          data = new Float32Array(count * dim);
        } else if (v.length !== dim) {
          throw new Error(`face ${faceId}: embedding has ${v.length} dims, expected ${dim} (${embedderId})`);
        }
        data.set(v, i * dim);
        faceIds[i] = faceId;
        photoIds[i] = photoId;
        quality[i] = q;
        i++;
      }
      const d = dim;
      const buf = data;
      return {
        embedderId,
        dim,
        count,
        faceIds,
        photoIds,
        quality,
        data,
        row: (k: number) => buf.subarray(k * d, (k + 1) * d),
      };
    })();
  }

  /** People, largest first, with their face and photo counts. Hidden people only when asked. */
  listPeople(options: { includeHidden?: boolean } = {}): Person[] {
    return this.#people.all({ includeHidden: options.includeHidden ? 1 : 0 }).map(personOf);
  }

  /** People with every face and its photo path (for `kith people --json` and exports). */
  listPeopleWithFaces(options: { includeHidden?: boolean } = {}): PersonWithFaces[] {
    const people = this.#db.transaction(() => ({
      people: this.listPeople(options),
      faces: this.#allPersonFaces.all(),
    }))();
    const byPerson = new Map<number, PersonWithFaces>();
    const out = people.people.map((p) => {
      const withFaces: PersonWithFaces = { ...p, faces: [] };
      byPerson.set(p.id, withFaces);
      return withFaces;
    });
    for (const r of people.faces) byPerson.get(r.personId)?.faces.push(personFaceOf(r));
    return out;
  }

  getPerson(id: number): PersonWithFaces | undefined {
    const row = this.#person.get(id);
    if (!row) return undefined;
    return { ...personOf(row), faces: this.#personFaces.all(id).map(personFaceOf) };
  }

  /** Every must-link / cannot-link the user made, for building the clusterer's constraints. */
  listConstraints(): Constraint[] {
    return this.#constraints.all().map(constraintOf);
  }

  /** Faces the user put in a person (they must stay there through re-clustering). */
  listUserAssignments(): Array<{ faceId: number; personId: number }> {
    return this.#userAssignments.all();
  }

  /** Every face → person assignment, automatic and user (re-clustering matches clusters to people by it). */
  listAssignments(): Array<{ faceId: number; personId: number; source: AssignmentSource }> {
    return this.#assignments.all();
  }

  /** Ids of the faces stored at or after `ms` (epoch milliseconds). */
  listFaceIdsCreatedSince(ms: number): number[] {
    return this.#facesCreatedSince.all(ms);
  }

  /** Pipelines that analysed this library's photos, most photos first. */
  pipelineCounts(): Array<{ pipelineId: string; photos: number }> {
    return this.#pipelineCounts.all();
  }

  /** Embedders with faces in this library, most faces first (the first is the one people use). */
  embedderCounts(): Array<{ embedderId: string; faces: number }> {
    return this.#embedderCounts.all();
  }

  /** Faces in no person (too lonely, too poor, or rejected), on photos still present. */
  listUnassignedFaces(): UnassignedFace[] {
    return this.#unassignedFaces.all().map((r) => ({ ...faceOnPhotoOf(r), quality: r.quality }));
  }

  // ── rows as stored (corrections and undo) ───────────────────────────────────────────────────

  getPersonRecord(id: number): PersonRecord | undefined {
    const r = this.#rec.person.get(id);
    return r && personRecordOf(r);
  }

  getAssignment(faceId: number): AssignmentRecord | undefined {
    return this.#rec.assignment.get(faceId);
  }

  listAssignmentsOfPerson(personId: number): AssignmentRecord[] {
    return this.#rec.assignmentsOfPerson.all(personId);
  }

  hasUserFace(personId: number): boolean {
    return this.#rec.hasUserFace.get(personId) !== undefined;
  }

  /** The face a person is best shown by (user faces first, then quality), if it has any. */
  bestFaceOf(personId: number): number | undefined {
    return this.#rec.bestFace.get(personId);
  }

  faceExists(id: number): boolean {
    return this.#rec.faceExists.get(id) !== undefined;
  }

  /** The constraint stored for a pair (face–face, face–person or person–person), pair order as stored. */
  getConstraintAt(key: ConstraintKey): ConstraintRecord | undefined {
    if (key.faceA !== null && key.faceB !== null) return this.#rec.faceFace.get(key.faceA, key.faceB);
    if (key.faceA !== null && key.personId !== null) return this.#rec.facePerson.get(key.faceA, key.personId);
    if (key.personId !== null && key.otherPersonId !== null) {
      return this.#rec.personPerson.get(key.personId, key.otherPersonId);
    }
    return undefined;
  }

  /** Face–person and person–person constraints that name this person. */
  listConstraintsOfPerson(personId: number): ConstraintRecord[] {
    return this.#rec.ofPerson.all({ personId });
  }

  getCorrection(id: number): CorrectionRecord | undefined {
    const r = this.#rec.correction.get(id);
    return r && correctionOf(r);
  }

  /** The correction undo would revert: the newest one in state 'done'. */
  lastDoneCorrection(): CorrectionRecord | undefined {
    const r = this.#rec.lastDone.get();
    return r && correctionOf(r);
  }

  /** The first correction after `id` (0 = the first of all); redo takes the one after the last done. */
  correctionAfter(id: number): CorrectionRecord | undefined {
    const r = this.#rec.nextAfter.get(id);
    return r && correctionOf(r);
  }

  /** Newest first. */
  listCorrections(limit = 50): CorrectionRecord[] {
    return this.#rec.corrections.all(limit).map(correctionOf);
  }

  /** Corrections with after < id < before, oldest first. */
  listCorrectionsBetween(after: number, before: number): CorrectionRecord[] {
    return this.#rec.inRange.all(after, before).map(correctionOf);
  }

  getScanJob(id: number): ScanJob | undefined {
    const r = this.#scanJob.get(id);
    return r && scanJobOf(r);
  }

  /** Newest first. */
  listScanJobs(limit = 20): ScanJob[] {
    return this.#scanJobs.all(limit).map(scanJobOf);
  }

  listScanJobsInState(state: ScanJobState): ScanJob[] {
    return this.#scanJobsInState.all(state).map(scanJobOf);
  }

  /** The stored JSON value, parsed; the caller validates its shape. */
  getSetting(key: string): unknown {
    const v = this.#setting.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as unknown);
  }
}
