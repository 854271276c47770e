// Writes. Every multi-row change runs in one transaction, so a crash leaves either all of it or none.
import type Database from 'better-sqlite3';
import { matchByIou } from '../../../ml/geometry/box.ts';
import type { Box, FaceQuality, Landmarks5 } from '../../../ml/types.ts';
import { sameFaceAsDrawn } from '../../shared/drawn-face.ts';
import { blobOf } from './blobs.ts';
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

/** Another live process is scanning this library. */
export class ScanAlreadyRunningError extends Error {
  readonly jobId: number;
  constructor(job: { id: number; pid: number | null }) {
    super(`scan job ${job.id} is still running (pid ${job.pid}); wait for it or cancel it`);
    this.name = 'ScanAlreadyRunningError';
    this.jobId = job.id;
  }
}

export type ConstraintInput =
  | { kind: 'must_link' | 'cannot_link'; faceA: number; faceB: number }
  | { kind: 'must_link' | 'cannot_link'; faceId: number; personId: number }
  | { kind: 'cannot_link'; personA: number; personB: number };

/** Faces of the old and new analysis overlapping at least this much are the same face (see carry-over). */
const CARRY_OVER_IOU = 0.5;

// A photo that comes back from 'missing' gets the status its other columns imply.
const RESTORED_STATUS = `CASE WHEN status <> 'missing' THEN status
  WHEN skip_reason IS NOT NULL THEN 'skipped' WHEN analyzed_at IS NOT NULL THEN 'analyzed' ELSE 'pending' END`;

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

/** Writer queries whose plans matter at scale; exported for the EXPLAIN QUERY PLAN tests. */
export const WRITE_SQL = {
  oldFaces: `SELECT id, x, y, w, h FROM faces WHERE photo_id = ? AND source = 'detected'`,
  manualFaces: `SELECT id, x, y, w, h FROM faces WHERE photo_id = ? AND source = 'manual'`,
  cannotLink: `SELECT 1 FROM constraints WHERE kind = 'cannot_link' AND face_a = ? AND person_id = ?`,
  activeJobs: `SELECT id, pid FROM scan_jobs WHERE state IN ('running', 'paused')`,
} as const;

export class LibraryWriter {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #upsertPhoto;
  readonly #setAnalyzed;
  readonly #setSkipped;
  readonly #refreshPhoto;
  readonly #movePhoto;
  readonly #markMissing;
  readonly #oldFaces;
  readonly #manualFaces;
  readonly #insertFace;
  readonly #deleteFace;
  readonly #repointAssignment;
  readonly #repointFaceA;
  readonly #repointFaceB;
  readonly #repointCover;
  readonly #insertPerson;
  readonly #renamePerson;
  readonly #setHidden;
  readonly #assign;
  readonly #insertConstraint;
  readonly #autoAssignments;
  readonly #userAssignedPersons;
  readonly #personExists;
  readonly #deleteAutoAssignments;
  readonly #insertAuto;
  readonly #cannotLink;
  readonly #deleteEmptyPeople;
  readonly #fixCovers;
  readonly #activeJobs;
  readonly #setJobState;
  readonly #insertJob;
  readonly #updateJob;
  readonly #setSetting;
  readonly #upsertModel;
  readonly #fix;

  constructor(db: Database.Database, options: { now?: () => number } = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#upsertPhoto = db
      .prepare<
        { path: string; size: number; mtimeMs: number; contentHash: string | null; now: number },
        number
      >(
        `INSERT INTO photos (path, size, mtime_ms, content_hash, status, created_at, updated_at)
         VALUES (@path, @size, @mtimeMs, @contentHash, 'pending', @now, @now)
         ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,
           content_hash = excluded.content_hash, updated_at = excluded.updated_at
         RETURNING id`,
      )
      .pluck();
    this.#setAnalyzed = db.prepare<{
      id: number;
      width: number;
      height: number;
      takenAt: string | null;
      pipelineId: string;
      now: number;
    }>(
      `UPDATE photos SET status = 'analyzed', width = @width, height = @height, taken_at = @takenAt,
         pipeline_id = @pipelineId, analyzed_at = @now, skip_reason = NULL, skip_detail = NULL,
         updated_at = @now
       WHERE id = @id`,
    );
    this.#setSkipped = db.prepare<{ id: number; reason: string; detail: string | null; now: number }>(
      `UPDATE photos SET status = 'skipped', skip_reason = @reason, skip_detail = @detail, updated_at = @now
       WHERE id = @id`,
    );
    this.#refreshPhoto = db.prepare<{
      id: number;
      size: number;
      mtimeMs: number;
      contentHash: string | null;
      now: number;
    }>(
      `UPDATE photos SET size = @size, mtime_ms = @mtimeMs, content_hash = @contentHash,
         status = ${RESTORED_STATUS}, updated_at = @now
       WHERE id = @id`,
    );
    this.#movePhoto = db.prepare<{
      id: number;
      path: string;
      size: number;
      mtimeMs: number;
      contentHash: string | null;
      now: number;
    }>(
      `UPDATE photos SET path = @path, size = @size, mtime_ms = @mtimeMs, content_hash = @contentHash,
         status = ${RESTORED_STATUS}, updated_at = @now
       WHERE id = @id`,
    );
    this.#markMissing = db.prepare<[number, number]>(
      `UPDATE photos SET status = 'missing', updated_at = ? WHERE id = ? AND status <> 'missing'`,
    );
    this.#oldFaces = db.prepare<[number], { id: number } & Box>(WRITE_SQL.oldFaces);
    this.#manualFaces = db.prepare<[number], { id: number } & Box>(WRITE_SQL.manualFaces);
    this.#insertFace = db
      .prepare<
        {
          photoId: number;
          x: number;
          y: number;
          w: number;
          h: number;
          landmarks: string;
          detScore: number;
          qSize: number;
          qSharpness: number;
          qFrontal: number;
          qOverall: number;
          embedding: Buffer;
          embeddingQ: Buffer;
          embedderId: string;
          now: number;
        },
        number
      >(
        `INSERT INTO faces (photo_id, source, x, y, w, h, landmarks, det_score, q_size, q_sharpness,
           q_frontal, q_overall, embedding, embedding_q, embedder_id, created_at)
         VALUES (@photoId, 'detected', @x, @y, @w, @h, @landmarks, @detScore, @qSize, @qSharpness,
           @qFrontal, @qOverall, @embedding, @embeddingQ, @embedderId, @now)
         RETURNING id`,
      )
      .pluck();
    this.#deleteFace = db.prepare<[number]>('DELETE FROM faces WHERE id = ?');
    this.#repointAssignment = db.prepare<[number, number]>(
      'UPDATE assignments SET face_id = ? WHERE face_id = ?',
    );
    // Face–face rows keep face_a < face_b; SET sees the old row, so min/max reorder in one statement.
    this.#repointFaceA = db.prepare<{ old: number; new: number }>(
      `UPDATE constraints SET face_a = CASE WHEN face_b IS NULL THEN @new ELSE min(@new, face_b) END,
         face_b = CASE WHEN face_b IS NULL THEN NULL ELSE max(@new, face_b) END
       WHERE face_a = @old`,
    );
    this.#repointFaceB = db.prepare<{ old: number; new: number }>(
      'UPDATE constraints SET face_a = min(face_a, @new), face_b = max(face_a, @new) WHERE face_b = @old',
    );
    this.#repointCover = db.prepare<[number, number]>(
      'UPDATE people SET cover_face_id = ? WHERE cover_face_id = ?',
    );
    this.#insertPerson = db
      .prepare<{ name: string | null; now: number }, number>(
        'INSERT INTO people (name, created_at, updated_at) VALUES (@name, @now, @now) RETURNING id',
      )
      .pluck();
    this.#renamePerson = db.prepare<[string | null, number, number]>(
      'UPDATE people SET name = ?, updated_at = ? WHERE id = ?',
    );
    this.#setHidden = db.prepare<[number, number, number]>(
      'UPDATE people SET hidden = ?, updated_at = ? WHERE id = ?',
    );
    this.#assign = db.prepare<{
      faceId: number;
      personId: number;
      source: AssignmentSource;
      confidence: number | null;
      now: number;
    }>(
      `INSERT INTO assignments (face_id, person_id, source, confidence, assigned_at)
       VALUES (@faceId, @personId, @source, @confidence, @now)
       ON CONFLICT (face_id) DO UPDATE SET person_id = excluded.person_id, source = excluded.source,
         confidence = excluded.confidence, assigned_at = excluded.assigned_at`,
    );
    // One upsert per constraint form: ON CONFLICT must name the partial unique index it hits.
    // A later correction on the same pair replaces the earlier kind (the user's newest intent wins).
    const constraintSql = (columns: string, target: string) =>
      `INSERT INTO constraints (kind, ${columns}, created_at) VALUES (@kind, @a, @b, @now)
       ON CONFLICT ${target} DO UPDATE SET kind = excluded.kind, created_at = excluded.created_at`;
    type ConstraintParams = { kind: string; a: number; b: number; now: number };
    this.#insertConstraint = {
      faceFace: db.prepare<ConstraintParams>(
        constraintSql('face_a, face_b', '(face_a, face_b) WHERE face_b IS NOT NULL'),
      ),
      facePerson: db.prepare<ConstraintParams>(
        constraintSql(
          'face_a, person_id',
          '(face_a, person_id) WHERE face_a IS NOT NULL AND person_id IS NOT NULL',
        ),
      ),
      personPerson: db.prepare<ConstraintParams>(
        constraintSql(
          'person_id, other_person_id',
          '(person_id, other_person_id) WHERE other_person_id IS NOT NULL',
        ),
      ),
    };
    this.#autoAssignments = db
      .prepare<[], [number, number]>(`SELECT face_id, person_id FROM assignments WHERE source = 'auto'`)
      .raw();
    this.#userAssignedPersons = db
      .prepare<[], [number, number]>(`SELECT face_id, person_id FROM assignments WHERE source = 'user'`)
      .raw();
    this.#personExists = db.prepare<[number], number>('SELECT 1 FROM people WHERE id = ?').pluck();
    this.#deleteAutoAssignments = db.prepare(`DELETE FROM assignments WHERE source = 'auto'`);
    // DO NOTHING on conflict: the only rows left after the delete above are the user's.
    this.#insertAuto = db.prepare<{ faceId: number; personId: number; confidence: number; now: number }>(
      `INSERT INTO assignments (face_id, person_id, source, confidence, assigned_at)
       VALUES (@faceId, @personId, 'auto', @confidence, @now) ON CONFLICT (face_id) DO NOTHING`,
    );
    this.#cannotLink = db.prepare<[number, number], number>(WRITE_SQL.cannotLink).pluck();
    // Auto-made people that lost all faces go; anything the user touched (name, hidden, a
    // constraint naming them) stays so that "not this person" keeps a target.
    this.#deleteEmptyPeople = db.prepare(
      `DELETE FROM people WHERE name IS NULL AND hidden = 0
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.person_id = people.id)
         AND NOT EXISTS (SELECT 1 FROM constraints c WHERE c.person_id = people.id)
         AND NOT EXISTS (SELECT 1 FROM constraints c WHERE c.other_person_id = people.id)`,
    );
    // A cover must be one of the person's faces; otherwise take their best-quality face.
    this.#fixCovers = db.prepare<[number]>(
      `UPDATE people SET updated_at = ?, cover_face_id = (
         SELECT a.face_id FROM assignments a JOIN faces f ON f.id = a.face_id
         WHERE a.person_id = people.id ORDER BY (a.source = 'user') DESC, f.q_overall DESC, f.id LIMIT 1)
       WHERE cover_face_id IS NULL OR NOT EXISTS (
         SELECT 1 FROM assignments a WHERE a.face_id = people.cover_face_id AND a.person_id = people.id)`,
    );
    this.#activeJobs = db.prepare<[], { id: number; pid: number | null }>(WRITE_SQL.activeJobs);
    this.#setJobState = db.prepare<[ScanJobState, number, number]>(
      'UPDATE scan_jobs SET state = ?, updated_at = ? WHERE id = ?',
    );
    this.#insertJob = db
      .prepare<{ roots: string; pid: number; now: number }, number>(
        `INSERT INTO scan_jobs (roots, state, pid, started_at, updated_at)
         VALUES (@roots, 'running', @pid, @now, @now) RETURNING id`,
      )
      .pluck();
    this.#updateJob = db.prepare<
      ScanCounts & { id: number; state: ScanJobState; error: string | null; now: number; finished: number }
    >(
      `UPDATE scan_jobs SET state = @state, discovered = @discovered, analyzed = @analyzed,
         unchanged = @unchanged, moved = @moved, skipped = @skipped, missing = @missing, faces = @faces,
         error = @error, updated_at = @now, finished_at = CASE WHEN @finished THEN @now END
       WHERE id = @id`,
    );
    this.#setSetting = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.#upsertModel = db.prepare<{ id: string; sha256: string; file: string; now: number }>(
      `INSERT INTO models (id, sha256, file, added_at) VALUES (@id, @sha256, @file, @now)
       ON CONFLICT (id) DO UPDATE SET sha256 = excluded.sha256, file = excluded.file`,
    );
    type PersonParams = Omit<PersonRecord, 'hidden' | 'id'> & { id: number | null; hidden: number };
    type ConstraintRowParams = Omit<ConstraintRecord, 'id'> & { id: number | null };
    // Exact-row statements for corrections and their undo (see core/people/corrections.ts).
    this.#fix = {
      idTaken: {
        person: db.prepare<[number], number>('SELECT 1 FROM people WHERE id = ?').pluck(),
        constraint: db.prepare<[number], number>('SELECT 1 FROM constraints WHERE id = ?').pluck(),
      },
      insertPerson: db
        .prepare<PersonParams, number>(
          `INSERT INTO people (id, name, hidden, cover_face_id, created_at, updated_at)
           VALUES (@id, @name, @hidden, @coverFaceId, @createdAt, @updatedAt) RETURNING id`,
        )
        .pluck(),
      updatePerson: db.prepare<PersonParams>(
        `UPDATE people SET name = @name, hidden = @hidden, cover_face_id = @coverFaceId,
           created_at = @createdAt, updated_at = @updatedAt WHERE id = @id`,
      ),
      setCover: db.prepare<[number | null, number, number]>(
        'UPDATE people SET cover_face_id = ?, updated_at = ? WHERE id = ?',
      ),
      deletePerson: db.prepare<[number]>('DELETE FROM people WHERE id = ?'),
      putAssignment: db.prepare<AssignmentRecord>(
        `INSERT INTO assignments (face_id, person_id, source, confidence, assigned_at)
         VALUES (@faceId, @personId, @source, @confidence, @assignedAt)
         ON CONFLICT (face_id) DO UPDATE SET person_id = excluded.person_id, source = excluded.source,
           confidence = excluded.confidence, assigned_at = excluded.assigned_at`,
      ),
      unassign: db.prepare<[number]>('DELETE FROM assignments WHERE face_id = ?'),
      unassignPerson: db.prepare<[number]>('DELETE FROM assignments WHERE person_id = ?'),
      insertConstraint: db
        .prepare<ConstraintRowParams, number>(
          `INSERT INTO constraints (id, kind, face_a, face_b, person_id, other_person_id, correction_id,
             created_at)
           VALUES (@id, @kind, @faceA, @faceB, @personId, @otherPersonId, @correctionId, @createdAt)
           RETURNING id`,
        )
        .pluck(),
      deleteConstraint: db.prepare<[number]>('DELETE FROM constraints WHERE id = ?'),
      constraintId: {
        faceFace: db
          .prepare<[number | null, number], number>(
            'SELECT id FROM constraints WHERE face_a = ? AND face_b = ?',
          )
          .pluck(),
        facePerson: db
          .prepare<[number, number | null], number>(
            'SELECT id FROM constraints WHERE face_a = ? AND person_id = ?',
          )
          .pluck(),
        personPerson: db
          .prepare<[number | null, number | null], number>(
            'SELECT id FROM constraints WHERE person_id = ? AND other_person_id = ?',
          )
          .pluck(),
      },
      insertCorrection: db
        .prepare<{ op: string; payload: string; undo: string; now: number }, number>(
          `INSERT INTO corrections (op, payload, undo, state, created_at)
           VALUES (@op, @payload, @undo, 'done', @now) RETURNING id`,
        )
        .pluck(),
      updateCorrection: db.prepare<{ id: number; payload: string; undo: string; state: CorrectionState }>(
        'UPDATE corrections SET payload = @payload, undo = @undo, state = @state WHERE id = @id',
      ),
      deleteUndone: db.prepare(`DELETE FROM corrections WHERE state = 'undone'`),
    };
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
    return this.#upsertPhoto.get({ ...file, now: this.#now() })!;
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
      const oldFaces = this.#oldFaces.all(photoId);
      const manual = this.#manualFaces.all(photoId);
      const found = analysis.faces.filter((f) => !manual.some((m) => sameFaceAsDrawn(m, f.box)));
      const inserted = found.map((f) => ({
        box: f.box,
        id: this.#insertFace.get({
          photoId,
          x: f.box.x,
          y: f.box.y,
          w: f.box.w,
          h: f.box.h,
          landmarks: JSON.stringify(f.landmarks),
          detScore: f.quality.detScore,
          qSize: f.quality.size,
          qSharpness: f.quality.sharpness,
          qFrontal: f.quality.frontal,
          qOverall: f.quality.overall,
          embedding: blobOf(f.embedding),
          embeddingQ: blobOf(f.embeddingQ),
          embedderId: analysis.embedderId,
          now,
        })!,
      }));
      for (const [oldId, newId] of matchFaces(oldFaces, inserted)) {
        this.#repointAssignment.run(newId, oldId);
        this.#repointFaceA.run({ old: oldId, new: newId });
        this.#repointFaceB.run({ old: oldId, new: newId });
        this.#repointCover.run(newId, oldId);
      }
      for (const o of oldFaces) this.#deleteFace.run(o.id);
      this.#setAnalyzed.run({
        id: photoId,
        width: analysis.width,
        height: analysis.height,
        takenAt: analysis.takenAt,
        pipelineId: analysis.pipelineId,
        now,
      });
      return inserted.map((f) => f.id);
    });
  }

  /** Records that a file could not be analysed. Existing faces are kept: a failure never deletes data. */
  recordSkip(file: FileStat, reason: PhotoSkipReason, detail: string | null): number {
    return this.transaction(() => {
      const id = this.upsertPhoto(file);
      this.#setSkipped.run({ id, reason, detail, now: this.#now() });
      return id;
    });
  }

  /** New stat for an unchanged photo (same content); brings a 'missing' photo back. */
  refreshPhoto(id: number, file: Omit<FileStat, 'path'>): void {
    this.#refreshPhoto.run({ id, ...file, now: this.#now() });
  }

  /** The file moved or was renamed: same id, faces and people; new path. */
  movePhoto(id: number, file: FileStat): void {
    this.#movePhoto.run({ id, ...file, now: this.#now() });
  }

  /** Marks photos 'missing'; their faces and people stay. Returns how many changed. */
  markMissing(ids: readonly number[]): number {
    return this.transaction(() => {
      const now = this.#now();
      let n = 0;
      for (const id of ids) n += this.#markMissing.run(now, id).changes;
      return n;
    });
  }

  // ── people (primitives; the correction operations build on these) ─────────────────────────────

  createPerson(name: string | null = null): number {
    return this.#insertPerson.get({ name, now: this.#now() })!;
  }

  renamePerson(id: number, name: string | null): void {
    this.#renamePerson.run(name, this.#now(), id);
  }

  setPersonHidden(id: number, hidden: boolean): void {
    this.#setHidden.run(hidden ? 1 : 0, this.#now(), id);
  }

  /** Gives every person without a valid cover their best-quality face (after bulk assignment). */
  fixCovers(): void {
    this.#fixCovers.run(this.#now());
  }

  assignFace(
    faceId: number,
    personId: number,
    source: AssignmentSource,
    confidence: number | null = null,
  ): void {
    this.#assign.run({ faceId, personId, source, confidence, now: this.#now() });
  }

  /** Adds a constraint, normalising pair order; replaces the kind of an existing one for the same pair. */
  addConstraint(c: ConstraintInput): void {
    const now = this.#now();
    if ('faceA' in c) {
      const [a, b] = c.faceA < c.faceB ? [c.faceA, c.faceB] : [c.faceB, c.faceA];
      this.#insertConstraint.faceFace.run({ kind: c.kind, a, b, now });
    } else if ('faceId' in c) {
      this.#insertConstraint.facePerson.run({ kind: c.kind, a: c.faceId, b: c.personId, now });
    } else {
      const [a, b] = c.personA < c.personB ? [c.personA, c.personB] : [c.personB, c.personA];
      this.#insertConstraint.personPerson.run({ kind: c.kind, a, b, now });
    }
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
    return this.transaction(() => {
      const now = this.#now();
      const user = new Map(this.#userAssignedPersons.all());
      const auto = new Map(this.#autoAssignments.all());
      const claimed = new Set<number>();
      for (const c of clusters) {
        if (c.personId !== undefined) {
          if (!this.#personExists.get(c.personId)) throw new Error(`person ${c.personId} does not exist`);
          claimed.add(c.personId);
        }
      }
      // Votes per (cluster, person): each face votes for the person it belongs to now.
      const votes: Array<{ cluster: number; person: number; score: number }> = [];
      clusters.forEach((c, i) => {
        if (c.personId !== undefined) return;
        const tally = new Map<number, number>();
        for (const { faceId } of c.faces) {
          const current = user.get(faceId) ?? auto.get(faceId);
          if (current !== undefined) tally.set(current, (tally.get(current) ?? 0) + 1);
        }
        for (const [person, score] of tally) votes.push({ cluster: i, person, score });
      });
      votes.sort((a, b) => b.score - a.score || a.cluster - b.cluster);
      const personIds: Array<number | undefined> = clusters.map((c) => c.personId);
      for (const v of votes) {
        if (personIds[v.cluster] !== undefined || claimed.has(v.person)) continue;
        personIds[v.cluster] = v.person;
        claimed.add(v.person);
      }
      let created = 0;
      const resolved = personIds.map((p) => {
        if (p !== undefined) return p;
        created++;
        return this.#insertPerson.get({ name: null, now })!;
      });

      this.#deleteAutoAssignments.run();
      let assigned = 0;
      let keptUser = 0;
      let blocked = 0;
      clusters.forEach((c, i) => {
        const personId = resolved[i]!;
        for (const { faceId, confidence } of c.faces) {
          if (user.has(faceId)) keptUser++;
          else if (this.#cannotLink.get(faceId, personId)) blocked++;
          else assigned += this.#insertAuto.run({ faceId, personId, confidence, now }).changes;
        }
      });
      const removed = this.#deleteEmptyPeople.run().changes;
      this.#fixCovers.run(now);
      return { personIds: resolved, created, removed, assigned, keptUser, blocked };
    });
  }

  // ── exact rows, for corrections and their undo ─────────────────────────────────────────────────

  /**
   * Inserts a people row as given, keeping its id when that id is free; otherwise SQLite picks one.
   * Returns the id the row got (undo uses it to re-map references to a person whose id was re-used).
   */
  insertPersonRecord(p: PersonRecord): number {
    const id = this.#fix.idTaken.person.get(p.id) ? null : p.id;
    return this.#fix.insertPerson.get({ ...p, id, hidden: p.hidden ? 1 : 0 })!;
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
    this.#fix.updatePerson.run({ ...p, hidden: p.hidden ? 1 : 0 });
  }

  setPersonCover(id: number, faceId: number | null): void {
    this.#fix.setCover.run(faceId, this.#now(), id);
  }

  /** Deletes a person; its assignments must be gone first (no cascade on purpose). */
  deletePerson(id: number): void {
    this.#fix.deletePerson.run(id);
  }

  /** Inserts or overwrites a face's assignment with exactly these columns. */
  putAssignmentRecord(a: AssignmentRecord): void {
    this.#fix.putAssignment.run(a);
  }

  unassignFace(faceId: number): void {
    this.#fix.unassign.run(faceId);
  }

  /** Drops every assignment to a person; returns how many. */
  unassignPerson(personId: number): number {
    return this.#fix.unassignPerson.run(personId).changes;
  }

  /**
   * Sets the constraint for a pair (given in stored order, see ConstraintKey) to `kind`, owned by
   * `correctionId`: one row per pair, so an existing row is replaced (the newest intent wins).
   */
  putConstraintAt(key: ConstraintKey, kind: ConstraintRecord['kind'], correctionId: number | null): void {
    const existing = this.#constraintIdAt(key);
    if (existing !== undefined) this.#fix.deleteConstraint.run(existing);
    this.#fix.insertConstraint.get({ ...key, id: null, kind, correctionId, createdAt: this.#now() });
  }

  /** Inserts a constraints row as given, keeping its id when free. Returns the id it got. */
  insertConstraintRecord(c: ConstraintRecord): number {
    const id = this.#fix.idTaken.constraint.get(c.id) ? null : c.id;
    return this.#fix.insertConstraint.get({ ...c, id })!;
  }

  /** Deletes the constraint stored for a pair, if any. */
  deleteConstraintAt(key: ConstraintKey): void {
    const id = this.#constraintIdAt(key);
    if (id !== undefined) this.#fix.deleteConstraint.run(id);
  }

  #constraintIdAt(key: ConstraintKey): number | undefined {
    const q = this.#fix.constraintId;
    if (key.faceB !== null) return q.faceFace.get(key.faceA, key.faceB);
    if (key.faceA !== null) return q.facePerson.get(key.faceA, key.personId);
    return q.personPerson.get(key.personId, key.otherPersonId);
  }

  // ── corrections log ─────────────────────────────────────────────────────────────────────────

  /** Appends a correction in state 'done'; returns its id. */
  insertCorrection(op: string, payload: unknown, undo: unknown): number {
    return this.#fix.insertCorrection.get({
      op,
      payload: JSON.stringify(payload),
      undo: JSON.stringify(undo),
      now: this.#now(),
    })!;
  }

  updateCorrection(id: number, payload: unknown, undo: unknown, state: CorrectionState): void {
    this.#fix.updateCorrection.run({
      id,
      payload: JSON.stringify(payload),
      undo: JSON.stringify(undo),
      state,
    });
  }

  /** Discards the redo stack; returns how many corrections it held. */
  deleteUndoneCorrections(): number {
    return this.#fix.deleteUndone.run().changes;
  }

  // ── scan jobs ───────────────────────────────────────────────────────────────────────────────

  /** Marks 'running'/'paused' jobs whose process is gone as 'interrupted'; returns how many. */
  interruptStaleScanJobs(isLive: (job: { id: number; pid: number | null }) => boolean): number {
    return this.#db
      .transaction(() => {
        const now = this.#now();
        let n = 0;
        for (const job of this.#activeJobs.all()) {
          if (!isLive(job)) n += this.#setJobState.run('interrupted', now, job.id).changes;
        }
        return n;
      })
      .immediate();
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
    return this.#db
      .transaction(() => {
        const now = this.#now();
        for (const job of this.#activeJobs.all()) {
          if (isLive(job)) {
            throw new ScanAlreadyRunningError(job);
          }
          this.#setJobState.run('interrupted', now, job.id);
        }
        return this.#insertJob.get({ roots: JSON.stringify(roots), pid, now })!;
      })
      .immediate();
  }

  updateScanJob(id: number, state: ScanJobState, counts: ScanCounts, error: string | null = null): void {
    const finished =
      state === 'done' || state === 'cancelled' || state === 'failed' || state === 'interrupted';
    this.#updateJob.run({ id, state, ...counts, error, now: this.#now(), finished: finished ? 1 : 0 });
  }

  // ── settings and models ─────────────────────────────────────────────────────────────────────

  setSetting(key: string, value: unknown): void {
    const json = JSON.stringify(value);
    if (json === undefined) throw new Error(`setting ${key}: value is not JSON`);
    this.#setSetting.run(key, json);
  }

  upsertModel(model: { id: string; sha256: string; file: string }): void {
    this.#upsertModel.run({ ...model, now: this.#now() });
  }

  // ── hand-drawn faces ────────────────────────────────────────────────────────────────────────

  /**
   * Inserts a face the user drew (source 'manual': re-analysis keeps it), as `preferredId` when that
   * id is free (redo of its correction, so later log rows still name it). Returns its id.
   */
  insertManualFace(f: ManualFaceInput, preferredId?: number): number {
    const free =
      preferredId !== undefined &&
      this.#db.prepare<[number], number>('SELECT 1 FROM faces WHERE id = ?').pluck().get(preferredId) ===
        undefined;
    return this.#db
      .prepare<Record<string, unknown>, number>(
        `INSERT INTO faces (id, photo_id, source, x, y, w, h, landmarks, det_score, q_size, q_sharpness,
           q_frontal, q_overall, embedding, embedding_q, embedder_id, created_at)
         VALUES (@id, @photoId, 'manual', @x, @y, @w, @h, @landmarks, @detScore, @qSize, @qSharpness,
           @qFrontal, @qOverall, @embedding, @embeddingQ, @embedderId, @now)
         RETURNING id`,
      )
      .pluck()
      .get({
        id: free ? preferredId : null,
        photoId: f.photoId,
        ...f.box,
        landmarks: f.landmarks && JSON.stringify(f.landmarks),
        detScore: f.quality?.detScore ?? null,
        qSize: f.quality?.size ?? null,
        qSharpness: f.quality?.sharpness ?? null,
        qFrontal: f.quality?.frontal ?? null,
        qOverall: f.quality?.overall ?? null,
        embedding: f.embedding && blobOf(f.embedding),
        embeddingQ: f.embeddingQ && blobOf(f.embeddingQ),
        embedderId: f.embedderId,
        now: this.#now(),
      })!;
  }

  /** Deletes a face; its assignment and constraints go with it (ON DELETE CASCADE). */
  deleteFace(id: number): void {
    this.#deleteFace.run(id);
  }
}

/** A face the user drew; the embedding is absent when no face model could run on it. */
export interface ManualFaceInput {
  photoId: number;
  box: Box;
  landmarks: Landmarks5 | null;
  quality: FaceQuality | null;
  embedding: Float32Array | null;
  embeddingQ: Int8Array | null;
  embedderId: string | null;
}
