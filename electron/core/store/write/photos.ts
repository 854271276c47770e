// Writes to photos rows: the scan's upserts, analysis and skip results, moves and missing files.
import type Database from 'better-sqlite3';
import type { FileStat, PhotoSkipReason } from '../types.ts';

// A photo that comes back from 'missing' gets the status its other columns imply.
const RESTORED_STATUS = `CASE WHEN status <> 'missing' THEN status
  WHEN skip_reason IS NOT NULL THEN 'skipped' WHEN analyzed_at IS NOT NULL THEN 'analyzed' ELSE 'pending' END`;

export interface AnalyzedPhoto {
  id: number;
  width: number;
  height: number;
  takenAt: string | null;
  pipelineId: string;
}

export class PhotoWrites {
  readonly #now: () => number;
  readonly #upsert;
  readonly #setAnalyzed;
  readonly #setSkipped;
  readonly #refresh;
  readonly #move;
  readonly #markMissing;

  constructor(db: Database.Database, now: () => number) {
    this.#now = now;
    this.#upsert = db
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
    this.#setAnalyzed = db.prepare<AnalyzedPhoto & { now: number }>(
      `UPDATE photos SET status = 'analyzed', width = @width, height = @height, taken_at = @takenAt,
         pipeline_id = @pipelineId, analyzed_at = @now, skip_reason = NULL, skip_detail = NULL,
         updated_at = @now
       WHERE id = @id`,
    );
    this.#setSkipped = db.prepare<{ id: number; reason: string; detail: string | null; now: number }>(
      `UPDATE photos SET status = 'skipped', skip_reason = @reason, skip_detail = @detail, updated_at = @now
       WHERE id = @id`,
    );
    this.#refresh = db.prepare<{
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
    this.#move = db.prepare<{
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
  }

  upsert(file: FileStat): number {
    return this.#upsert.get({ ...file, now: this.#now() })!;
  }

  setAnalyzed(photo: AnalyzedPhoto, now: number): void {
    this.#setAnalyzed.run({ ...photo, now });
  }

  setSkipped(id: number, reason: PhotoSkipReason, detail: string | null): void {
    this.#setSkipped.run({ id, reason, detail, now: this.#now() });
  }

  refresh(id: number, file: Omit<FileStat, 'path'>): void {
    this.#refresh.run({ id, ...file, now: this.#now() });
  }

  move(id: number, file: FileStat): void {
    this.#move.run({ id, ...file, now: this.#now() });
  }

  /** Callers run this in a transaction. Returns how many photos changed. */
  markMissing(ids: readonly number[]): number {
    const now = this.#now();
    let n = 0;
    for (const id of ids) n += this.#markMissing.run(now, id).changes;
    return n;
  }
}
