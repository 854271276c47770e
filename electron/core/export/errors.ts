// Errors an export or import reports to the user: a message that names the path and what to do.
import { statSync } from 'node:fs';
import { dirname } from 'node:path';

export class ExportError extends Error {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExportError';
    this.path = path;
  }
}

/** The first existing ancestor of `path` that is not a directory, if any (a path "under a file"). */
function fileAncestor(path: string): string | undefined {
  let p = dirname(path);
  for (;;) {
    try {
      return statSync(p).isDirectory() ? undefined : p;
    } catch {
      const up = dirname(p);
      if (up === p) return undefined;
      p = up;
    }
  }
}

/** Turns a Node fs error into an ExportError that says which path failed and why, in words. */
export function fsError(err: unknown, path: string, doing: string): ExportError {
  if (err instanceof ExportError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  let why: string;
  switch (code) {
    case 'ENOTDIR': {
      const file = fileAncestor(path);
      why = file ? `${file} is a file, not a folder` : 'a part of the path is a file, not a folder';
      break;
    }
    case 'EEXIST':
      why = 'something is in the way (a file where a folder should be)';
      break;
    case 'EISDIR':
      why = 'it is a folder, expected a file';
      break;
    case 'EACCES':
    case 'EPERM':
      why = 'permission denied';
      break;
    case 'EROFS':
      why = 'the file system is read-only';
      break;
    case 'ENOSPC':
      why = 'the disk is full';
      break;
    case 'ENOENT':
      why = 'it does not exist';
      break;
    default:
      why = err instanceof Error ? err.message : String(err);
  }
  return new ExportError(path, `Cannot ${doing} ${path}: ${why}.`, { cause: err });
}
