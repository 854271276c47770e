// Training off the calling thread: finetune runs in a worker_thread, so the service that asked for
// it keeps answering (training is seconds of tight numeric loops). Same code, same seed: the same
// weights as finetune in-process (the numbers are plain IEEE float arithmetic in both).
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../util/ts-worker.ts';
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

const ENTRY = workerUrl(new URL('./finetune-worker.ts', import.meta.url), 'finetune-worker');

/** finetune in a worker_thread; aborting the signal terminates the worker and rejects. */
export function finetuneInWorker(set: TrainingSet, options: FinetuneOptions): Promise<FinetuneResult> {
  const { onProgress, signal, ...rest } = options;
  signal?.throwIfAborted();
  const data: WorkerData = { set, options: rest };
  return new Promise<FinetuneResult>((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: data });
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
