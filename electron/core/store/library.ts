// Opening a library: <dir>/library.sqlite, configured and migrated to this build's schema.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LibraryTooNewError, type MigrateResult, migrate, schemaVersion } from './migrate.ts';
import { migrations } from './migrations/index.ts';
import { nativeBindingOption } from './native-binding.ts';
import { LibraryReader } from './reader.ts';
import { LibraryWriter } from './writer.ts';

export const LIBRARY_FILE = 'library.sqlite';

export interface OpenLibraryOptions {
  /** How long a statement waits for another connection's write lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /** Clock for created_at/updated_at columns (tests). Default Date.now. */
  now?: () => number;
}

/** An open library: one connection, a reader and a writer over it. */
export interface Library {
  readonly file: string;
  readonly read: LibraryReader;
  readonly write: LibraryWriter;
  /** Schema versions before and after opening. */
  readonly migrated: MigrateResult;
  /** The raw connection, for tests and diagnostics; prefer `read` and `write`. */
  readonly db: Database.Database;
  close(): void;
}

/** A library opened for reading only (CLI listings, exports). */
export interface ReadonlyLibrary {
  readonly file: string;
  readonly read: LibraryReader;
  close(): void;
}

function configure(db: Database.Database): void {
  // WAL: readers never block the writer and a crash mid-write leaves the last commit intact.
  // synchronous=NORMAL is durable against app crashes in WAL mode (only power loss can drop the
  // last commits), and much faster than FULL for many small per-photo transactions.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
}

/** Creates `dir` if needed, opens `<dir>/library.sqlite` and migrates it to the current schema. */
export function openLibrary(dir: string, options: OpenLibraryOptions = {}): Library {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LIBRARY_FILE);
  const db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000, ...nativeBindingOption() });
  try {
    configure(db);
    const migrated = migrate(db, migrations);
    const writerOptions = options.now ? { now: options.now } : {};
    return {
      file,
      db,
      migrated,
      read: new LibraryReader(db),
      write: new LibraryWriter(db, writerOptions),
      close: () => closeDb(db),
    };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Opens an existing library without writing to it; it must already be at this build's schema. */
export function openLibraryReadonly(dir: string, options: OpenLibraryOptions = {}): ReadonlyLibrary {
  const file = join(dir, LIBRARY_FILE);
  const db = new Database(file, {
    readonly: true,
    fileMustExist: true,
    timeout: options.busyTimeoutMs ?? 5000,
    ...nativeBindingOption(),
  });
  try {
    const v = schemaVersion(db);
    if (v > migrations.length) throw new LibraryTooNewError(file, v, migrations.length);
    if (v < migrations.length) {
      throw new Error(
        `The library ${file} is at schema version ${v}; open it once for writing to upgrade it.`,
      );
    }
    return { file, read: new LibraryReader(db), close: () => db.close() };
  } catch (err) {
    db.close();
    throw err;
  }
}

function closeDb(db: Database.Database): void {
  if (!db.open) return;
  // Lets SQLite refresh planner statistics for tables that changed a lot; cheap when nothing did.
  db.pragma('optimize');
  db.close();
}
