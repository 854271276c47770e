// Reads of the corrections (undo) log.
import type Database from 'better-sqlite3';
import type { CorrectionRecord } from './records.ts';
import { READ_SQL } from './sql.ts';

interface CorrectionRow extends Omit<CorrectionRecord, 'payload' | 'undo'> {
  payload: string;
  undo: string;
}

function correctionOf(r: CorrectionRow | undefined): CorrectionRecord | undefined {
  return r && { ...r, payload: JSON.parse(r.payload) as unknown, undo: JSON.parse(r.undo) as unknown };
}

export class CorrectionReads {
  readonly #byId;
  readonly #lastDone;
  readonly #nextAfter;
  readonly #newest;
  readonly #inRange;

  constructor(db: Database.Database) {
    const q = READ_SQL;
    this.#byId = db.prepare<[number], CorrectionRow>(q.correction);
    this.#lastDone = db.prepare<[], CorrectionRow>(q.lastDoneCorrection);
    this.#nextAfter = db.prepare<[number], CorrectionRow>(q.nextCorrectionAfter);
    this.#newest = db.prepare<[number], CorrectionRow>(q.corrections);
    this.#inRange = db.prepare<[number, number], CorrectionRow>(q.correctionsInRange);
  }

  byId(id: number): CorrectionRecord | undefined {
    return correctionOf(this.#byId.get(id));
  }

  lastDone(): CorrectionRecord | undefined {
    return correctionOf(this.#lastDone.get());
  }

  after(id: number): CorrectionRecord | undefined {
    return correctionOf(this.#nextAfter.get(id));
  }

  newest(limit: number): CorrectionRecord[] {
    return this.#newest.all(limit).map((r) => correctionOf(r)!);
  }

  between(after: number, before: number): CorrectionRecord[] {
    return this.#inRange.all(after, before).map((r) => correctionOf(r)!);
  }
}
