// Finds image files under several roots: recursive, sorted, symlink-safe, never fatal on a bad folder.
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { RAW_EXTENSIONS } from '../../../ml/image/sniff.ts';

/** Lower-case extensions (with the dot) the scanner picks up. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.tif',
  '.tiff',
  '.gif',
  '.avif',
  '.heic',
  '.heif',
  ...RAW_EXTENSIONS, // analysed through their embedded JPEG preview
]);

/**
 * Folders that hold no user photos, compared case-insensitively. Names starting with a dot
 * (.Trashes, .git, .thumbnails, …) are skipped anyway.
 */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  '$recycle.bin',
  'system volume information',
  '@eadir', // Synology thumbnails
  '#recycle', // Synology recycle bin
  '#snapshot',
  'lost+found',
  'node_modules',
]);

export type WalkEvent =
  | { type: 'file'; root: string; path: string; size: number; mtimeMs: number }
  | {
      type: 'error';
      root: string;
      path: string;
      /** What could not be read: a root, a folder, or a file/link inside one. */
      target: 'root' | 'dir' | 'file';
      code: string;
      message: string;
    };

export interface WalkOptions {
  /** Stops the walk (the generator just ends). */
  signal?: AbortSignal | undefined;
  /** Default IMAGE_EXTENSIONS. */
  extensions?: ReadonlySet<string> | undefined;
  /** Extra folder filter on top of the hidden/system rules; return true to skip. */
  skipFolder?: ((name: string, path: string) => boolean) | undefined;
}

interface Dir {
  path: string;
  real: string;
}

// Stat this many files of a folder at once: enough to hide latency on network drives.
const STAT_BATCH = 32;

/**
 * A Node fs error's message without the code and path it repeats ("ELOOP: too many symbolic links
 * encountered, stat '/a/b.jpg'" → "too many symbolic links encountered"): reports show both already.
 */
export function fsErrorMessage(err: unknown, path: string): string {
  const e = err as NodeJS.ErrnoException;
  const message = e.message ?? String(err);
  const head = e.code ? `${e.code}: ` : '';
  const tail = e.syscall ? `, ${e.syscall} '${path}'` : '';
  if (!head || !message.startsWith(head)) return message;
  const rest = message.slice(head.length);
  return tail && rest.endsWith(tail) ? rest.slice(0, -tail.length) : rest;
}

function errorEvent(
  root: string,
  path: string,
  target: 'root' | 'dir' | 'file',
  err: unknown,
): Extract<WalkEvent, { type: 'error' }> {
  const e = err as NodeJS.ErrnoException;
  return {
    type: 'error',
    root,
    path,
    target,
    code: e.code ?? 'EUNKNOWN',
    message: fsErrorMessage(err, path),
  };
}

/**
 * Node decodes file names as UTF-8, turning invalid bytes (a Latin-1 "café" from an old camera or
 * archive) into U+FFFD, so such a file cannot be opened by the name it is listed under. Say that,
 * instead of the misleading "no such file" the stat returns.
 */
function undecodableName(path: string, err: unknown): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e.code !== 'ENOENT' || !basename(path).includes('\uFFFD')) return err;
  return Object.assign(new Error('file name is not valid UTF-8; rename the file to scan it'), {
    code: 'EILSEQ',
  });
}

/** Why a link to a photo cannot be followed, in words: its target is gone, or links form a loop. */
function linkError(path: string, err: unknown): unknown {
  const e = undecodableName(path, err) as NodeJS.ErrnoException;
  const why =
    e.code === 'ENOENT'
      ? 'broken symbolic link: its target does not exist'
      : e.code === 'ELOOP'
        ? 'symbolic link loop: the links point at each other'
        : undefined;
  return why ? Object.assign(new Error(why), { code: e.code }) : e;
}

export function isHiddenOrSystemFolder(name: string): boolean {
  return name.startsWith('.') || SKIPPED_FOLDERS.has(name.toLowerCase());
}

type FolderEvent = { type: 'folder'; root: string; files: string[] } | Extract<WalkEvent, { type: 'error' }>;

/**
 * The walk's rules without the per-file stat: every folder's image files (names sorted), plus an
 * 'error' event for every root, folder or linked file that could not be read.
 */
async function* walkFolders(roots: readonly string[], options: WalkOptions): AsyncGenerator<FolderEvent> {
  const extensions = options.extensions ?? IMAGE_EXTENSIONS;
  const visited = new Set<string>(); // realpaths of folders already queued
  const isImage = (name: string) => !name.startsWith('.') && extensions.has(extname(name).toLowerCase());
  const skipFolder = (name: string, path: string) =>
    isHiddenOrSystemFolder(name) || (options.skipFolder?.(name, path) ?? false);

  for (const rootArg of roots) {
    const root = resolve(rootArg);
    let rootReal: string;
    try {
      const st = await stat(root);
      if (!st.isDirectory()) {
        yield { type: 'error', root, path: root, target: 'root', code: 'ENOTDIR', message: 'not a folder' };
        continue;
      }
      rootReal = await realpath(root);
    } catch (err) {
      yield errorEvent(root, root, 'root', err);
      continue;
    }
    if (visited.has(rootReal)) continue;
    visited.add(rootReal);

    const stack: Dir[] = [{ path: root, real: rootReal }];
    while (stack.length > 0) {
      if (options.signal?.aborted) return;
      const dir = stack.pop()!;
      let entries: Dirent[];
      try {
        entries = await readdir(dir.path, { withFileTypes: true });
      } catch (err) {
        yield errorEvent(root, dir.path, dir.path === root ? 'root' : 'dir', err);
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

      const files: string[] = [];
      const subdirs: Dir[] = [];
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        const path = join(dir.path, e.name);
        if (e.isDirectory()) {
          // A plain folder's realpath is its parent's realpath plus its name: no syscall needed.
          if (!skipFolder(e.name, path)) subdirs.push({ path, real: join(dir.real, e.name) });
        } else if (e.isFile()) {
          if (isImage(e.name)) files.push(path);
        } else if (e.isSymbolicLink()) {
          try {
            const st = await stat(path);
            if (st.isDirectory()) {
              if (!skipFolder(e.name, path)) subdirs.push({ path, real: await realpath(path) });
            } else if (st.isFile() && isImage(e.name)) {
              files.push(path);
            }
          } catch (err) {
            // A dangling or looping link: report it only when it looks like a photo.
            if (isImage(e.name)) yield errorEvent(root, path, 'file', linkError(path, err));
          }
        }
      }
      if (files.length > 0) yield { type: 'folder', root, files };

      // Mark in name order (the first path to a folder wins), then push reversed so it pops first.
      const fresh = subdirs.filter((d) => {
        if (visited.has(d.real)) return false;
        visited.add(d.real);
        return true;
      });
      for (let i = fresh.length - 1; i >= 0; i--) stack.push(fresh[i]!);
    }
  }
}

/**
 * Yields every image file under `roots`, depth first with names sorted so the order is stable, plus an
 * 'error' event for every root, folder or file that could not be read (the walk goes on).
 * Symbolic links are followed; a folder reached twice (a link loop, a link into another root,
 * overlapping roots) is walked once, by the first path that reaches it.
 */
export async function* walkImages(
  roots: readonly string[],
  options: WalkOptions = {},
): AsyncGenerator<WalkEvent> {
  for await (const ev of walkFolders(roots, options)) {
    if (ev.type === 'error') {
      yield ev;
      continue;
    }
    const { root, files } = ev;
    for (let i = 0; i < files.length; i += STAT_BATCH) {
      const batch = files.slice(i, i + STAT_BATCH);
      const stats = await Promise.allSettled(batch.map((f) => stat(f)));
      for (let j = 0; j < batch.length; j++) {
        const r = stats[j]!;
        const path = batch[j]!;
        if (r.status === 'fulfilled') {
          yield { type: 'file', root, path, size: r.value.size, mtimeMs: r.value.mtimeMs };
        } else {
          yield errorEvent(root, path, 'file', undecodableName(path, r.reason));
        }
      }
    }
  }
}

/**
 * The image paths under `roots` by the same rules as walkImages, folder by folder, without a stat per
 * file: one directory listing per folder, so it runs far ahead of a scan to tell its size early.
 * Errors are left to walkImages.
 */
export async function* listImageFolders(
  roots: readonly string[],
  options: WalkOptions = {},
): AsyncGenerator<string[]> {
  for await (const ev of walkFolders(roots, options)) if (ev.type === 'folder') yield ev.files;
}
