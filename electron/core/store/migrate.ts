// Migration runner: brings a database to the newest schema version this build knows.
import type Database from 'better-sqlite3';

export interface Migration {
  /** Schema version this migration produces (1, 2, …). */
  readonly version: number;
  /** Must only use `db` synchronously; it runs inside the runner's transaction. */
  up(db: Database.Database): void;
}

/** The database was written by a newer Kith; opening it could corrupt data this build does not know. */
export class LibraryTooNewError extends Error {
  readonly dbVersion: number;
  readonly appVersion: number;
  constructor(file: string, dbVersion: number, appVersion: number) {
    super(
      `The library ${file} uses schema version ${dbVersion}, but this version of Kith only knows ` +
        `versions up to ${appVersion}. Update Kith to open it.`,
    );
    this.name = 'LibraryTooNewError';
    this.dbVersion = dbVersion;
    this.appVersion = appVersion;
  }
}

export interface MigrateResult {
  from: number;
  to: number;
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Runs every migration newer than the database's `user_version`, all in one transaction, and sets
 * `user_version` to the last one. A failure rolls everything back, so the file stays at its old version.
 * `target` (tests) stops at that version instead of the newest. Safe when several processes open the
 * same library at once: the version is read again under the write lock, so only one of them migrates.
 */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[],
  target: number = migrations.length,
): MigrateResult {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is not 1..N: #${i} has version ${m.version}`);
  });
  const check = (version: number): void => {
    if (version > migrations.length) throw new LibraryTooNewError(db.name, version, migrations.length);
    if (target < version) throw new Error(`cannot migrate backwards from ${version} to ${target}`);
  };
  // Without the lock first: an up-to-date library (every open but the first) takes no write lock.
  const seen = schemaVersion(db);
  check(seen);
  if (target === seen) return { from: seen, to: seen };

  // Table rebuilds (SQLite's 12-step ALTER) need foreign keys off; the pragma is a no-op inside a
  // transaction, so switch it around the transaction and check integrity before committing.
  const fkWasOn = (db.pragma('foreign_keys', { simple: true }) as number) === 1;
  if (fkWasOn) db.pragma('foreign_keys = OFF');
  try {
    return db
      .transaction((): MigrateResult => {
        // Another process may have migrated between the read above and this lock.
        const from = schemaVersion(db);
        check(from);
        for (const m of migrations.slice(from, target)) {
          m.up(db);
          // PRAGMA takes no bound parameters; the version is an integer we validated above.
          db.pragma(`user_version = ${m.version}`);
        }
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`migration left ${broken.length} foreign key violations`);
        return { from, to: target };
      })
      .immediate();
  } finally {
    if (fkWasOn) db.pragma('foreign_keys = ON');
  }
}
