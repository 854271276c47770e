// Writes to the corrections (undo) log.
import type Database from 'better-sqlite3';
import type { CorrectionState } from '../read/records.ts';

export class CorrectionWrites {
  readonly #now: () => number;
  readonly #insert;
  readonly #update;
  readonly #deleteUndone;

  constructor(db: Database.Database, now: () => number) {
    this.#now = now;
    this.#insert = db
      .prepare<{ op: string; payload: string; undo: string; now: number }, number>(
        `INSERT INTO corrections (op, payload, undo, state, created_at)
         VALUES (@op, @payload, @undo, 'done', @now) RETURNING id`,
      )
      .pluck();
    this.#update = db.prepare<{ id: number; payload: string; undo: string; state: CorrectionState }>(
      'UPDATE corrections SET payload = @payload, undo = @undo, state = @state WHERE id = @id',
    );
    this.#deleteUndone = db.prepare(`DELETE FROM corrections WHERE state = 'undone'`);
  }

  insert(op: string, payload: unknown, undo: unknown): number {
    return this.#insert.get({
      op,
      payload: JSON.stringify(payload),
      undo: JSON.stringify(undo),
      now: this.#now(),
    })!;
  }

  update(id: number, payload: unknown, undo: unknown, state: CorrectionState): void {
    this.#update.run({ id, payload: JSON.stringify(payload), undo: JSON.stringify(undo), state });
  }

  deleteUndone(): number {
    return this.#deleteUndone.run().changes;
  }
}
