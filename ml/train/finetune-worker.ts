// worker_thread entry of finetuneInWorker (worker.ts): runs finetune on the data it was started
// with and posts progress, then the result (or the error).
import { parentPort, workerData } from 'node:worker_threads';
import { finetune } from './finetune.ts';
import type { WorkerData, WorkerMessage } from './worker.ts';

const port = parentPort;
if (!port) throw new Error('finetune-worker.ts must run in a worker thread');
const post = (m: WorkerMessage): void => port.postMessage(m);
const { set, options } = workerData as WorkerData;
try {
  const result = await finetune(set, {
    ...options,
    onProgress: (p) => post({ type: 'progress', progress: p }),
  });
  post({ type: 'done', result });
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ type: 'error', name: e.name, message: e.message });
}
