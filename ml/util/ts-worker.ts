// [Note: TypeScript in workers] Node 20 does not apply `--import` loader hooks to a worker's entry
// file (nodejs/node#47747), so from the sources a worker's entry is a tiny ES module that imports the
// .ts file and, if Node rejects the extension, registers tsx in the worker and retries (a query string
// avoids the cached failure). On Node versions where `execArgv --import tsx` works, the first import
// succeeds. Built (see [Note: source and built layouts] in app-layout.ts) a worker's entry is its own
// bundle next to the caller's, and no loader is needed.
import { RUNNING_BUILT } from './app-layout.ts';

/** A `new Worker(...)` URL that runs the TypeScript module at `entry` (a file URL). */
export function tsWorkerUrl(entry: string): URL {
  const api = import.meta.resolve('tsx/esm/api');
  const code = `try { await import(${JSON.stringify(entry)}); } catch (err) {
  if (err?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
  const { register } = await import(${JSON.stringify(api)});
  register();
  await import(${JSON.stringify(`${entry}?tsx`)});
}`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/**
 * A module a worker loads: `source` (a .ts file URL) from the sources, else the bundle named `bundle`
 * in dist/app (scripts/build-app.ts builds one per name in WORKER_BUNDLES).
 */
export function workerModule(source: URL, bundle: WorkerBundle): string {
  return RUNNING_BUILT ? new URL(`./${bundle}.mjs`, import.meta.url).href : source.href;
}

/** The `new Worker(...)` URL for a worker entry (see workerModule). */
export function workerUrl(source: URL, bundle: WorkerBundle): URL {
  return RUNNING_BUILT ? new URL(workerModule(source, bundle)) : tsWorkerUrl(source.href);
}

/** Node flags a worker needs: tsx's loader from the sources (for what it imports later), none built. */
export function workerExecArgv(): string[] {
  return RUNNING_BUILT ? [] : ['--import', import.meta.resolve('tsx')];
}

/** The worker bundles of the built app, by entry source (relative to the app root). */
export const WORKER_BUNDLES = {
  'analyzer-worker': 'electron/core/scanner/analyzer-worker.ts',
  pipeline: 'ml/pipeline.ts',
  'finetune-worker': 'ml/train/finetune-worker.ts',
} as const;
export type WorkerBundle = keyof typeof WORKER_BUNDLES;
