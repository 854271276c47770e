// The app's folders and settings (face pipeline, grouping threshold), stored in the library.

import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PIPELINES } from '../../../ml/models/manifest.ts';
import {
  ApiError,
  type ParsedInput,
  type PipelineChoice,
  type PipelineChoices,
  type Settings,
} from '../../shared/api.ts';
import { thresholdSettingKey } from '../scan-job.ts';
import type { Library } from '../store/library.ts';
import type { LibraryServiceOptions } from './context.ts';
import { isInside } from './media.ts';
import { coverRoots } from './watch-schedule.ts';

/** Settings keys this service owns (the settings table is shared with the rest of the core). */
// The threshold lives in scan-job's per-embedder setting (a distance only means something for the
// embedder it was calibrated on), shared with `kith recluster --threshold`.
const KEYS = { folders: 'app.folders', pipeline: 'app.pipeline' } as const;

export class ServiceSettings {
  readonly #library: Library;
  readonly #options: LibraryServiceOptions;

  constructor(library: Library, options: LibraryServiceOptions) {
    this.#library = library;
    this.#options = options;
  }

  folders(): string[] {
    const stored = this.#library.read.getSetting(KEYS.folders);
    if (Array.isArray(stored) && stored.every((f) => typeof f === 'string')) return stored;
    // A library scanned by `kith scan` has no folder list yet: its scan roots are its folders.
    const roots = new Set<string>();
    for (const job of this.#library.read.listScanJobs(50)) for (const r of job.roots) roots.add(r);
    return coverRoots(roots); // the watcher's scans of subfolders are not folders of their own
  }

  /** Folders whose photos the media service may serve: the library's, and any scan's roots. */
  allowedRoots(): string[] {
    const roots = new Set(this.folders());
    for (const job of this.#library.read.listScanJobs(200)) for (const r of job.roots) roots.add(r);
    return [...roots];
  }

  settings(): Settings {
    const read = this.#library.read;
    const embedder = read.embedderCounts()[0]?.embedderId;
    const t = embedder === undefined ? null : read.getSetting(thresholdSettingKey(embedder));
    const p = read.getSetting(KEYS.pipeline);
    return {
      threshold: typeof t === 'number' && Number.isFinite(t) ? t : null,
      pipeline: typeof p === 'string' && p !== '' ? p : (this.#options.pipeline ?? 'auto'),
    };
  }

  async addFolder(raw: string): Promise<string[]> {
    const path = resolve(raw);
    const s = await stat(path).catch(() => null);
    if (!s?.isDirectory()) throw new ApiError('invalid-request', `There is no folder at ${path}.`);
    const folders = this.folders();
    if (folders.some((f) => isInside(f, path))) return folders; // already included
    // A parent of existing folders replaces them.
    const next = [...folders.filter((f) => !isInside(path, f)), path].sort();
    this.#library.write.setSetting(KEYS.folders, next);
    return next;
  }

  removeFolder(path: string): void {
    const target = resolve(path);
    const folders = this.folders();
    if (!folders.includes(target)) throw new ApiError('not-found', `${target} is not a library folder.`);
    this.#library.write.setSetting(
      KEYS.folders,
      folders.filter((f) => f !== target),
    );
  }

  async setSettings(input: ParsedInput<'setSettings'>): Promise<void> {
    if (input.pipeline !== undefined) await this.#checkPipeline(input.pipeline);
    if (input.threshold !== undefined) {
      const embedder = this.#library.read.embedderCounts()[0]?.embedderId;
      if (embedder === undefined) {
        throw new ApiError(
          'conflict',
          'Scan some photos first: the threshold belongs to the face model that made them.',
        );
      }
      this.#library.write.setSetting(thresholdSettingKey(embedder), input.threshold);
    }
    if (input.pipeline !== undefined) this.#library.write.setSetting(KEYS.pipeline, input.pipeline);
  }

  /** Every pipeline with whether it can run here; ONNX Runtime loads on the first call only. */
  async pipelineChoices(): Promise<PipelineChoices> {
    const { pipelineUnavailable } = await import('../../../ml/models/registry.ts');
    const loc = { modelsDir: this.#options.modelsDir };
    const pipelines: PipelineChoice[] = [];
    for (const p of PIPELINES) {
      pipelines.push({ id: p.id, label: p.label, unavailable: await pipelineUnavailable(p, loc) });
    }
    // 'auto' keeps the pipeline that analysed the library while it runs (scan-job.ts).
    const { keptPipeline } = await import('../library-models.ts');
    const kept = await keptPipeline(this.#library, loc);
    return { auto: kept ?? pipelines.find((p) => p.unavailable === null)?.id ?? null, pipelines };
  }

  /** Refuses a pipeline that is unknown or cannot run here, before it is saved. */
  async #checkPipeline(id: string): Promise<void> {
    if (id === 'auto') return;
    const entry = PIPELINES.find((p) => p.id === id);
    if (!entry) throw new ApiError('invalid-request', `There is no face model "${id}".`);
    const { pipelineUnavailable } = await import('../../../ml/models/registry.ts');
    const why = await pipelineUnavailable(entry, { modelsDir: this.#options.modelsDir });
    if (why) throw new ApiError('conflict', `${entry.label} cannot run here: ${why}`);
  }
}
