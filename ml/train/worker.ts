// Training off the calling thread: finetune runs in a worker_thread, so the service that asked for
// it keeps answering (training is seconds of tight numeric loops). Same code, same seed: the same
// weights as finetune in-process (the numbers are plain IEEE float arithmetic in both).
import { Worker } from 'node:worker_threads';
import type { FinetuneOptions, FinetuneResult } from './finetune.ts';
import type { TrainingSet } from './triplet.ts';

export type TrainProgress = { step: number; steps: number; loss: number; active: number };

/** What the worker is started with (structured-cloned: no callbacks, no signal). */
export interface WorkerData {
  set: TrainingSet;
  options: Omit<FinetuneOptions, 'onProgress' | 'signal'>;
}

export type WorkerMessage =
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'done'; result: FinetuneResult }
  | { type: 'error'; name: string; message: string };

const ENTRY = new URL('./finetune-worker.ts', import.meta.url).href;

// Node 20 does not apply `--import` loader hooks to a worker's entry file (nodejs/node#47747), so, as
// the analyzer pool does, the entry is a tiny module that imports the .ts file and registers tsx in
// the worker when Node rejects the extension. Where .ts loads natively, the first import succeeds.
function bootstrapUrl(entry: string): URL {
  const api = import.meta.resolve('tsx/esm/api');
  const code = `try { await import(${JSON.stringify(entry)}); } catch (err) {
  if (err?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
  const { register } = await import(${JSON.stringify(api)});
  register();
  await import(${JSON.stringify(`${entry}?tsx`)});
}`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/** finetune in a worker_thread; aborting the signal terminates the worker and rejects. */
export function finetuneInWorker(set: TrainingSet, options: FinetuneOptions): Promise<FinetuneResult> {
  const { onProgress, signal, ...rest } = options;
  signal?.throwIfAborted();
  const data: WorkerData = { set, options: rest };
  return new Promise<FinetuneResult>((resolve, reject) => {
    const worker = new Worker(bootstrapUrl(ENTRY), { workerData: data });
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = (): void => finish(() => reject(signal?.reason ?? new Error('aborted')));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress?.(m.progress);
      else if (m.type === 'done') finish(() => resolve(m.result));
      else {
        const err = new Error(m.message);
        err.name = m.name;
        finish(() => reject(err));
      }
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`training worker exited (${code})`))));
  });
}
