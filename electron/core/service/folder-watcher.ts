// Folders that watch themselves: while the app runs, photos added, changed, moved or deleted in the
// library's folders are noticed and handed to the ScanScheduler (watch-schedule.ts), which runs one
// debounced incremental scan of the folders concerned. At start it scans every folder once, catching
// up with what changed while the app was closed. Only the app's library service watches (the CLI
// never makes a FolderWatcher), and the watcher is not persistent, so it keeps no process alive.
//
// chokidar (a dependency already) rather than Node's recursive fs.watch: on Linux recursive fs.watch
// is emulated in JavaScript with one inotify watch per subfolder and takes no filter, so it would
// also watch hidden and system folders (.git, @eaDir, node_modules) that the scanner skips; chokidar
// prunes those, keeps one behaviour across Node 20 (CLI, tests, dev:web), Electron's Node and the
// three systems, copes with the atomic renames of editors and copy tools, and reports a watch it
// cannot set up (inotify's limit) as an error event instead of throwing.
import { basename, dirname, extname, resolve } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { IMAGE_EXTENSIONS, isHiddenOrSystemFolder } from '../scanner/index.ts';
import { type ScanOutcome, ScanScheduler, type ScanSchedulerOptions } from './watch-schedule.ts';

export interface FolderWatcherOptions {
  /** The library's folders now. */
  folders: () => readonly string[];
  /** Runs one incremental scan of `roots`; see ScanSchedulerOptions.scan. */
  scan: (roots: string[]) => Promise<ScanOutcome>;
  /** Paths never watched, e.g. the library's own folder (its thumbnails are images too). */
  ignore?: readonly string[];
  /** Debounce and retry timing (tests shorten it). */
  timing?: Pick<ScanSchedulerOptions, 'debounceMs' | 'maxWaitMs' | 'busyRetryMs' | 'failRetryMs'>;
  /** A watch error (e.g. too many folders for the system's limit); default: a console warning. */
  onError?: (err: Error) => void;
}

const isPhoto = (path: string) =>
  !basename(path).startsWith('.') && IMAGE_EXTENSIONS.has(extname(path).toLowerCase());

export class FolderWatcher {
  readonly #options: FolderWatcherOptions;
  readonly #scheduler: ScanScheduler;
  #watcher: FSWatcher | null = null;
  #watched = new Set<string>();
  #ready: Promise<void> = Promise.resolve();

  constructor(options: FolderWatcherOptions) {
    this.#options = options;
    this.#scheduler = new ScanScheduler({
      ...options.timing,
      scan: options.scan,
      folders: options.folders,
    });
  }

  /** True while folders are being watched. */
  get watching(): boolean {
    return this.#watcher !== null;
  }

  /** Starts watching the library's folders and scans them all once (the catch-up). */
  start(): void {
    if (this.#watcher) return;
    const ignore = (this.#options.ignore ?? []).map((p) => resolve(p));
    const watcher = watch([], {
      ignoreInitial: true,
      persistent: false,
      ignored: (path, stats) => {
        if (this.#watched.has(path)) return false;
        if (ignore.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}\\`)))
          return true;
        if (stats?.isFile()) return !isPhoto(path);
        // A folder, or a path not stat'ed yet: hidden and system folders are not the user's photos.
        return isHiddenOrSystemFolder(basename(path));
      },
    });
    const changed = (path: string) => this.#scheduler.add([dirname(path)]);
    watcher.on('add', (p) => isPhoto(p) && changed(p));
    watcher.on('change', (p) => isPhoto(p) && changed(p));
    watcher.on('unlink', (p) => isPhoto(p) && changed(p));
    watcher.on('addDir', changed);
    watcher.on('unlinkDir', changed);
    watcher.on('error', (err) => {
      const e = err instanceof Error ? err : new Error(String(err));
      if (this.#options.onError) this.#options.onError(e);
      else console.warn(`kith: watching the photo folders: ${e.message}`);
    });
    this.#watcher = watcher;
    this.#ready = new Promise((r) => watcher.once('ready', () => r()));
    this.sync(true);
  }

  /**
   * The folder list changed: watches new folders and scans them at once, stops watching removed ones.
   * `all`: scan every folder (at start).
   */
  sync(all = false): void {
    const watcher = this.#watcher;
    if (!watcher) return;
    const folders = new Set(this.#options.folders().map((f) => resolve(f)));
    const added = [...folders].filter((f) => !this.#watched.has(f));
    const removed = [...this.#watched].filter((f) => !folders.has(f));
    this.#watched = folders;
    if (removed.length) watcher.unwatch(removed);
    if (added.length) watcher.add(added);
    const toScan = all ? [...folders] : added;
    if (toScan.length) this.#scheduler.add(toScan, true);
  }

  /** Resolves when the folders' first listing is done (changes after this are seen). */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Resolves once no change waits for a scan and no scan it asked for runs. */
  settled(): Promise<void> {
    return this.#scheduler.settled();
  }

  /** Stops watching; a scan it started is cancelled by the service, and awaited here. */
  async close(): Promise<void> {
    const watcher = this.#watcher;
    this.#watcher = null;
    await Promise.all([watcher?.close(), this.#scheduler.close()]);
  }
}
