// Reads of scan_jobs and settings rows.
import type Database from 'better-sqlite3';
import type { ScanJob, ScanJobState } from '../types.ts';
import { READ_SQL } from './sql.ts';

interface ScanJobRow extends Omit<ScanJob, 'roots'> {
  roots: string;
}

function scanJobOf(r: ScanJobRow): ScanJob {
  return { ...r, roots: JSON.parse(r.roots) as string[] };
}

export class ScanJobReads {
  readonly #byId;
  readonly #newest;
  readonly #inState;

  constructor(db: Database.Database) {
    const q = READ_SQL;
    this.#byId = db.prepare<[number], ScanJobRow>(q.scanJob);
    this.#newest = db.prepare<[number], ScanJobRow>(q.scanJobs);
    this.#inState = db.prepare<[ScanJobState], ScanJobRow>(q.scanJobsInState);
  }

  byId(id: number): ScanJob | undefined {
    const r = this.#byId.get(id);
    return r && scanJobOf(r);
  }

  newest(limit: number): ScanJob[] {
    return this.#newest.all(limit).map(scanJobOf);
  }

  inState(state: ScanJobState): ScanJob[] {
    return this.#inState.all(state).map(scanJobOf);
  }
}

export class SettingReads {
  readonly #get;

  constructor(db: Database.Database) {
    this.#get = db.prepare<[string], string>(READ_SQL.setting).pluck();
  }

  /** The stored JSON value, parsed; the caller validates its shape. */
  get(key: string): unknown {
    const v = this.#get.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as unknown);
  }
}
