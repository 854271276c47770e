// Per-person folders: <out>/<name or "Person N"> (#id)/<photo file>, linked to the originals.
// Repeatable: the folder's manifest (folders-manifest.ts) says which files Kith made there, so a
// re-export replaces its own entries and removes the stale ones (renamed people, moved faces). Whatever
// Kith did not make is never overwritten, removed or followed (a symlink): it is reported as a conflict
// and the export goes on; so does it past an entry it could not make.
import {
  type BigIntStats,
  constants,
  copyFileSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { ensureDir, tempPathFor } from './atomic.ts';
import { ExportError, fsError } from './errors.ts';
import { safeFileName, safeName } from './filenames.ts';
import { entryOf, FoldersManifest, type LinkMode } from './folders-manifest.ts';
import type { ExportFace } from './records.ts';

export { JOURNAL_FILE, type LinkMode, MANIFEST_FILE } from './folders-manifest.ts';

/** A place the export left alone or could not write, and why. */
export interface FoldersProblem {
  path: string;
  message: string;
}

export interface FoldersResult {
  people: number;
  /** Photos in place in the export after this run. */
  files: number;
  /** How each file was made (hard links fall back to symlinks, then copies). */
  linked: Record<LinkMode, number>;
  removed: number;
  /** Places where something Kith did not make is in the way: left as they are, their photos not exported. */
  conflicts: FoldersProblem[];
  /** Entries that could not be made or removed; the rest of the export went through. */
  failed: FoldersProblem[];
}

/** A person's folder: the name cut to fit, the id always kept (it keeps equal names apart). */
export function personFolderName(id: number, name: string | null): string {
  return safeName(name ?? `Person ${id}`, ` (#${id})`);
}

/** The export's entries, deterministic: per person, photos by path; a repeated file name gets the photo id. */
function plan(faces: readonly ExportFace[]): { wanted: Map<string, string>; people: number } {
  const wanted = new Map<string, string>(); // relative target → source path
  const people = new Set<number>();
  const seen = new Set<string>();
  for (const f of faces) {
    const key = `${f.personId}\u0000${f.path}`;
    if (seen.has(key)) continue; // two faces of one person in one photo: one file
    seen.add(key);
    people.add(f.personId);
    const dir = personFolderName(f.personId, f.personName);
    let rel = join(dir, safeFileName(basename(f.path)));
    if (wanted.has(rel)) rel = join(dir, safeFileName(basename(f.path), `-${f.photoId}`));
    wanted.set(rel, f.path);
  }
  return { wanted, people: people.size };
}

type Placed = { made: LinkMode } | { conflict: string };

const ORDER: Record<LinkMode, LinkMode[]> = {
  hard: ['hard', 'symlink', 'copy'],
  symlink: ['symlink', 'copy'],
  copy: ['copy'],
};

/** Is `st` (lstat of `abs`) already `src` made as `kind`? A copy never shares the photo's inode. */
function isMadeAs(kind: LinkMode, st: BigIntStats, src: string, abs: string): boolean {
  const s = statSync(src, { bigint: true });
  switch (kind) {
    case 'hard':
      return st.isFile() && st.ino === s.ino && st.dev === s.dev;
    case 'symlink':
      return st.isSymbolicLink() && readlinkSync(abs) === src;
    case 'copy':
      return (
        st.isFile() && (st.ino !== s.ino || st.dev !== s.dev) && st.size === s.size && st.mtimeNs >= s.mtimeNs
      );
  }
}

/** Makes `rel` stand for `src` with the first mode that works, via a temp name and rename. */
function place(m: FoldersManifest, rel: string, src: string, mode: LinkMode, shown: string): Placed {
  const abs = join(m.root, rel);
  const order = ORDER[mode];
  const preferred = order[0]!;
  const st = m.lstat(rel);
  if (st) {
    const own = m.files.get(rel);
    if (own && m.owns(rel, st)) {
      // Only the preferred form counts as current, so switching --link really replaces the entries.
      if (own.src === src && own.kind === preferred && isMadeAs(preferred, st, src, abs)) {
        return { made: preferred };
      }
    } else if (preferred !== 'copy' && isMadeAs(preferred, st, src, abs)) {
      // Already the very link the export makes (say, from before the manifest knew it): take it over.
      m.files.set(rel, entryOf(rel, preferred, src, st));
      return { made: preferred };
    } else {
      return { conflict: `${shown} is in the way and Kith did not make it: left as it is, not exported.` };
    }
  }
  statSync(src); // a vanished photo fails here, with no temp file made
  let lastErr: unknown;
  for (const kind of order) {
    const tmp = tempPathFor(abs);
    m.record({ op: 'tmp', path: relative(m.root, tmp) });
    try {
      if (kind === 'hard') linkSync(src, tmp);
      else if (kind === 'symlink') symlinkSync(src, tmp);
      else copyFileSync(src, tmp, constants.COPYFILE_EXCL);
      const made = entryOf(rel, kind, src, lstatSync(tmp, { bigint: true }));
      m.record({ op: 'made', entry: made }); // before the rename: the inode is the same after it
      renameSync(tmp, abs);
      m.files.set(rel, made);
      return { made: kind };
    } catch (err) {
      rmSync(tmp, { force: true });
      lastErr = err;
      const code = (err as NodeJS.ErrnoException).code;
      // The source is gone, the folder unwritable or the journal failed: another mode will not help.
      if (err instanceof ExportError || ['ENOENT', 'EACCES', 'ENOSPC', 'EROFS'].includes(code ?? '')) break;
    }
  }
  throw lastErr;
}

/** Creates a person's folder, or says why an existing one is not used (undefined: ready). */
function personDir(m: FoldersManifest, dir: string): string | undefined {
  const st = m.lstat(dir);
  if (st === undefined) {
    m.record({ op: 'mkdir', path: dir });
    mkdirSync(join(m.root, dir));
    m.dirs.add(dir);
    return undefined;
  }
  if (st.isDirectory()) return undefined;
  return st.isSymbolicLink() ? 'is a symbolic link' : 'is a file';
}

const problem = (err: ExportError): FoldersProblem => ({ path: err.path, message: err.message });

/** Removes Kith's files the export no longer wants, then the folders Kith made that are now empty. */
function removeStale(
  m: FoldersManifest,
  wanted: ReadonlyMap<string, string>,
  shown: (rel: string) => string,
  failed: FoldersProblem[],
): number {
  let removed = 0;
  for (const rel of [...m.files.keys()]) {
    if (wanted.has(rel)) continue;
    const st = m.lstat(rel);
    if (st === undefined || !m.owns(rel, st)) {
      m.files.delete(rel); // gone, or changed by the user: theirs now
      continue;
    }
    try {
      unlinkSync(join(m.root, rel));
      m.files.delete(rel);
      removed++;
    } catch (err) {
      failed.push(problem(fsError(err, shown(rel), 'remove the stale export entry')));
    }
  }
  for (const dir of [...m.dirs]) {
    if (!m.lstat(dir)?.isDirectory()) {
      m.dirs.delete(dir);
      continue;
    }
    try {
      if (readdirSync(join(m.root, dir)).length > 0) continue; // the user's files or ours: it stays
      rmdirSync(join(m.root, dir));
      m.dirs.delete(dir);
    } catch {
      // in use or unreadable: the next export tries again
    }
  }
  return removed;
}

export function exportFolders(
  faces: readonly ExportFace[],
  out: string,
  mode: LinkMode = 'hard',
): FoldersResult {
  ensureDir(out);
  let root: string;
  try {
    root = realpathSync(out);
  } catch (err) {
    throw fsError(err, out, 'open the folder');
  }
  const m = new FoldersManifest(root);
  try {
    const { wanted, people } = plan(faces);
    const shown = (rel: string) => join(out, rel);
    const linked: Record<LinkMode, number> = { hard: 0, symlink: 0, copy: 0 };
    const conflicts: FoldersProblem[] = [];
    const failed: FoldersProblem[] = [];
    const usable = new Map<string, boolean>(); // person folder → can take files
    for (const [rel, src] of wanted) {
      const dir = dirname(rel);
      if (!usable.has(dir)) {
        try {
          const why = personDir(m, dir);
          if (why !== undefined) {
            conflicts.push({
              path: shown(dir),
              message: `${shown(dir)} ${why}, not a folder Kith made: left as it is, this person not exported.`,
            });
          }
          usable.set(dir, why === undefined);
        } catch (err) {
          failed.push(problem(fsError(err, shown(dir), 'create the folder')));
          usable.set(dir, false);
        }
      }
      if (!usable.get(dir)) continue;
      try {
        const r = place(m, rel, src, mode, shown(rel));
        if ('made' in r) linked[r.made]++;
        else conflicts.push({ path: shown(rel), message: r.conflict });
      } catch (err) {
        failed.push(problem(fsError(err, shown(rel), `link ${src} to`)));
      }
    }
    const removed = removeStale(m, wanted, shown, failed);
    m.commit();
    const files = linked.hard + linked.symlink + linked.copy;
    return { people, files, linked, removed, conflicts, failed };
  } finally {
    m.close();
  }
}
