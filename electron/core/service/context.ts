// What the library service's parts (scan, improve, drawn faces, settings, people views) share.
import type { EventName, EventPayload } from '../../shared/api.ts';
import type { ScanJobOptions, ScanJobResult } from '../scan-job.ts';
import type { Library } from '../store/library.ts';
import type { MediaService } from './media.ts';

export interface LibraryServiceOptions {
  libraryDir: string;
  /** Default face pipeline when the user chose none ('auto'). */
  pipeline?: string | undefined;
  modelsDir?: string | undefined;
  /** Analysis worker threads (default: runScanJob's). */
  workers?: number | undefined;
  /** The scan job (tests inject a fake). Default runScanJob. */
  runScan?: (options: ScanJobOptions) => Promise<ScanJobResult>;
  /** Face thumbnail cache; default <libraryDir>/thumbnails. */
  cacheDir?: string | undefined;
  /** Make the library when the folder has none (the app's first run). Default false: an error. */
  create?: boolean | undefined;
  /** How often to look for writes by other processes (a `kith` command), in ms. Default 1000. */
  outsideWritesMs?: number | undefined;
  /**
   * Watch the folders and scan what changes in them, catch up at start, scan a folder when it is
   * added (folder-watcher.ts). The app's service only; default false.
   */
  watch?: boolean | undefined;
}

export type ServiceEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];
export type ServiceListener = (event: ServiceEvent) => void;
export type ChangeReason = EventPayload<'libraryChanged'>['reason'];

export interface ServiceContext {
  readonly library: Library;
  readonly options: LibraryServiceOptions;
  readonly media: MediaService;
  /** close() has begun: no new work starts. */
  readonly closed: boolean;
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  /** Something changed: drops what is cached and tells the listeners (see LibraryService). */
  changed(reason: ChangeReason, personIds?: number[]): void;
  /** Drops what is cached when another process wrote to the library; called before cached reads. */
  noticeOutsideWrites(): void;
}
