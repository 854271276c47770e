// Writes to faces rows: detected faces of an analysis, hand-drawn faces, and moving a face's
// references (assignment, constraints, cover role) to its successor on re-analysis.
import type Database from 'better-sqlite3';
import type { Box, FaceQuality, Landmarks5 } from '../../../../ml/types.ts';
import { blobOf } from '../blobs.ts';
import type { FaceRow } from '../rows.ts';
import type { FaceInput } from '../types.ts';
import { WRITE_SQL } from './sql.ts';

/** A face the user drew; the embedding is absent when no face model could run on it. */
export interface ManualFaceInput {
  photoId: number;
  box: Box;
  landmarks: Landmarks5 | null;
  quality: FaceQuality | null;
  embedding: Float32Array | null;
  embeddingQ: Int8Array | null;
  embedderId: string | null;
  /** Measured embedding noise of the drawn face, when its embedder measures it. */
  noise?: number | undefined;
}

/** A faces row as the insert binds it: the stored columns (rows.ts) less those SQLite fills, plus the blobs. */
type FaceParams = Omit<FaceRow, 'id' | 'source' | 'createdAt'> & {
  embedding: Buffer | null;
  embeddingQ: Buffer | null;
  now: number;
};

export class FaceWrites {
  readonly #now: () => number;
  readonly #oldFaces;
  readonly #manualFaces;
  readonly #insertDetected;
  readonly #insertManual;
  readonly #faceExists;
  readonly #delete;
  readonly #repointAssignment;
  readonly #repointFaceA;
  readonly #repointFaceB;
  readonly #repointCover;

  constructor(db: Database.Database, now: () => number) {
    this.#now = now;
    this.#oldFaces = db.prepare<[number], { id: number } & Box>(WRITE_SQL.oldFaces);
    this.#manualFaces = db.prepare<[number], { id: number } & Box>(WRITE_SQL.manualFaces);
    this.#insertDetected = db
      .prepare<FaceParams, number>(
        `INSERT INTO faces (photo_id, source, x, y, w, h, landmarks, det_score, q_size, q_sharpness,
           q_frontal, q_overall, noise, embedding, embedding_q, embedder_id, created_at)
         VALUES (@photoId, 'detected', @x, @y, @w, @h, @landmarks, @detScore, @qSize, @qSharpness,
           @qFrontal, @qOverall, @noise, @embedding, @embeddingQ, @embedderId, @now)
         RETURNING id`,
      )
      .pluck();
    this.#insertManual = db
      .prepare<FaceParams & { id: number | null }, number>(
        `INSERT INTO faces (id, photo_id, source, x, y, w, h, landmarks, det_score, q_size, q_sharpness,
           q_frontal, q_overall, noise, embedding, embedding_q, embedder_id, created_at)
         VALUES (@id, @photoId, 'manual', @x, @y, @w, @h, @landmarks, @detScore, @qSize, @qSharpness,
           @qFrontal, @qOverall, @noise, @embedding, @embeddingQ, @embedderId, @now)
         RETURNING id`,
      )
      .pluck();
    this.#faceExists = db.prepare<[number], number>('SELECT 1 FROM faces WHERE id = ?').pluck();
    this.#delete = db.prepare<[number]>('DELETE FROM faces WHERE id = ?');
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
  }

  /** The photo's detected faces, boxes flattened. */
  detectedOf(photoId: number): Array<{ id: number } & Box> {
    return this.#oldFaces.all(photoId);
  }

  /** The photo's hand-drawn faces, boxes flattened. */
  drawnOf(photoId: number): Array<{ id: number } & Box> {
    return this.#manualFaces.all(photoId);
  }

  insertDetected(photoId: number, f: FaceInput, embedderId: string, now: number): number {
    return this.#insertDetected.get({
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
      noise: f.noise ?? null,
      embedding: blobOf(f.embedding),
      embeddingQ: blobOf(f.embeddingQ),
      embedderId,
      now,
    })!;
  }

  /** Gives face `newId` the assignment, constraints and cover role of face `oldId` (see carry-over). */
  carryOver(oldId: number, newId: number): void {
    this.#repointAssignment.run(newId, oldId);
    this.#repointFaceA.run({ old: oldId, new: newId });
    this.#repointFaceB.run({ old: oldId, new: newId });
    this.#repointCover.run(newId, oldId);
  }

  insertManual(f: ManualFaceInput, preferredId?: number): number {
    const id =
      preferredId !== undefined && this.#faceExists.get(preferredId) === undefined ? preferredId : null;
    return this.#insertManual.get({
      id,
      photoId: f.photoId,
      ...f.box,
      landmarks: f.landmarks && JSON.stringify(f.landmarks),
      detScore: f.quality?.detScore ?? null,
      qSize: f.quality?.size ?? null,
      qSharpness: f.quality?.sharpness ?? null,
      qFrontal: f.quality?.frontal ?? null,
      qOverall: f.quality?.overall ?? null,
      noise: f.noise ?? null,
      embedding: f.embedding && blobOf(f.embedding),
      embeddingQ: f.embeddingQ && blobOf(f.embeddingQ),
      embedderId: f.embedderId,
      now: this.#now(),
    })!;
  }

  delete(id: number): void {
    this.#delete.run(id);
  }
}
