// Why a library cannot be opened or written, in words for the user. Every opener (the CLI, the
// service, the bridge) reports these messages as they are; none of them needs SQLite's codes.

/** There is no library where one was expected (only `kith scan` and the app create one). */
export class LibraryMissingError extends Error {
  readonly dir: string;
  constructor(dir: string) {
    super(`No Kith library at ${dir}: run "kith scan <folder> --library ${dir}" first.`);
    this.name = 'LibraryMissingError';
    this.dir = dir;
  }
}

/** library.sqlite exists but is not a readable Kith library (empty, truncated, another file). */
export class LibraryDamagedError extends Error {
  readonly file: string;
  constructor(file: string, why: string) {
    super(
      `The library ${file} cannot be opened: ${why}. Restore it from a backup, or move it away ` +
        'to start a new library.',
    );
    this.name = 'LibraryDamagedError';
    this.file = file;
  }
}

/** Codes of better-sqlite3's SqliteError (extended codes, e.g. SQLITE_IOERR_SHMSIZE) and of Node's fs. */
function codeOf(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}

// SQLITE_IOERR_SHMSIZE: the -shm file beside the library could not be given its space.
const DISK_FULL = new Set(['SQLITE_FULL', 'SQLITE_IOERR_SHMSIZE', 'ENOSPC', 'EDQUOT']);

/** True for SQLite's "file is not a database" and "database disk image is malformed". */
export function isDamage(err: unknown): boolean {
  const code = codeOf(err);
  return code !== null && (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT'));
}

/**
 * What the user should read when a write to the library failed for a reason outside Kith (a full,
 * read-only or failing disk, another program holding the lock, a damaged file); null for anything
 * else (a bug). Every write is one transaction, so a failed one changed nothing.
 */
export function storageProblem(err: unknown): string | null {
  const code = codeOf(err);
  if (code === null) return null;
  if (DISK_FULL.has(code)) {
    return 'The disk that holds the library is full. Free some space and try again; nothing was changed.';
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') {
    return 'The library cannot be written: its file or disk is read-only. Nothing was changed.';
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return 'Another program is writing to the library (a kith command?). Try again in a moment; nothing was changed.';
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') {
    return `The disk that holds the library reported an error (${code}). Check the disk and try again; nothing was changed.`;
  }
  if (isDamage(err)) {
    return 'The library file is damaged. Restore it from a backup; nothing was changed.';
  }
  return null;
}
