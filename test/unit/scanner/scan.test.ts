import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  markInterruptedScans,
  ScanController,
  type ScanOptions,
  type ScanProgress,
  scanLibrary,
} from '../../../electron/core/scanner/index.ts';
import { type Library, openLibrary } from '../../../electron/core/store/index.ts';
import type { PhotoAnalysis } from '../../../ml/types.ts';
import { tempDir } from '../store/helpers.ts';
import { analyzeDeterministic } from './fixtures/fake-pipeline.ts';
import { writeJpeg } from './fixtures/images.ts';

interface Setup {
  root: string;
  libDir: string;
  lib: Library;
  calls: string[];
  analyze: (path: string) => Promise<PhotoAnalysis>;
  scan(extra?: Partial<ScanOptions>): ReturnType<typeof scanLibrary>;
}

async function setup(t: { after(fn: () => void): void }, files: Record<string, number>): Promise<Setup> {
  const dir = tempDir(t, 'kith-scan-');
  const root = join(dir, 'photos');
  const libDir = join(dir, 'lib');
  mkdirSync(root);
  for (const [rel, seed] of Object.entries(files)) await writeJpeg(join(root, rel), seed);
  const lib = openLibrary(libDir, { create: true });
  t.after(() => lib.close());
  const calls: string[] = [];
  const analyze = (path: string) => {
    calls.push(path);
    return analyzeDeterministic(path);
  };
  const s: Setup = {
    root,
    libDir,
    lib,
    calls,
    analyze,
    scan: (extra = {}) =>
      scanLibrary({
        library: s.lib,
        roots: [root],
        analyze: s.analyze,
        pipelineId: 'fake',
        embedderId: 'fake-embedder',
        ...extra,
      }),
  };
  return s;
}

/** Expected total faces for these files, from the analyzer itself. */
async function expectedFaces(paths: string[]): Promise<number> {
  let n = 0;
  for (const p of paths) n += (await analyzeDeterministic(p)).faces.length;
  return n;
}

function faceIds(lib: Library): number[] {
  return lib.db.prepare<[], number>('SELECT id FROM faces ORDER BY id').pluck().all();
}

const FIVE = { 'a.jpg': 1, 'b.jpg': 2, 'sub/c.jpg': 3, 'sub/d.JPEG': 4, 'e.png.jpg': 5 };

describe('scanLibrary', () => {
  test('first scan analyses every photo; a rescan of unchanged files reads nothing', async (t) => {
    const s = await setup(t, FIVE);
    const first = await s.scan();
    assert.equal(first.state, 'done');
    assert.equal(first.counts.discovered, 5);
    assert.equal(first.counts.analyzed, 5);
    assert.equal(s.calls.length, 5);
    const faces = await expectedFaces(s.calls);
    assert.equal(first.counts.faces, faces);
    assert.equal(faceIds(s.lib).length, faces);
    assert.equal(s.lib.read.getScanJob(first.jobId)!.state, 'done');
    assert.equal(s.lib.read.getScanJob(first.jobId)!.faces, faces);

    const before = faceIds(s.lib);
    const second = await s.scan();
    assert.deepEqual(second.counts, {
      discovered: 5,
      analyzed: 0,
      unchanged: 5,
      moved: 0,
      skipped: 0,
      missing: 0,
      faces: 0,
    });
    assert.equal(s.calls.length, 5, 'analyze not called again');
    assert.deepEqual(faceIds(s.lib), before);
  });

  test('prepare runs once before the first analysis, never when nothing needs one; its failure is fatal', async (t) => {
    const s = await setup(t, FIVE);
    let prepared = 0;
    const prepare = async () => {
      prepared++;
    };
    await s.scan({ prepare });
    assert.equal(prepared, 1);
    const again = await s.scan({ prepare });
    assert.equal(again.counts.unchanged, 5);
    assert.equal(prepared, 1, 'a re-scan with nothing new prepares nothing (loads no model)');

    await writeJpeg(join(s.root, 'new.jpg'), 9);
    await assert.rejects(
      s.scan({
        prepare: async () => {
          throw new Error('model file damaged');
        },
      }),
      /model file damaged/,
    );
    assert.equal(s.lib.read.getPhotoByPath(join(s.root, 'new.jpg')), undefined, 'not recorded as skipped');
  });

  test('a touched file is hashed but not re-analysed; an edited one is re-analysed', async (t) => {
    const s = await setup(t, FIVE);
    await s.scan();
    const a = join(s.root, 'a.jpg');
    const b = join(s.root, 'b.jpg');
    utimesSync(a, new Date(), new Date(Date.now() + 5000));
    await writeJpeg(b, 42);
    const r = await s.scan();
    assert.equal(r.counts.unchanged, 4);
    assert.equal(r.counts.analyzed, 1);
    assert.deepEqual(s.calls.slice(5), [b]);
    assert.equal(
      s.lib.read.getPhotoByPath(a)!.mtimeMs,
      Math.floor((await import('node:fs')).statSync(a).mtimeMs),
    );
  });

  test('a rename or move keeps the photo id, its faces and its people', async (t) => {
    const s = await setup(t, FIVE);
    await s.scan();
    const old = s.lib.read.getPhotoByPath(join(s.root, 'a.jpg'))!;
    const faces = s.lib.read.listFaces(old.id).map((f) => f.id);
    const ann = s.lib.write.createPerson('Ann');
    s.lib.write.assignFace(faces[0]!, ann, 'user');

    mkdirSync(join(s.root, 'moved'));
    renameSync(join(s.root, 'a.jpg'), join(s.root, 'moved', 'renamed.jpg'));
    const r = await s.scan();
    assert.equal(r.counts.moved, 1);
    assert.equal(r.counts.analyzed, 0);
    assert.equal(r.counts.missing, 0);
    const now = s.lib.read.getPhotoByPath(join(s.root, 'moved', 'renamed.jpg'))!;
    assert.equal(now.id, old.id);
    assert.equal(now.status, 'analyzed');
    assert.deepEqual(
      s.lib.read.listFaces(now.id).map((f) => f.id),
      faces,
    );
    assert.equal(s.lib.read.getPerson(ann)!.faces[0]!.path, join(s.root, 'moved', 'renamed.jpg'));
  });

  test('a copy is a new photo; the original stays', async (t) => {
    const s = await setup(t, { 'a.jpg': 1 });
    await s.scan();
    const { copyFileSync } = await import('node:fs');
    copyFileSync(join(s.root, 'a.jpg'), join(s.root, 'copy.jpg'));
    const r = await s.scan();
    assert.equal(r.counts.moved, 0);
    assert.equal(r.counts.analyzed, 1);
    assert.equal(s.lib.read.countPhotosByStatus().analyzed, 2);
  });

  test('deleted photos become missing with faces and people kept, and come back unchanged', async (t) => {
    const s = await setup(t, FIVE);
    await s.scan();
    const c = join(s.root, 'sub/c.jpg');
    const row = s.lib.read.getPhotoByPath(c)!;
    const nFaces = s.lib.read.listFaces(row.id).length;
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(c);
    const mtime = (await import('node:fs')).statSync(c).mtime;
    rmSync(c);
    const r = await s.scan();
    assert.equal(r.counts.missing, 1);
    assert.equal(s.lib.read.getPhoto(row.id)!.status, 'missing');
    assert.equal(s.lib.read.listFaces(row.id).length, nFaces);

    writeFileSync(c, bytes);
    utimesSync(c, mtime, mtime);
    const back = await s.scan();
    assert.equal(back.counts.unchanged, 5);
    assert.equal(back.counts.analyzed, 0);
    assert.equal(s.lib.read.getPhoto(row.id)!.status, 'analyzed');
  });

  test('a root that cannot be read (unplugged drive) marks nothing missing', async (t) => {
    const s = await setup(t, FIVE);
    await s.scan();
    renameSync(s.root, `${s.root}-away`);
    const r = await s.scan();
    assert.equal(r.counts.missing, 0);
    assert.deepEqual(
      r.errors.map((e) => [e.target, e.code]),
      [['root', 'ENOENT']],
    );
    assert.equal(s.lib.read.countPhotosByStatus().analyzed, 5);
  });

  test('hidden and system folders and symlink loops are handled', async (t) => {
    const s = await setup(t, { 'a.jpg': 1, '.hidden/b.jpg': 2, '@eaDir/c.jpg': 3, 'sub/d.jpg': 4 });
    const { symlinkSync } = await import('node:fs');
    symlinkSync(s.root, join(s.root, 'sub', 'loop'));
    const r = await s.scan();
    assert.equal(r.counts.discovered, 2);
    assert.deepEqual(s.calls.map((p) => p.slice(s.root.length + 1)).sort(), ['a.jpg', 'sub/d.jpg']);
  });

  test('bad files are recorded with a reason and never crash the scan; only failed analyses are retried', async (t) => {
    const s = await setup(t, { 'good.jpg': 1, 'throw.jpg': 2 });
    writeFileSync(join(s.root, 'garbage.jpg'), 'this is not a jpeg');
    writeFileSync(join(s.root, 'empty.jpg'), '');
    s.analyze = async (path) => {
      s.calls.push(path);
      if (path.endsWith('throw.jpg')) throw new Error('model exploded');
      return analyzeDeterministic(path);
    };
    const r = await s.scan();
    assert.equal(r.state, 'done');
    assert.equal(r.counts.analyzed, 1);
    assert.equal(r.counts.skipped, 3);
    const byName = Object.fromEntries(r.skippedFiles.map((f) => [f.path.slice(s.root.length + 1), f.reason]));
    assert.deepEqual(byName, {
      'empty.jpg': 'empty-file',
      'garbage.jpg': 'corrupt',
      'throw.jpg': 'analysis-failed',
    });
    assert.equal(
      s.lib.read.listSkippedPhotos().find((p) => p.path.endsWith('throw.jpg'))!.detail,
      'model exploded',
    );
    // A rescan leaves bad files alone but tries the failed analysis again, which fails again.
    const calls = s.calls.length;
    const again = await s.scan();
    assert.equal(again.counts.unchanged, 3);
    assert.deepEqual(
      s.calls.slice(calls).map((p) => p.slice(s.root.length + 1)),
      ['throw.jpg'],
      'only the failed analysis is retried',
    );
    assert.deepEqual(
      again.skippedFiles.map((f) => [f.path.slice(s.root.length + 1), f.reason]),
      [['throw.jpg', 'analysis-failed']],
    );
    // Once the cause is gone, the next scan analyses it.
    s.analyze = async (path) => {
      s.calls.push(path);
      return analyzeDeterministic(path);
    };
    const fixed = await s.scan();
    assert.equal(fixed.counts.analyzed, 1);
    assert.equal(fixed.counts.skipped, 0);
    assert.equal(s.lib.read.getPhotoByPath(join(s.root, 'throw.jpg'))?.status, 'analyzed');
    assert.equal(s.lib.read.listSkippedPhotos().length, 2, 'the empty and the corrupt file stay skipped');
  });

  test('cancel mid-scan, then rescan: every photo analysed exactly once, no duplicate faces', async (t) => {
    const files: Record<string, number> = {};
    for (let i = 0; i < 12; i++) files[`p${String(i).padStart(2, '0')}.jpg`] = i + 1;
    const s = await setup(t, files);
    const controller = new ScanController();
    const inner = s.analyze;
    s.analyze = async (path) => {
      if (s.calls.length === 4) controller.cancel();
      return inner(path);
    };
    const first = await s.scan({ controller, concurrency: 2 });
    assert.equal(first.state, 'cancelled');
    assert.equal(s.lib.read.getScanJob(first.jobId)!.state, 'cancelled');
    assert.ok(first.counts.analyzed >= 4 && first.counts.analyzed < 12, `analysed ${first.counts.analyzed}`);
    assert.equal(first.counts.missing, 0, 'an incomplete walk marks nothing missing');

    const second = await s.scan();
    assert.equal(second.counts.analyzed + second.counts.unchanged, 12);
    assert.equal(new Set(s.calls).size, s.calls.length, 'no photo analysed twice');
    assert.equal(s.calls.length, 12);
    assert.equal(faceIds(s.lib).length, await expectedFaces(s.calls));
  });

  test('pause holds new work and shows in the job row; resume finishes', async (t) => {
    const s = await setup(t, { 'a.jpg': 1, 'b.jpg': 2, 'c.jpg': 3, 'd.jpg': 4 });
    const controller = new ScanController();
    const states: string[] = [];
    let pausedAt = -1;
    const inner = s.analyze;
    s.analyze = async (path) => {
      if (s.calls.length === 0) {
        controller.pause();
        pausedAt = 1;
        setTimeout(() => {
          const job = s.lib.read.listScanJobs(1)[0]!;
          states.push(`job:${job.state}`, `calls:${s.calls.length}`);
          controller.resume();
        }, 100);
      }
      return inner(path);
    };
    const r = await s.scan({ controller, concurrency: 1, onProgress: (p) => states.push(p.state) });
    assert.equal(pausedAt, 1);
    assert.equal(r.state, 'done');
    assert.equal(r.counts.analyzed, 4);
    assert.ok(states.includes('job:paused'), states.join());
    assert.ok(states.includes('calls:1'), `no new file started while paused: ${states.join()}`);
    assert.ok(states.includes('paused'));
  });

  test('progress reports discovered, processed, faces, rate and ETA', async (t) => {
    const s = await setup(t, FIVE);
    const events: ScanProgress[] = [];
    const r = await s.scan({ progressIntervalMs: 0, onProgress: (p) => events.push(p) });
    const last = events.at(-1)!;
    assert.equal(last.state, 'done');
    assert.equal(last.walkDone, true);
    assert.equal(last.discovered, 5);
    assert.equal(last.processed, 5);
    assert.equal(last.faces, r.counts.faces);
    assert.equal(last.etaSeconds, 0);
    assert.ok(events.some((e) => e.state === 'running' && e.processed > 0 && e.rate > 0));
    assert.ok(events.some((e) => e.state === 'finishing'));
  });

  test('markInterruptedScans flags jobs of dead processes and stale jobs of this one', async (t) => {
    const s = await setup(t, {});
    const dead = s.lib.write.beginScanJob(['/x'], 2_147_483_000, () => false); // no such pid
    assert.equal(markInterruptedScans(s.lib), 1);
    assert.equal(s.lib.read.getScanJob(dead)!.state, 'interrupted');
    const ours = s.lib.write.beginScanJob(['/x'], process.pid, () => false); // not a scan in progress here
    assert.equal(markInterruptedScans(s.lib), 1);
    assert.equal(s.lib.read.getScanJob(ours)!.state, 'interrupted');
  });

  test('killed with SIGKILL mid-scan: the next scan marks the job interrupted and loses or repeats nothing', async (t) => {
    const files: Record<string, number> = {};
    for (let i = 0; i < 16; i++) files[`k${String(i).padStart(2, '0')}.jpg`] = i + 100;
    const s = await setup(t, files);
    s.lib.close(); // the child holds the only connection while it runs
    const child = spawn(
      process.execPath,
      [
        '--import',
        import.meta.resolve('tsx'), // a URL, so this works from any cwd
        fileURLToPath(new URL('./fixtures/scan-child.ts', import.meta.url)),
        s.libDir,
        s.root,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const done = out.match(/processed (\d+)/g)?.length ?? 0;
        if (done >= 4 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', (_code, signal) =>
        signal === 'SIGKILL' ? resolve() : reject(new Error(`child: ${out}`)),
      );
    });

    s.lib = openLibrary(s.libDir);
    t.after(() => s.lib.close());
    const killedJob = s.lib.read.listScanJobs(1)[0]!;
    assert.equal(killedJob.state, 'running', 'a killed scan cannot update its row');
    const stored = s.lib.read.countPhotosByStatus().analyzed;
    assert.ok(stored >= 4 && stored < 16, `child stored ${stored}`);
    const keptFaces = faceIds(s.lib);

    const r = await s.scan();
    assert.equal(s.lib.read.getScanJob(killedJob.id)!.state, 'interrupted');
    assert.equal(r.counts.unchanged, stored);
    assert.equal(r.counts.analyzed, 16 - stored);
    const all = faceIds(s.lib);
    for (const id of keptFaces)
      assert.ok(all.includes(id), 'faces from before the kill are kept as they were');
    const paths = Object.keys(files).map((f) => join(s.root, f));
    assert.equal(all.length, await expectedFaces(paths), 'no duplicated or lost faces');
    assert.equal(s.lib.read.countPhotosByStatus().analyzed, 16);
  });
});
