// Writes to settings and models rows.
import type Database from 'better-sqlite3';

export class SettingWrites {
  readonly #now: () => number;
  readonly #set;
  readonly #upsertModel;

  constructor(db: Database.Database, now: () => number) {
    this.#now = now;
    this.#set = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.#upsertModel = db.prepare<{ id: string; sha256: string; file: string; now: number }>(
      `INSERT INTO models (id, sha256, file, added_at) VALUES (@id, @sha256, @file, @now)
       ON CONFLICT (id) DO UPDATE SET sha256 = excluded.sha256, file = excluded.file`,
    );
  }

  set(key: string, value: unknown): void {
    const json = JSON.stringify(value);
    if (json === undefined) throw new Error(`setting ${key}: value is not JSON`);
    this.#set.run(key, json);
  }

  upsertModel(model: { id: string; sha256: string; file: string }): void {
    this.#upsertModel.run({ ...model, now: this.#now() });
  }
}
