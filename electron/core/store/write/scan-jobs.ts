// Writes to scan_jobs rows: one live scan per library, stale jobs marked interrupted.
import type Database from 'better-sqlite3';
import type { ScanCounts, ScanJobState } from '../types.ts';
import { WRITE_SQL } from './sql.ts';

/** Another live process is scanning this library. */
export class ScanAlreadyRunningError extends Error {
  readonly jobId: number;
  constructor(job: { id: number; pid: number | null }) {
    super(`scan job ${job.id} is still running (pid ${job.pid}); wait for it or cancel it`);
    this.name = 'ScanAlreadyRunningError';
    this.jobId = job.id;
  }
}

type IsLive = (job: { id: number; pid: number | null }) => boolean;

export class ScanJobWrites {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #active;
  readonly #setState;
  readonly #insert;
  readonly #update;

  constructor(db: Database.Database, now: () => number) {
    this.#db = db;
    this.#now = now;
    this.#active = db.prepare<[], { id: number; pid: number | null }>(WRITE_SQL.activeJobs);
    this.#setState = db.prepare<[ScanJobState, number, number]>(
      'UPDATE scan_jobs SET state = ?, updated_at = ? WHERE id = ?',
    );
    this.#insert = db
      .prepare<{ roots: string; pid: number; now: number }, number>(
        `INSERT INTO scan_jobs (roots, state, pid, started_at, updated_at)
         VALUES (@roots, 'running', @pid, @now, @now) RETURNING id`,
      )
      .pluck();
    this.#update = db.prepare<
      ScanCounts & { id: number; state: ScanJobState; error: string | null; now: number; finished: number }
    >(
      `UPDATE scan_jobs SET state = @state, discovered = @discovered, analyzed = @analyzed,
         unchanged = @unchanged, moved = @moved, skipped = @skipped, missing = @missing, faces = @faces,
         error = @error, updated_at = @now, finished_at = CASE WHEN @finished THEN @now END
       WHERE id = @id`,
    );
  }

  interruptStale(isLive: IsLive): number {
    return this.#db
      .transaction(() => {
        const now = this.#now();
        let n = 0;
        for (const job of this.#active.all()) {
          if (!isLive(job)) n += this.#setState.run('interrupted', now, job.id).changes;
        }
        return n;
      })
      .immediate();
  }

  // Check and insert share one write lock (an immediate transaction).
  begin(roots: readonly string[], pid: number, isLive: IsLive): number {
    return this.#db
      .transaction(() => {
        const now = this.#now();
        for (const job of this.#active.all()) {
          if (isLive(job)) {
            throw new ScanAlreadyRunningError(job);
          }
          this.#setState.run('interrupted', now, job.id);
        }
        return this.#insert.get({ roots: JSON.stringify(roots), pid, now })!;
      })
      .immediate();
  }

  update(id: number, state: ScanJobState, counts: ScanCounts, error: string | null): void {
    const finished =
      state === 'done' || state === 'cancelled' || state === 'failed' || state === 'interrupted';
    this.#update.run({ id, state, ...counts, error, now: this.#now(), finished: finished ? 1 : 0 });
  }
}
