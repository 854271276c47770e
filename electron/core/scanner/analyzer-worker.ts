// Worker thread body for AnalyzerPool: one pipeline per worker, one photo at a time.
import { parentPort, workerData } from 'node:worker_threads';
import type { FacePipeline, PhotoAnalysis, SkipReason } from '../../../ml/types.ts';
import type { FromWorker, PackedAnalysis, SerializedError, ToWorker, WorkerInit } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('analyzer-worker.ts must run in a worker thread');
const init = workerData as WorkerInit;

function serialize(err: unknown): SerializedError {
  if (err instanceof Error) {
    const out: SerializedError = { name: err.name, message: err.message };
    // By name, not instanceof: the pipeline module may hold its own copy of ml/types.ts.
    const reason = (err as { reason?: unknown }).reason;
    if (err.name === 'ImageSkipError' && typeof reason === 'string') out.reason = reason as SkipReason;
    return out;
  }
  return { name: 'Error', message: String(err) };
}

/** Copies the embeddings into one fresh buffer, so it can be transferred without detaching the pipeline's. */
function pack(a: PhotoAnalysis): { packed: PackedAnalysis; transfer: ArrayBuffer[] } {
  const lengths = a.faces.map((f) => f.embedding.length);
  const embeddings = new Float32Array(lengths.reduce((s, n) => s + n, 0));
  let o = 0;
  const faces = a.faces.map(({ embedding, ...rest }) => {
    embeddings.set(embedding, o);
    o += embedding.length;
    return rest;
  });
  return {
    packed: { width: a.width, height: a.height, takenAt: a.takenAt, faces, lengths, embeddings },
    transfer: [embeddings.buffer as ArrayBuffer],
  };
}

const post = (msg: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

async function start(): Promise<FacePipeline | undefined> {
  try {
    const mod = (await import(init.module)) as { createPipeline?: unknown };
    if (typeof mod.createPipeline !== 'function')
      throw new Error(`${init.module} does not export createPipeline`);
    const created = (mod.createPipeline as (o: Record<string, unknown>) => Promise<FacePipeline>)(
      init.options,
    );
    const pipeline = await created;
    // Models load here, not on the first photo: a damaged model file must stop the scan with one
    // clear error, not mark every photo as failed (which a later scan would not retry).
    await pipeline.ready?.();
    const { id, embedderId, embeddingSize, threshold } = pipeline;
    post({ type: 'ready', info: { id, embedderId, embeddingSize, threshold } });
    return pipeline;
  } catch (err) {
    // The pool answers with 'close', and this worker then exits (see the message handler).
    post({ type: 'init-error', error: serialize(err) });
    return undefined;
  }
}

const ready = start();
// Messages are handled one after another, so 'close' waits for the photo in progress. The worker
// exits by itself, from JavaScript, so no native call is on this thread when it ends: the pool never
// terminates it (see [Note: workers end themselves] in analyzer-pool.ts).
let chain: Promise<void> = Promise.resolve();
port.on('message', (msg: ToWorker) => {
  chain = chain.then(async () => {
    const pipeline = await ready;
    if (msg.type === 'close') {
      try {
        await pipeline?.close();
      } finally {
        process.exit(0);
      }
    }
    if (!pipeline) return;
    try {
      const { packed, transfer } = pack(await pipeline.analyzeFile(msg.path));
      post({ type: 'result', id: msg.id, analysis: packed }, transfer);
    } catch (err) {
      post({ type: 'error', id: msg.id, error: serialize(err) });
    }
  });
});
