// Read-only queries. A LibraryReader has no method that writes, so a write through it does not compile.
// It composes one statement set per aggregate (read/*.ts); the SQL is in read/sql.ts.
import type Database from 'better-sqlite3';
import { ConstraintReads } from './read/constraints.ts';
import { CorrectionReads } from './read/corrections.ts';
import { type FaceLookup, FaceReads } from './read/faces.ts';
import { PeopleReads, type SuggestionRow } from './read/people.ts';
import { type PhotoFaceRow, type PhotoListing, PhotoReads } from './read/photos.ts';
import type {
  AssignmentRecord,
  ConstraintKey,
  ConstraintRecord,
  CorrectionRecord,
  PersonRecord,
} from './read/records.ts';
import { ScanJobReads, SettingReads } from './read/scan-jobs.ts';
import type {
  AssignmentSource,
  Constraint,
  EmbeddingMatrix,
  Face,
  Person,
  PersonWithFaces,
  Photo,
  PhotoStatus,
  ScanJob,
  ScanJobState,
  SkippedPhoto,
  UnassignedFace,
} from './types.ts';

export type { FaceLookup } from './read/faces.ts';
export type { SuggestionRow } from './read/people.ts';
export type { PhotoFaceRow, PhotoListing } from './read/photos.ts';
export type * from './read/records.ts';
export { READ_SQL } from './read/sql.ts';

export class LibraryReader {
  readonly #photos: PhotoReads;
  readonly #faces: FaceReads;
  readonly #people: PeopleReads;
  readonly #constraints: ConstraintReads;
  readonly #corrections: CorrectionReads;
  readonly #scanJobs: ScanJobReads;
  readonly #settings: SettingReads;

  constructor(db: Database.Database) {
    this.#photos = new PhotoReads(db);
    this.#faces = new FaceReads(db);
    this.#people = new PeopleReads(db);
    this.#constraints = new ConstraintReads(db);
    this.#corrections = new CorrectionReads(db);
    this.#scanJobs = new ScanJobReads(db);
    this.#settings = new SettingReads(db);
  }

  // ── photos ──────────────────────────────────────────────────────────────────────────────────

  getPhoto(id: number): Photo | undefined {
    return this.#photos.byId(id);
  }

  getPhotoByPath(path: string): Photo | undefined {
    return this.#photos.byPath(path);
  }

  /** Photos with this content (copies, or the old row of a moved file). */
  findPhotosByHash(contentHash: string): Photo[] {
    return this.#photos.byHash(contentHash);
  }

  /** Photos whose path starts with `dirPrefix` (pass it with a trailing separator). */
  listPhotosUnder(dirPrefix: string): Array<Pick<Photo, 'id' | 'path' | 'status'>> {
    return this.#photos.under(dirPrefix);
  }

  countPhotosByStatus(): Record<PhotoStatus, number> {
    return this.#photos.countByStatus();
  }

  listSkippedPhotos(): SkippedPhoto[] {
    return this.#photos.skipped();
  }

  /** One photo as the photo grids list it, with the date they show (see TAKEN_AT in read/sql.ts). */
  getPhotoListing(photoId: number): PhotoListing | undefined {
    return this.#photos.listing(photoId);
  }

  /** A photo's faces with the person each is in, left to right (the photo viewer). */
  listPhotoFaces(photoId: number): PhotoFaceRow[] {
    return this.#photos.faces(photoId);
  }

  /** Analyzed photos showing all of `personIds` (every analyzed photo when empty), by date, one page. */
  listPhotosWithAll(
    personIds: readonly number[],
    limit: number,
    offset: number,
  ): { total: number; rows: PhotoListing[] } {
    return this.#photos.withAll(personIds, limit, offset);
  }

  // ── faces ───────────────────────────────────────────────────────────────────────────────────

  listFaces(photoId: number): Face[] {
    return this.#faces.ofPhoto(photoId);
  }

  /** One face with its photo's path, status, size and mtime (face thumbnails). */
  getFaceOnPhoto(faceId: number): FaceLookup | undefined {
    return this.#faces.onPhoto(faceId);
  }

  faceExists(id: number): boolean {
    return this.#faces.exists(id);
  }

  /**
   * All embeddings of one embedder as one contiguous matrix, in face-id order. Faces of missing photos
   * are left out unless asked for; `minQuality` filters on the combined quality score.
   */
  embeddings(
    embedderId: string,
    options: { minQuality?: number; includeMissing?: boolean } = {},
  ): EmbeddingMatrix {
    return this.#faces.embeddings(embedderId, options);
  }

  /** Ids of the faces stored at or after `ms` (epoch milliseconds). */
  listFaceIdsCreatedSince(ms: number): number[] {
    return this.#faces.createdSince(ms);
  }

  /** When the newest face was stored (epoch milliseconds), or null with no face. */
  lastFaceCreatedAt(): number | null {
    return this.#faces.lastCreatedAt();
  }

  /** Pipelines that analysed this library's photos, most photos first. */
  pipelineCounts(): Array<{ pipelineId: string; photos: number }> {
    return this.#faces.pipelineCounts();
  }

  /** Embedders with faces in this library, most faces first (the first is the one people use). */
  embedderCounts(): Array<{ embedderId: string; faces: number }> {
    return this.#faces.embedderCounts();
  }

  /** Faces in no person (too lonely, too poor, or rejected), on photos still present. */
  listUnassignedFaces(): UnassignedFace[] {
    return this.#faces.unassigned();
  }

  /** How many faces listUnassignedFaces would list, without reading them. */
  countUnassignedFaces(): number {
    return this.#faces.unassignedCount();
  }

  // ── people and assignments ──────────────────────────────────────────────────────────────────

  /** People, largest first, with their face and photo counts. Hidden people only when asked. */
  listPeople(options: { includeHidden?: boolean } = {}): Person[] {
    return this.#people.list(options.includeHidden ?? false);
  }

  /** People with every face and its photo path (for `kith people --json` and exports). */
  listPeopleWithFaces(options: { includeHidden?: boolean } = {}): PersonWithFaces[] {
    return this.#people.listWithFaces(options.includeHidden ?? false);
  }

  getPerson(id: number): PersonWithFaces | undefined {
    return this.#people.withFaces(id);
  }

  /** One person with counts, without faces (the People grid's row). */
  getPersonSummary(id: number): Person | undefined {
    return this.#people.summary(id);
  }

  /** Photos with at least one of the person's faces, in no order. */
  listPersonPhotos(personId: number): PhotoListing[] {
    return this.#people.photos(personId);
  }

  /** Faces the user put in a person (they must stay there through re-clustering). */
  listUserAssignments(): Array<{ faceId: number; personId: number }> {
    return this.#people.userAssignments();
  }

  /** Every face → person assignment, automatic and user (re-clustering matches clusters to people by it). */
  listAssignments(): Array<{ faceId: number; personId: number; source: AssignmentSource }> {
    return this.#people.assignments();
  }

  /** Low-confidence auto assignments, lowest first: one person's, or every visible person's. */
  listSuggestions(personId: number | undefined, maxConfidence: number, limit: number): SuggestionRow[] {
    return this.#people.suggestions(personId, maxConfidence, limit);
  }

  // ── constraints ─────────────────────────────────────────────────────────────────────────────

  /** Every must-link / cannot-link the user made, for building the clusterer's constraints. */
  listConstraints(): Constraint[] {
    return this.#constraints.all();
  }

  // ── rows as stored (corrections and undo) ───────────────────────────────────────────────────

  getPersonRecord(id: number): PersonRecord | undefined {
    return this.#people.record(id);
  }

  getAssignment(faceId: number): AssignmentRecord | undefined {
    return this.#people.assignment(faceId);
  }

  listAssignmentsOfPerson(personId: number): AssignmentRecord[] {
    return this.#people.assignmentsOf(personId);
  }

  hasUserFace(personId: number): boolean {
    return this.#people.hasUserFace(personId);
  }

  /** The face a person is best shown by (user faces first, then quality), if it has any. */
  bestFaceOf(personId: number): number | undefined {
    return this.#people.bestFaceOf(personId);
  }

  /** The constraint stored for a pair (face–face, face–person or person–person), pair order as stored. */
  getConstraintAt(key: ConstraintKey): ConstraintRecord | undefined {
    return this.#constraints.at(key);
  }

  /** Face–person and person–person constraints that name this person. */
  listConstraintsOfPerson(personId: number): ConstraintRecord[] {
    return this.#constraints.ofPerson(personId);
  }

  getCorrection(id: number): CorrectionRecord | undefined {
    return this.#corrections.byId(id);
  }

  /** The correction undo would revert: the newest one in state 'done'. */
  lastDoneCorrection(): CorrectionRecord | undefined {
    return this.#corrections.lastDone();
  }

  /** The first correction after `id` (0 = the first of all); redo takes the one after the last done. */
  correctionAfter(id: number): CorrectionRecord | undefined {
    return this.#corrections.after(id);
  }

  /** Newest first. */
  listCorrections(limit = 50): CorrectionRecord[] {
    return this.#corrections.newest(limit);
  }

  /** Corrections with after < id < before, oldest first. */
  listCorrectionsBetween(after: number, before: number): CorrectionRecord[] {
    return this.#corrections.between(after, before);
  }

  // ── scan jobs and settings ──────────────────────────────────────────────────────────────────

  getScanJob(id: number): ScanJob | undefined {
    return this.#scanJobs.byId(id);
  }

  /** Newest first. */
  listScanJobs(limit = 20): ScanJob[] {
    return this.#scanJobs.newest(limit);
  }

  listScanJobsInState(state: ScanJobState): ScanJob[] {
    return this.#scanJobs.inState(state);
  }

  /** The stored JSON value, parsed; the caller validates its shape. */
  getSetting(key: string): unknown {
    return this.#settings.get(key);
  }
}
