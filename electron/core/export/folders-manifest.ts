// What a folders export knows about its target folder: the files and folders Kith made there, each
// file with what recognises it (device, inode, size, mtime; a symlink's target), never a path alone.
// The manifest holds the state after the last complete export; a journal beside it records each step
// of a running export before it happens, so the next export finishes the bookkeeping of one that was
// killed: it removes the killed run's temp files and knows its entries as Kith's own.
import {
  type BigIntStats,
  closeSync,
  constants,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { writeFileAtomic } from './atomic.ts';
import { ExportError, fsError } from './errors.ts';

export type LinkMode = 'hard' | 'symlink' | 'copy';
export const MANIFEST_FILE = '.kith-export.json';
export const JOURNAL_FILE = '.kith-export.journal';

/** A file Kith made, as it made it. Numbers are decimal strings: inodes can exceed 2^53. */
export interface Entry {
  /** Relative to the export folder: "<person folder>/<file>". */
  path: string;
  kind: LinkMode;
  /** The photo it stands for. */
  src: string;
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
}

interface Manifest {
  schema: 'kith.folders';
  version: 2;
  /** The entries' paths, for a reader that wants only the list (version 1 had only this). */
  files: string[];
  entries: Entry[];
  /** Folders Kith created, removed again once the export empties them. */
  dirs: string[];
}

type JournalRecord =
  | { op: 'mkdir'; path: string }
  | { op: 'tmp'; path: string }
  | { op: 'made'; entry: Entry };

export function entryOf(path: string, kind: LinkMode, src: string, st: BigIntStats): Entry {
  return {
    path,
    kind,
    src,
    dev: String(st.dev),
    ino: String(st.ino),
    size: String(st.size),
    mtimeNs: String(st.mtimeNs),
  };
}

/**
 * Is the file at `abs` (lstat `st`) still the one Kith made? A hard link shares the photo's inode, so
 * its size and mtime follow the photo's; a copy the user edited is theirs now.
 */
function isEntry(e: Entry, st: BigIntStats, abs: string): boolean {
  if (String(st.dev) !== e.dev || String(st.ino) !== e.ino) return false;
  switch (e.kind) {
    case 'hard':
      return st.isFile();
    case 'symlink':
      return st.isSymbolicLink() && readlinkSync(abs) === e.src;
    case 'copy':
      return st.isFile() && String(st.size) === e.size && String(st.mtimeNs) === e.mtimeNs;
  }
}

const KINDS: readonly LinkMode[] = ['hard', 'symlink', 'copy'];
const STRINGS = ['path', 'src', 'dev', 'ino', 'size', 'mtimeNs'] as const;

function asEntry(v: unknown): Entry | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof o[k] === 'string' ? o[k] : undefined);
  const [path, src, dev, ino, size, mtimeNs] = STRINGS.map(str);
  const kind = KINDS.find((k) => k === o.kind);
  if (!kind || !path || !src || !dev || !ino || !size || !mtimeNs) return undefined;
  return { path, kind, src, dev, ino, size, mtimeNs };
}

function notAManifest(file: string): ExportError {
  return new ExportError(
    file,
    `Cannot read ${file}: it is not a Kith export manifest; remove it or pick another folder.`,
  );
}

/** A regular file's text; undefined when absent. Never follows a symlink. */
function readOwnFile(file: string): string | undefined {
  let st: BigIntStats;
  try {
    st = lstatSync(file, { bigint: true });
  } catch {
    return undefined;
  }
  if (!st.isFile()) throw notAManifest(file);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw fsError(err, file, 'read');
  }
}

/** The export folder's record of what Kith made in it, kept on disk as the export goes. */
export class FoldersManifest {
  /** The export folder, symlinks resolved: every path below it is checked to be really inside. */
  readonly root: string;
  /** Kith's files in the folder now, by relative path; each checked against the disk. */
  readonly files = new Map<string, Entry>();
  /** Folders Kith created (relative, one level). */
  readonly dirs = new Set<string>();
  #journal: number | undefined;

  constructor(root: string) {
    this.root = root;
    const candidates = new Map<string, Entry[]>();
    const add = (e: Entry) => candidates.set(e.path, [...(candidates.get(e.path) ?? []), e]);
    const dirs = new Set<string>();
    const m = this.#readManifest();
    for (const e of m.entries) add(e);
    for (const d of m.dirs) dirs.add(d);
    // A journal left behind: the last export was killed. Its records say what it made and where its
    // temp files were; the temp files go now.
    for (const r of this.#readJournal()) {
      if (r.op === 'mkdir') dirs.add(r.path);
      else if (r.op === 'made') add(r.entry);
      else {
        const st = this.lstat(r.path);
        if (st?.isFile() || st?.isSymbolicLink()) rmSync(join(root, r.path), { force: true });
      }
    }
    for (const [path, es] of candidates) {
      const st = this.lstat(path);
      const own = st && es.find((e) => isEntry(e, st, join(root, path)));
      if (own) this.files.set(path, own);
    }
    for (const d of dirs) if (this.lstat(d)?.isDirectory()) this.dirs.add(d);
  }

  /**
   * lstat of `rel` inside the root, or undefined when it is absent or not really inside: a path that
   * leaves the root or passes through a symlink is never looked at (nor written, nor removed).
   */
  lstat(rel: string): BigIntStats | undefined {
    if (rel === '' || isAbsolute(rel) || normalize(rel) !== rel || rel.split(sep).includes('..')) {
      return undefined;
    }
    const abs = join(this.root, rel);
    try {
      if (realpathSync(dirname(abs)) !== dirname(abs)) return undefined;
      return lstatSync(abs, { bigint: true });
    } catch {
      return undefined;
    }
  }

  /** Is the file at `rel` (lstat `st`) the one Kith recorded there? */
  owns(rel: string, st: BigIntStats): boolean {
    const e = this.files.get(rel);
    return e !== undefined && isEntry(e, st, join(this.root, rel));
  }

  /** Records a step before it is taken (a created folder, a temp file) or once it is (a file made). */
  record(r: JournalRecord): void {
    const file = join(this.root, JOURNAL_FILE);
    try {
      this.#journal ??= openSync(
        file,
        constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0),
        0o644,
      );
      // Written straight to the file: a killed process loses nothing the kernel has (no fsync; a
      // power cut can still lose the tail, which costs a temp file or a re-made link, not a photo).
      writeSync(this.#journal, `${JSON.stringify(r)}\n`);
    } catch (err) {
      throw fsError(err, file, 'write');
    }
  }

  /** Writes the manifest of what is there now and drops the journal: the export is complete. */
  commit(): void {
    const entries = [...this.files.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
    const manifest: Manifest = {
      schema: 'kith.folders',
      version: 2,
      files: entries.map((e) => e.path),
      entries,
      dirs: [...this.dirs].sort(),
    };
    writeFileAtomic(join(this.root, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
    this.close();
    rmSync(join(this.root, JOURNAL_FILE), { force: true });
  }

  close(): void {
    if (this.#journal !== undefined) closeSync(this.#journal);
    this.#journal = undefined;
  }

  #readManifest(): { entries: Entry[]; dirs: string[] } {
    const file = join(this.root, MANIFEST_FILE);
    const text = readOwnFile(file);
    if (text === undefined) return { entries: [], dirs: [] };
    let m: Partial<Manifest> | null;
    try {
      m = JSON.parse(text) as Partial<Manifest> | null;
    } catch {
      throw notAManifest(file);
    }
    if (m?.schema !== 'kith.folders') throw notAManifest(file);
    // Version 1 listed paths only: nothing there proves Kith made a file, so none is trusted (entries
    // that are already what the export makes are taken over when it gets to them).
    if (m.version !== 2) return { entries: [], dirs: [] };
    const entries = Array.isArray(m.entries) ? m.entries.map(asEntry).filter((e) => e !== undefined) : [];
    const dirs = Array.isArray(m.dirs) ? m.dirs.filter((d): d is string => typeof d === 'string') : [];
    return { entries, dirs };
  }

  #readJournal(): JournalRecord[] {
    const text = readOwnFile(join(this.root, JOURNAL_FILE));
    const records: JournalRecord[] = [];
    for (const line of text?.split('\n') ?? []) {
      let r: Partial<{ op: string; path: string; entry: unknown }> | null;
      try {
        r = JSON.parse(line) as typeof r; // a killed write leaves half a line
      } catch {
        continue;
      }
      const entry = r?.op === 'made' ? asEntry(r.entry) : undefined;
      if (entry) records.push({ op: 'made', entry });
      else if ((r?.op === 'mkdir' || r?.op === 'tmp') && typeof r.path === 'string') {
        records.push({ op: r.op, path: r.path });
      }
    }
    return records;
  }
}
