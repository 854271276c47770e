// Atomic file output: write a temp file beside the target, then rename over it, so a reader (or a
// crash) never sees half a file and a failed export leaves the previous one intact.
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ExportError, fsError } from './errors.ts';
import { cutUtf8, NAME_MAX_BYTES } from './filenames.ts';

let seq = 0;

/**
 * A temp path in the same folder (rename is only atomic within one file system). The target's name is
 * cut so that the temp name, longer by its marks, still fits where the target's name does.
 */
export function tempPathFor(target: string, ext = ''): string {
  seq++;
  const tail = `.kith-tmp-${process.pid}-${seq}${ext}`;
  const head = cutUtf8(basename(target), NAME_MAX_BYTES - 1 - Buffer.byteLength(tail));
  return join(dirname(target), `.${head}${tail}`);
}

/** Creates `dir` (and parents) or explains clearly why it cannot. */
export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw fsError(err, dir, 'create the folder');
  }
  // mkdir -p succeeds silently on an existing folder, but not on an existing file; check anyway.
  if (!statSync(dir).isDirectory())
    throw new ExportError(dir, `Cannot use ${dir}: it is a file, not a folder.`);
}

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  ensureDir(dirname(target));
  const tmp = tempPathFor(target);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw fsError(err, target, 'write');
  }
}

/** Writes several files so that each is atomic and all appear only after all were written. */
export function writeFilesAtomic(files: ReadonlyArray<{ path: string; data: string | Uint8Array }>): void {
  const temps: Array<{ tmp: string; path: string }> = [];
  try {
    for (const f of files) {
      ensureDir(dirname(f.path));
      const tmp = tempPathFor(f.path);
      temps.push({ tmp, path: f.path });
      try {
        writeFileSync(tmp, f.data);
      } catch (err) {
        throw fsError(err, f.path, 'write');
      }
    }
    for (const t of temps) {
      try {
        renameSync(t.tmp, t.path);
      } catch (err) {
        throw fsError(err, t.path, 'write');
      }
    }
  } finally {
    for (const t of temps) rmSync(t.tmp, { force: true });
  }
}
