import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  AnalyzerPool,
  PipelineInitError,
  scanLibrary,
  WorkerCrashError,
} from '../../../electron/core/scanner/index.ts';
import { openLibrary } from '../../../electron/core/store/index.ts';
import { ImageSkipError } from '../../../ml/types.ts';
import { tempDir } from '../store/helpers.ts';
import { analyzeDeterministic } from './fixtures/fake-pipeline.ts';
import { writeJpeg } from './fixtures/images.ts';

const fakeModule = new URL('./fixtures/fake-pipeline.ts', import.meta.url);

describe('AnalyzerPool', () => {
  // One pool for the behaviour tests: worker start-up (tsx in each thread) is the slow part.
  let pool: AnalyzerPool;
  let dir: string;
  const counter = new SharedArrayBuffer(8);
  before(async () => {
    pool = await AnalyzerPool.start({
      workers: 2,
      pipelineModule: fakeModule,
      pipelineOptions: { sleepMs: 30, counter }, // files named "slow" sleep 20× that
      taskTimeoutMs: 400,
    });
  });
  after(() => pool.close());

  test('runs photos in 2 workers at once; results and embeddings match in-process analysis', async (t) => {
    dir = tempDir(t, 'kith-pool-');
    const paths: string[] = [];
    for (let i = 0; i < 8; i++) {
      paths.push(join(dir, `p${i}.jpg`));
      await writeJpeg(paths[i]!, i + 1);
    }
    assert.deepEqual(pool.info, { id: 'fake', embedderId: 'fake-embedder', embeddingSize: 8, threshold: 1 });
    const results = await Promise.all(paths.map((p) => pool.analyze(p)));
    for (let i = 0; i < paths.length; i++) {
      const expected = await analyzeDeterministic(paths[i]!);
      assert.equal(results[i]!.faces.length, expected.faces.length);
      assert.equal(results[i]!.width, 16);
      assert.deepEqual(Array.from(results[i]!.faces[0]!.embedding), Array.from(expected.faces[0]!.embedding));
      assert.deepEqual(results[i]!.faces[0]!.box, expected.faces[0]!.box);
    }
    assert.equal(new Int32Array(counter)[1], 2, 'two photos were in analysis at the same time');
    const per = pool.stats.perWorker;
    assert.ok(per[0]! > 0 && per[1]! > 0, `both workers worked: ${per.join()}`);
  });

  test('pipeline errors come back as errors; ImageSkipError keeps its reason', async (t) => {
    dir = tempDir(t, 'kith-pool-');
    writeFileSync(join(dir, 'bad.jpg'), 'not an image');
    await writeJpeg(join(dir, 'throw.jpg'), 3);
    await assert.rejects(
      pool.analyze(join(dir, 'bad.jpg')),
      (e: unknown) => e instanceof ImageSkipError && e.reason === 'corrupt',
    );
    await assert.rejects(pool.analyze(join(dir, 'throw.jpg')), /analysis exploded/);
    assert.equal(pool.stats.crashes, 0);
  });

  test('a worker that dies fails only its photo, and is replaced', async (t) => {
    dir = tempDir(t, 'kith-pool-');
    const names = ['a.jpg', 'crash.jpg', 'b.jpg', 'uncaught.jpg', 'c.jpg', 'd.jpg'];
    for (const [i, n] of names.entries()) await writeJpeg(join(dir, n), i + 20);
    const settled = await Promise.allSettled(names.map((n) => pool.analyze(join(dir, n))));
    const summary = settled.map((r) =>
      r.status === 'fulfilled' ? 'ok' : r.reason instanceof WorkerCrashError ? 'crash' : 'err',
    );
    assert.deepEqual(summary, ['ok', 'crash', 'ok', 'crash', 'ok', 'ok']);
    const uncaught = settled[3] as PromiseRejectedResult;
    assert.match(String(uncaught.reason.message), /kaboom/);
    assert.equal(pool.stats.crashes, 2);
    await pool.analyze(join(dir, 'a.jpg')); // still working afterwards
  });

  test('a photo that takes too long kills its worker and fails as a crash', async (t) => {
    dir = tempDir(t, 'kith-pool-');
    await writeJpeg(join(dir, 'slow.jpg'), 1);
    await writeJpeg(join(dir, 'fast.jpg'), 2);
    const [slow, fast] = await Promise.allSettled([
      pool.analyze(join(dir, 'slow.jpg')),
      pool.analyze(join(dir, 'fast.jpg')),
    ]);
    assert.ok(slow.status === 'rejected' && slow.reason instanceof WorkerCrashError);
    assert.match(String(slow.reason.message), /timed out after 400 ms/);
    assert.equal(fast.status === 'fulfilled' && fast.value.width, 16);
  });

  test('scanLibrary with the pool records a crashed file as skipped and finishes', async (t) => {
    dir = tempDir(t, 'kith-pool-');
    const root = join(dir, 'photos');
    mkdirSync(root);
    await writeJpeg(join(root, 'one.jpg'), 31);
    await writeJpeg(join(root, 'crash.jpg'), 32);
    await writeJpeg(join(root, 'two.jpg'), 33);
    const library = openLibrary(join(dir, 'lib'), { create: true });
    t.after(() => library.close());
    const info = await pool.ready();
    const r = await scanLibrary({
      library,
      roots: [root],
      analyze: (p) => pool.analyze(p),
      pipelineId: info.id,
      embedderId: info.embedderId,
    });
    assert.equal(r.counts.analyzed, 2);
    assert.deepEqual(
      r.skippedFiles.map((f) => [f.path.slice(root.length + 1), f.reason]),
      [['crash.jpg', 'worker-crashed']],
    );
    assert.equal(library.read.embeddings('fake-embedder').dim, 8);
  });
});

describe('AnalyzerPool start-up', () => {
  test('a pipeline that cannot be created fails start() instead of restarting forever', async () => {
    await assert.rejects(
      AnalyzerPool.start({ workers: 1, pipelineModule: fakeModule, pipelineOptions: { failInit: true } }),
      (e: unknown) => e instanceof PipelineInitError && /model file missing/.test(e.message),
    );
  });
});

/** Runs a pool-child.ts scenario; a worker ended inside native code aborts that process. */
function runPoolChild(scenario: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = fileURLToPath(new URL('./fixtures/pool-child.ts', import.meta.url));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), child, scenario],
      { timeout: 90_000 },
      (err, stdout, stderr) => resolve({ code: err ? (err.code as number | null) : 0, stdout, stderr }),
    );
  });
}

describe('AnalyzerPool never ends a worker inside native code', () => {
  // ONNX Runtime's run() is native work on the worker's own thread; a worker terminated meanwhile made
  // node-addon-api throw into the dying environment: "terminate called after throwing an instance of
  // 'Napi::Error'", and the whole process aborted.
  test('a photo that times out in the model fails as a crash; the process lives on', async () => {
    const r = await runPoolChild('timeout');
    assert.equal(r.code, 0, `the process must not abort:\n${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { photos: string[]; crashes: number };
    assert.equal(out.photos.length, 2);
    for (const p of out.photos) assert.match(p, /^WorkerCrashError: .*timed out after 150 ms/);
    assert.equal(out.crashes, 2);
  });

  test('a worker failing to start while another is in the model stops the pool; the process lives on', async () => {
    const r = await runPoolChild('failure');
    assert.equal(r.code, 0, `the process must not abort:\n${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { photo: string; ready: string };
    assert.match(out.ready, /^PipelineInitError: .*model file damaged \(fake\)/);
    assert.match(out.photo, /^PipelineInitError: /);
  });
});
