// Writes. Every multi-row change runs in one transaction, so a crash leaves either all of it or none.
// LibraryWriter composes one statement set per aggregate (write/*.ts) and keeps the operations that
// span several of them (analysis with carry-over, clustering) atomic.
import type Database from 'better-sqlite3';
import { matchByIou } from '../../../ml/geometry/box.ts';
import type { Box } from '../../../ml/types.ts';
import { sameFaceAsDrawn } from '../../shared/drawn-face.ts';
import type {
  AssignmentRecord,
  ConstraintKey,
  ConstraintRecord,
  CorrectionState,
  PersonRecord,
} from './reader.ts';
import type {
  AnalysisInput,
  AssignmentSource,
  ClusterInput,
  ClusteringWriteResult,
  FileStat,
  PhotoSkipReason,
  ScanCounts,
  ScanJobState,
} from './types.ts';
import { ClusteringWrites } from './write/clustering.ts';
import { type ConstraintInput, ConstraintWrites } from './write/constraints.ts';
import { CorrectionWrites } from './write/corrections.ts';
import { FaceWrites, type ManualFaceInput } from './write/faces.ts';
import { PeopleWrites } from './write/people.ts';
import { PhotoWrites } from './write/photos.ts';
import { ScanJobWrites } from './write/scan-jobs.ts';
import { SettingWrites } from './write/settings.ts';

export type { ConstraintInput } from './write/constraints.ts';
export type { ManualFaceInput } from './write/faces.ts';
export { ScanAlreadyRunningError } from './write/scan-jobs.ts';
export { WRITE_SQL } from './write/sql.ts';

/** Faces of the old and new analysis overlapping at least this much are the same face (see carry-over). */
const CARRY_OVER_IOU = 0.5;

// The rule lives in shared code: the photo viewer applies it while the user draws.
export { sameFaceAsDrawn };

/** Greedy one-to-one matching of old to new faces by box overlap, best pairs first. */
function matchFaces(
  oldFaces: ReadonlyArray<{ id: number } & Box>,
  newFaces: ReadonlyArray<{ id: number; box: Box }>,
): Array<[oldId: number, newId: number]> {
  return matchByIou(
    oldFaces,
    newFaces.map((n) => n.box),
    CARRY_OVER_IOU,
  ).map(([i, j]) => [oldFaces[i]!.id, newFaces[j]!.id]);
}

export class LibraryWriter {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #photos: PhotoWrites;
  readonly #faces: FaceWrites;
  readonly #people: PeopleWrites;
  readonly #clustering: ClusteringWrites;
  readonly #constraints: ConstraintWrites;
  readonly #corrections: CorrectionWrites;
  readonly #scanJobs: ScanJobWrites;
  readonly #settings: SettingWrites;

  constructor(db: Database.Database, options: { now?: () => number } = {}) {
    this.#db = db;
    const now = options.now ?? Date.now;
    this.#now = now;
    this.#photos = new PhotoWrites(db, now);
    this.#faces = new FaceWrites(db, now);
    this.#people = new PeopleWrites(db, now);
    this.#clustering = new ClusteringWrites(db, this.#people);
    this.#constraints = new ConstraintWrites(db, now);
    this.#corrections = new CorrectionWrites(db, now);
    this.#scanJobs = new ScanJobWrites(db, now);
    this.#settings = new SettingWrites(db, now);
  }

  /** Runs `fn` in one transaction (a savepoint when nested). */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  /**
   * Like transaction, but takes the write lock before the first read: a read-check-write sequence
   * (a correction) then never fails half way because another connection wrote in between.
   */
  immediateTransaction<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  // ── photos ──────────────────────────────────────────────────────────────────────────────────

  /** Inserts a photo as 'pending' or updates the stat of the row at that path; returns its id. */
  upsertPhoto(file: FileStat): number {
    return this.#photos.upsert(file);
  }

  /**
   * Stores a photo's analysis: upserts the row and replaces its detected faces, all in one transaction
   * (see replacePhotoFaces).
   */
  recordAnalysis(file: FileStat, analysis: AnalysisInput): { photoId: number; faceIds: number[] } {
    return this.transaction(() => {
      const photoId = this.upsertPhoto(file);
      return { photoId, faceIds: this.replacePhotoFaces(photoId, analysis) };
    });
  }

  /**
   * Replaces the photo's detected faces and marks it 'analyzed' in one transaction: a kill at any
   * point leaves the old faces or the new ones, never half. Hand-drawn faces stay, and a detection
   * of a face the user drew (sameFaceAsDrawn) is not added: the user's box stands for it, so a
   * re-scan with a detector that now finds the face does not count it twice.
   *
   * [Note: carry-over] A re-analysed photo (file edited, or a new face model) gets new face rows. Each
   * new face overlapping an old one (IoU ≥ 0.5) inherits the old face's assignment, constraints and
   * cover role, so names and corrections survive re-analysis. Unmatched old faces are deleted.
   */
  replacePhotoFaces(photoId: number, analysis: AnalysisInput): number[] {
    return this.transaction(() => {
      const now = this.#now();
      const oldFaces = this.#faces.detectedOf(photoId);
      const manual = this.#faces.drawnOf(photoId);
      const found = analysis.faces.filter((f) => !manual.some((m) => sameFaceAsDrawn(m, f.box)));
      const inserted = found.map((f) => ({
        box: f.box,
        id: this.#faces.insertDetected(photoId, f, analysis.embedderId, now),
      }));
      for (const [oldId, newId] of matchFaces(oldFaces, inserted)) this.#faces.carryOver(oldId, newId);
      for (const o of oldFaces) this.#faces.delete(o.id);
      const { width, height, takenAt, pipelineId } = analysis;
      this.#photos.setAnalyzed({ id: photoId, width, height, takenAt, pipelineId }, now);
      return inserted.map((f) => f.id);
    });
  }

  /** Records that a file could not be analysed. Existing faces are kept: a failure never deletes data. */
  recordSkip(file: FileStat, reason: PhotoSkipReason, detail: string | null): number {
    return this.transaction(() => {
      const id = this.upsertPhoto(file);
      this.#photos.setSkipped(id, reason, detail);
      return id;
    });
  }

  /** New stat for an unchanged photo (same content); brings a 'missing' photo back. */
  refreshPhoto(id: number, file: Omit<FileStat, 'path'>): void {
    this.#photos.refresh(id, file);
  }

  /** The file moved or was renamed: same id, faces and people; new path. */
  movePhoto(id: number, file: FileStat): void {
    this.#photos.move(id, file);
  }

  /** Marks photos 'missing'; their faces and people stay. Returns how many changed. */
  markMissing(ids: readonly number[]): number {
    return this.transaction(() => this.#photos.markMissing(ids));
  }

  // ── people (primitives; the correction operations build on these) ─────────────────────────────

  createPerson(name: string | null = null): number {
    return this.#people.create(name);
  }

  renamePerson(id: number, name: string | null): void {
    this.#people.rename(id, name);
  }

  setPersonHidden(id: number, hidden: boolean): void {
    this.#people.setHidden(id, hidden);
  }

  /** Gives every person without a valid cover their best-quality face (after bulk assignment). */
  fixCovers(): void {
    this.#people.fixCovers();
  }

  assignFace(
    faceId: number,
    personId: number,
    source: AssignmentSource,
    confidence: number | null = null,
  ): void {
    this.#people.assign(faceId, personId, source, confidence);
  }

  /** Adds a constraint, normalising pair order; replaces the kind of an existing one for the same pair. */
  addConstraint(c: ConstraintInput): void {
    this.#constraints.add(c);
  }

  /**
   * Writes the result of auto-clustering in one transaction. User assignments, names, hidden flags and
   * constraints are never changed:
   * - every 'auto' assignment is replaced by the clusters' faces, except faces the user assigned and
   *   faces with a cannot-link to the cluster's person;
   * - a cluster without `personId` keeps the person most of its faces had (by user, then auto
   *   assignment), so ids, names and covers stay stable across re-clustering; otherwise a person is made;
   * - auto-made people left without faces and never touched by the user are deleted.
   */
  writeClustering(clusters: readonly ClusterInput[]): ClusteringWriteResult {
    return this.transaction(() => this.#clustering.write(clusters, this.#now()));
  }

  // ── exact rows, for corrections and their undo ─────────────────────────────────────────────────

  /**
   * Inserts a people row as given, keeping its id when that id is free; otherwise SQLite picks one.
   * Returns the id the row got (undo uses it to re-map references to a person whose id was re-used).
   */
  insertPersonRecord(p: PersonRecord): number {
    return this.#people.insertRecord(p);
  }

  /** Creates an unnamed person, with id `id` when that is free (redo re-makes the person it made). */
  createPersonPreferring(id: number): number {
    const now = this.#now();
    return this.insertPersonRecord({
      id,
      name: null,
      hidden: false,
      coverFaceId: null,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Overwrites every column of an existing people row (undo). */
  updatePersonRecord(p: PersonRecord): void {
    this.#people.updateRecord(p);
  }

  setPersonCover(id: number, faceId: number | null): void {
    this.#people.setCover(id, faceId);
  }

  /** Deletes a person; its assignments must be gone first (no cascade on purpose). */
  deletePerson(id: number): void {
    this.#people.delete(id);
  }

  /** Inserts or overwrites a face's assignment with exactly these columns. */
  putAssignmentRecord(a: AssignmentRecord): void {
    this.#people.putAssignmentRecord(a);
  }

  unassignFace(faceId: number): void {
    this.#people.unassignFace(faceId);
  }

  /** Drops every assignment to a person; returns how many. */
  unassignPerson(personId: number): number {
    return this.#people.unassignPerson(personId);
  }

  /**
   * Sets the constraint for a pair (given in stored order, see ConstraintKey) to `kind`, owned by
   * `correctionId`: one row per pair, so an existing row is replaced (the newest intent wins).
   */
  putConstraintAt(key: ConstraintKey, kind: ConstraintRecord['kind'], correctionId: number | null): void {
    this.#constraints.putAt(key, kind, correctionId);
  }

  /** Inserts a constraints row as given, keeping its id when free. Returns the id it got. */
  insertConstraintRecord(c: ConstraintRecord): number {
    return this.#constraints.insertRecord(c);
  }

  /** Deletes the constraint stored for a pair, if any. */
  deleteConstraintAt(key: ConstraintKey): void {
    this.#constraints.deleteAt(key);
  }

  // ── corrections log ─────────────────────────────────────────────────────────────────────────

  /** Appends a correction in state 'done'; returns its id. */
  insertCorrection(op: string, payload: unknown, undo: unknown): number {
    return this.#corrections.insert(op, payload, undo);
  }

  updateCorrection(id: number, payload: unknown, undo: unknown, state: CorrectionState): void {
    this.#corrections.update(id, payload, undo, state);
  }

  /** Discards the redo stack; returns how many corrections it held. */
  deleteUndoneCorrections(): number {
    return this.#corrections.deleteUndone();
  }

  // ── scan jobs ───────────────────────────────────────────────────────────────────────────────

  /** Marks 'running'/'paused' jobs whose process is gone as 'interrupted'; returns how many. */
  interruptStaleScanJobs(isLive: (job: { id: number; pid: number | null }) => boolean): number {
    return this.#scanJobs.interruptStale(isLive);
  }

  /**
   * Starts a scan job. Jobs left 'running'/'paused' by processes that are gone become 'interrupted';
   * a job of a live process throws ScanAlreadyRunningError. Check and insert share one write lock.
   */
  beginScanJob(
    roots: readonly string[],
    pid: number,
    isLive: (job: { id: number; pid: number | null }) => boolean,
  ): number {
    return this.#scanJobs.begin(roots, pid, isLive);
  }

  updateScanJob(id: number, state: ScanJobState, counts: ScanCounts, error: string | null = null): void {
    this.#scanJobs.update(id, state, counts, error);
  }

  // ── settings and models ─────────────────────────────────────────────────────────────────────

  setSetting(key: string, value: unknown): void {
    this.#settings.set(key, value);
  }

  upsertModel(model: { id: string; sha256: string; file: string }): void {
    this.#settings.upsertModel(model);
  }

  // ── hand-drawn faces ────────────────────────────────────────────────────────────────────────

  /**
   * Inserts a face the user drew (source 'manual': re-analysis keeps it), as `preferredId` when that
   * id is free (redo of its correction, so later log rows still name it). Returns its id.
   */
  insertManualFace(f: ManualFaceInput, preferredId?: number): number {
    return this.#faces.insertManual(f, preferredId);
  }

  /** Deletes a face; its assignment and constraints go with it (ON DELETE CASCADE). */
  deleteFace(id: number): void {
    this.#faces.delete(id);
  }
}
