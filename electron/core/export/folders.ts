// Per-person folders: <out>/<name or "Person N"> (#id)/<photo file>, linked to the originals.
// Repeatable: a manifest lists what the last export made, so a re-export replaces its own entries,
// removes the stale ones (renamed people, moved faces) and never touches files the user put there.
import {
  copyFileSync,
  linkSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { ensureDir, tempPathFor, writeFileAtomic } from './atomic.ts';
import { ExportError, fsError } from './errors.ts';
import type { ExportFace } from './records.ts';

export type LinkMode = 'hard' | 'symlink' | 'copy';
export const MANIFEST_FILE = '.kith-export.json';

export interface FoldersResult {
  people: number;
  files: number;
  /** How each file was made (hard links fall back to symlinks, then copies). */
  linked: Record<LinkMode, number>;
  removed: number;
}

interface Manifest {
  schema: 'kith.folders';
  version: 1;
  files: string[];
}

/** A folder name no file system refuses: no separators, control or reserved characters, no dot start. */
export function safeName(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we strip
  const cleaned = s.replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_').replace(/^[.\s]+|[.\s]+$/g, '');
  return cleaned.slice(0, 120) || '_';
}

export function personFolderName(id: number, name: string | null): string {
  return `${safeName(name ?? `Person ${id}`)} (#${id})`;
}

function readManifest(out: string): string[] {
  const file = join(out, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  try {
    const m = JSON.parse(text) as Partial<Manifest>;
    return Array.isArray(m.files) ? m.files.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    throw new ExportError(
      file,
      `Cannot read ${file}: it is not a Kith export manifest; remove it or pick another folder.`,
    );
  }
}

/** Is `target` already `src` made the way `mode` asks? Lets a re-export skip unchanged entries. */
function upToDate(target: string, src: string, made: LinkMode): boolean {
  try {
    const t = lstatSync(target);
    if (made === 'symlink') return t.isSymbolicLink() && readlinkSync(target) === src;
    const s = statSync(src);
    if (made === 'hard') return t.isFile() && t.ino === s.ino && t.dev === s.dev;
    return t.isFile() && t.size === s.size && t.mtimeMs >= s.mtimeMs;
  } catch {
    return false;
  }
}

/** Makes `target` as `src` with the first mode that works, via a temp name and rename. */
function place(src: string, target: string, mode: LinkMode): LinkMode {
  const order: LinkMode[] =
    mode === 'hard' ? ['hard', 'symlink', 'copy'] : mode === 'symlink' ? ['symlink', 'copy'] : ['copy'];
  // Only the preferred form counts as current, so switching --link really changes the entries.
  if (upToDate(target, src, order[0]!)) return order[0]!;
  let lastErr: unknown;
  for (const m of order) {
    const tmp = tempPathFor(target);
    try {
      if (m === 'hard') linkSync(src, tmp);
      else if (m === 'symlink') symlinkSync(src, tmp);
      else copyFileSync(src, tmp);
      renameSync(tmp, target);
      return m;
    } catch (err) {
      rmSync(tmp, { force: true });
      lastErr = err;
      const code = (err as NodeJS.ErrnoException).code;
      // The source is gone or the folder is unwritable: another mode will not help.
      if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOSPC' || code === 'EROFS') break;
    }
  }
  throw fsError(lastErr, target, `link ${src} to`);
}

export function exportFolders(
  faces: readonly ExportFace[],
  out: string,
  mode: LinkMode = 'hard',
): FoldersResult {
  ensureDir(out);
  const previous = readManifest(out);
  // Desired entries, deterministic: per person, photos by path; a second photo with the same file name
  // gets its photo id appended.
  const wanted = new Map<string, string>(); // relative target → source path
  const people = new Set<number>();
  const seen = new Set<string>();
  for (const f of faces) {
    const dir = personFolderName(f.personId, f.personName);
    const key = `${f.personId}\u0000${f.path}`;
    if (seen.has(key)) continue; // two faces of one person in one photo: one file
    seen.add(key);
    people.add(f.personId);
    let rel = join(dir, safeName(basename(f.path)));
    if (wanted.has(rel)) {
      const ext = extname(f.path);
      rel = join(dir, safeName(`${basename(f.path, ext)}-${f.photoId}${ext}`));
    }
    wanted.set(rel, f.path);
  }
  const linked: Record<LinkMode, number> = { hard: 0, symlink: 0, copy: 0 };
  for (const [rel, src] of wanted) {
    const target = join(out, rel);
    ensureDir(dirname(target));
    linked[place(src, target, mode)]++;
  }
  let removed = 0;
  const emptied = new Set<string>();
  for (const rel of previous) {
    if (wanted.has(rel) || rel.includes('..')) continue;
    try {
      rmSync(join(out, rel), { force: true });
      removed++;
      emptied.add(dirname(rel));
    } catch (err) {
      throw fsError(err, join(out, rel), 'remove the stale export entry');
    }
  }
  // Folders the export emptied go too; a folder with the user's own files in it stays.
  for (const d of emptied) {
    try {
      if (readdirSync(join(out, d)).length === 0) rmdirSync(join(out, d));
    } catch {
      // already gone or not empty: leave it
    }
  }
  const manifest: Manifest = { schema: 'kith.folders', version: 1, files: [...wanted.keys()].sort() };
  writeFileAtomic(join(out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
  return { people: people.size, files: wanted.size, linked, removed };
}
