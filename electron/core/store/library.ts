// Opening a library: <dir>/library.sqlite, configured and migrated to this build's schema.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isDamage, LibraryDamagedError, LibraryMissingError, storageProblem } from './errors.ts';
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
  /**
   * Make a new library when `dir` has none (`kith scan`, the app's first run). Default false: a
   * missing library is a LibraryMissingError, so a mistyped --library never starts an empty one.
   */
  create?: boolean;
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

/**
 * Opens `<dir>/library.sqlite` and migrates it to the current schema; with `create`, makes it first
 * when there is none. A library from a newer Kith, an empty file or one that is not a Kith library
 * is refused before anything is written to it.
 */
export function openLibrary(dir: string, options: OpenLibraryOptions = {}): Library {
  const file = join(dir, LIBRARY_FILE);
  const timeout = options.busyTimeoutMs ?? 5000;
  let created: MigrateResult | null = null;
  if (!existsSync(file)) {
    if (!options.create) throw new LibraryMissingError(dir);
    created = createLibraryFile(dir, timeout);
  }
  const db = new Database(file, { fileMustExist: true, timeout, ...nativeBindingOption() });
  try {
    checkOpenable(db, file);
    configure(db);
    const upgraded = migrate(db, migrations);
    const migrated = created ?? upgraded;
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
  if (!existsSync(file)) throw new LibraryMissingError(dir);
  const timeout = options.busyTimeoutMs ?? 5000;
  let db = new Database(file, { readonly: true, fileMustExist: true, timeout, ...nativeBindingOption() });
  try {
    let v: number;
    try {
      v = checkOpenable(db, file);
    } catch (err) {
      if (!canReadWithoutShm(err, file)) throw err;
      // A reader needs the -shm file beside the library, and on a full disk it cannot be made
      // (SQLITE_IOERR_SHMSIZE). With nothing in the WAL, exclusive locking keeps that index in
      // memory instead; such a connection needs write access to take its lock but writes nothing.
      db.close();
      db = new Database(file, { fileMustExist: true, timeout, ...nativeBindingOption() });
      db.pragma('locking_mode = EXCLUSIVE');
      v = checkOpenable(db, file);
    }
    if (v < migrations.length) {
      throw new Error(
        `The library ${file} is at schema version ${v}; open it once for writing to upgrade it.`,
      );
    }
    const opened = db;
    return { file, read: new LibraryReader(opened), close: () => opened.close() };
  } catch (err) {
    db.close();
    const problem = storageProblem(err);
    throw problem === null ? err : new Error(`Cannot read the library ${file}: ${problem}`);
  }
}

/** A reader failed on a disk error before reading anything, and the library's WAL is empty. */
function canReadWithoutShm(err: unknown, file: string): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_IOERR')) return false;
  const wal = statSync(`${file}-wal`, { throwIfNoEntry: false });
  return wal === undefined || wal.size === 0;
}

/**
 * [Note: library creation] A new library is built and migrated under a temporary name and then
 * linked into place, which never replaces an existing file. So library.sqlite, once it exists, is a
 * whole library: processes creating one at the same moment all end up opening the same one, and an
 * empty library.sqlite is always damage (a failed copy, a full disk), never one being made.
 * Returns the migration it ran when its library is the one in place, else null.
 */
function createLibraryFile(dir: string, timeout: number): MigrateResult | null {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LIBRARY_FILE);
  const tmp = join(dir, `.${LIBRARY_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.new`);
  try {
    let migrated: MigrateResult;
    const db = new Database(tmp, { timeout, ...nativeBindingOption() });
    try {
      configure(db);
      migrated = migrate(db, migrations);
    } finally {
      // Closing the only connection checkpoints the WAL into the file and removes it.
      db.close();
    }
    try {
      linkSync(tmp, file);
      return migrated;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return null; // another process made it first: open theirs
      // No hard links here (FAT, some network shares): a rename, checked first, is the next best.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
      if (existsSync(file)) return null;
      renameSync(tmp, file);
      return migrated;
    }
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  }
}

/**
 * Reads the schema version without writing anything, and refuses what this build must not open.
 * Returns the version.
 */
function checkOpenable(db: Database.Database, file: string): number {
  let version: number;
  let tables: number;
  try {
    version = schemaVersion(db);
    tables = db.prepare<[], number>('SELECT count(*) FROM sqlite_schema').pluck().get() ?? 0;
  } catch (err) {
    if (isDamage(err))
      throw new LibraryDamagedError(file, `it is not a library or is damaged (${(err as Error).message})`);
    throw err;
  }
  if (version > migrations.length) throw new LibraryTooNewError(file, version, migrations.length);
  if (version === 0) {
    // See [Note: library creation]: a file at version 0 was not made by Kith, or was emptied.
    const empty = statSync(file).size === 0;
    throw new LibraryDamagedError(
      file,
      empty ? 'the file is empty (0 bytes)' : tables === 0 ? 'it holds no data' : 'it is not a Kith library',
    );
  }
  return version;
}

function closeDb(db: Database.Database): void {
  if (!db.open) return;
  // Lets SQLite refresh planner statistics for tables that changed a lot; cheap when nothing did.
  db.pragma('optimize');
  db.close();
}
