// The app's library service: implements the API contract (electron/shared/api.ts) on the core.
// Plain Node, no Electron: the Electron shell runs it in a utility process, the HTTP bridge and the
// tests run it in-process. It composes its parts: settings and folders (settings.ts), the scan
// (scan.ts, runScanJob under a ScanController), Improve recognition (improve.ts), hand-drawn faces
// (drawn-face.ts), what the views read (people-view.ts) and the handler table (handlers.ts); every
// correction goes through core/people/corrections.ts. This class owns the events and the caches'
// lifetime: a change anywhere drops what it made stale and tells the listeners.
import { join, resolve } from 'node:path';
import type { EventName, EventPayload, ServiceHandlers } from '../../shared/api.ts';
import { Corrections } from '../people/corrections.ts';
import { markInterruptedScans } from '../scanner/index.ts';
import { type Library, openLibrary } from '../store/library.ts';
import type {
  ChangeReason,
  LibraryServiceOptions,
  ServiceContext,
  ServiceEvent,
  ServiceListener,
} from './context.ts';
import { ServiceDrawnFaces } from './drawn-face.ts';
import { FolderWatcher } from './folder-watcher.ts';
import { makeHandlers } from './handlers.ts';
import { ServiceImprove } from './improve.ts';
import { MediaService } from './media.ts';
import { PeopleView } from './people-view.ts';
import { ServiceScan } from './scan.ts';
import { ServiceSettings } from './settings.ts';

export type { LibraryServiceOptions, ServiceEvent, ServiceListener } from './context.ts';

export class LibraryService {
  readonly library: Library;
  readonly media: MediaService;
  readonly handlers: ServiceHandlers;
  readonly #listeners = new Set<ServiceListener>();
  readonly #scan: ServiceScan;
  readonly #improve: ServiceImprove;
  readonly #people: PeopleView;
  readonly #drawnFaces: ServiceDrawnFaces;
  #closed = false;
  /** Execution providers analysis uses (ml/models/registry.ts), once the runtime is loaded. */
  #providers: string[] = [];
  /** SQLite's count of commits by other connections, as last seen (see #noticeOutsideWrites). */
  #dataVersion: number;
  readonly #outsideTimer: NodeJS.Timeout;
  readonly #watcher: FolderWatcher | null;

  constructor(library: Library, options: LibraryServiceOptions) {
    this.library = library;
    const settings = new ServiceSettings(library, options);
    this.media = new MediaService(library, {
      cacheDir: options.cacheDir ?? join(options.libraryDir, 'thumbnails'),
      allowedRoots: () => settings.allowedRoots(),
    });
    const self = this;
    const ctx: ServiceContext = {
      library,
      options,
      media: this.media,
      get closed() {
        return self.#closed;
      },
      emit: (name, payload) => this.#emit(name, payload),
      changed: (reason, personIds) => this.#changed(reason, personIds),
      noticeOutsideWrites: () => this.#noticeOutsideWrites(),
    };
    const corrections = new Corrections(library);
    this.#scan = new ServiceScan(ctx, settings, () => this.#improve.running);
    this.#improve = new ServiceImprove(ctx, () => this.#scan.running);
    this.#people = new PeopleView(ctx);
    this.#drawnFaces = new ServiceDrawnFaces(ctx, settings, corrections);
    // Scans a killed process left 'running' show as interrupted rather than as a live scan.
    markInterruptedScans(library);
    this.#dataVersion = this.#readDataVersion();
    this.#outsideTimer = setInterval(() => {
      try {
        this.#noticeOutsideWrites();
      } catch {
        // A library that cannot be read right now: the next request reports it.
      }
    }, options.outsideWritesMs ?? 1000);
    this.#outsideTimer.unref();
    const scan = this.#scan;
    this.#watcher = options.watch
      ? new FolderWatcher({
          folders: () => settings.folders(),
          scan: (roots) => scan.watchScan(roots),
          ignore: [options.libraryDir, ...(options.cacheDir ? [options.cacheDir] : [])],
        })
      : null;
    this.handlers = makeHandlers({
      ctx,
      settings,
      scan: this.#scan,
      improve: this.#improve,
      people: this.#people,
      drawnFaces: this.#drawnFaces,
      corrections,
      providers: () => this.#providers,
      watcher: this.#watcher,
    });
    // Read the People list ahead of the UI's first request (it is the first thing the app shows).
    setImmediate(() => {
      if (this.#closed) return;
      try {
        this.#people.allPeople();
      } catch {
        // A damaged or unreadable library: the UI's own request reports it, with its message.
      }
      this.#watcher?.start();
      // Then the ONNX runtime (for the status's providers), off the first screen's path.
      import('../../../ml/models/registry.ts')
        .then((m) => {
          this.#providers = m.providersInEffect({});
        })
        .catch(() => {});
    });
  }

  /** Opens (migrating, and with `create` creating) the library in `libraryDir`. */
  static open(options: LibraryServiceOptions): LibraryService {
    return new LibraryService(
      openLibrary(resolve(options.libraryDir), { create: options.create ?? false }),
      options,
    );
  }

  /** Subscribes to scan progress and library changes; returns the unsubscribe function. */
  on(listener: ServiceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Cancels a running scan (files in flight are saved), waits for it, closes the library. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#outsideTimer);
    await this.#watcher?.close();
    await this.#scan.stop();
    this.#improve.stop();
    this.#listeners.clear();
    await this.#drawnFaces.close();
    this.library.close();
  }

  // ── events ──

  #emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const event = { name, payload } as ServiceEvent;
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch {
        // A failing listener (a closed window) must not break the scan or the other listeners.
      }
    }
  }

  /** Something changed: drops what is cached (see PeopleView.invalidate) and tells the listeners. */
  #changed(reason: ChangeReason, personIds: number[] = []): void {
    this.#people.invalidate(reason, personIds);
    this.#emit('libraryChanged', { reason, personIds });
  }

  #readDataVersion(): number {
    return this.library.db.pragma('data_version', { simple: true }) as number;
  }

  /**
   * Another process (a `kith` command renaming or merging while the app runs) committed to the
   * library: SQLite's data_version, which counts other connections' commits only, has moved. Drops
   * what is cached and tells the listeners. Checked before cached reads and on a timer, so an idle
   * window refreshes too.
   */
  #noticeOutsideWrites(): void {
    if (this.#closed) return;
    const version = this.#readDataVersion();
    if (version === this.#dataVersion) return;
    this.#dataVersion = version;
    this.media.clear();
    this.#changed('outside');
  }
}
