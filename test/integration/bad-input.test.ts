// Hostile input end to end: a generated corpus of damaged, empty, random, oversized, mislabelled,
// looping, unreadable and oddly named files, mixed with real photos, scanned by the real `kith scan`
// into a real library. Every bad file must be reported with its reason, real photos must still give
// their faces, nothing may crash, and the scan's peak memory must stay bounded.
// (test/integration/scan-library.test.ts covers the basic broken files through runScanJob.)
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmod, chown, copyFile, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { updatePeople } from '../../electron/core/scan-job.ts';
import { AnalyzerPool, scanLibrary } from '../../electron/core/scanner/index.ts';
import { openLibrary, openLibraryReadonly } from '../../electron/core/store/library.ts';
import { type BadCorpus, makeBadCorpus } from '../helpers/bad-corpus.ts';
import { needShared, repoRoot, sharedDataDir } from '../helpers/shared.ts';

const knn = join(sharedDataDir, 'photos-dev/face_recognition/examples/knn_examples');
const train = [
  'obama/obama.jpg',
  'biden/biden.jpg',
  'kit_harington/john1.jpeg',
  'rose_leslie/img1.jpg',
  'alex_lacamoire/img1.jpg',
  'obama/obama2.jpg',
  'biden/biden2.jpg',
].map((p) => join(knn, 'train', p));
/** Ordinary photos beside the corpus, with the faces each must give (at least). */
const REAL = { 'obama_and_biden.jpg': 2, 'kit_with_rose.jpg': 2, 'obama1.jpg': 1 } as const;
const PEAK_RSS_LIMIT_MB = 1536;
// As root, permission bits do not stop reads, so the scan runs as "nobody" and chmod 000 still bites
// (when "nobody" can read the checkout and the shared photos; otherwise as root, that case skipped).
const NOBODY = 65534;
const scanUid = ((): number | undefined => {
  if (process.getuid?.() !== 0) return undefined;
  const probe = `const fs=require('fs');for(const p of process.argv.slice(1))fs.accessSync(p,fs.constants.R_OK)`;
  const paths = [join(repoRoot, 'bin/kith.js'), join(repoRoot, 'node_modules/tsx/package.json'), knn];
  const r = spawnSync(process.execPath, ['-e', probe, ...paths], { uid: NOBODY, gid: NOBODY });
  return r.status === 0 ? NOBODY : undefined;
})();

let root = '';
let photos = '';
let corpus: BadCorpus;

before(async () => {
  if (needShared) return;
  root = await mkdtemp(join(tmpdir(), 'kith-bad-'));
  await chmod(root, 0o755); // mkdtemp makes it 0700: "nobody" must reach the photos and library
  photos = join(root, 'photos');
  corpus = await makeBadCorpus(photos, { photos: train, scanUid: scanUid ?? process.getuid?.() });
  await mkdir(join(photos, 'real'));
  for (const name of Object.keys(REAL)) await copyFile(join(knn, 'test', name), join(photos, 'real', name));
});

after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  peakRssMb: number;
}

// Prints the process's peak RSS (getrusage ru_maxrss: main thread and worker threads together).
const RSS_HOOK = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nkith-test-maxrss-kb '+process.resourceUsage().maxRSS+'\\n'))`;

function kith(args: string[], uid?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', RSS_HOOK, join(repoRoot, 'bin/kith.js'), ...args], {
      cwd: root,
      env: { ...process.env, KITH_MODELS_DIR: '' },
      ...(uid !== undefined ? { uid, gid: uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const kb = /kith-test-maxrss-kb (\d+)/.exec(stderr)?.[1];
      resolve({ code, signal, stdout, stderr, peakRssMb: kb ? Number(kb) / 1024 : Number.NaN });
    });
  });
}

/** The `skipped:` and `unreadable file:` lines of the summary, by path (paths may hold ': '). */
function reported(stdout: string, paths: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const lines = stdout.split('\n');
  for (const path of paths) {
    for (const prefix of ['skipped: ', 'unreadable file: ']) {
      const line = lines.find((l) => l.startsWith(`${prefix}${path}: `));
      if (line) out.set(path, `${prefix}${line.slice(prefix.length + path.length + 2)}`);
    }
  }
  return out;
}

test('kith scan reports every bad file with its reason, keeps the real faces, and stays within memory', {
  skip: needShared,
  timeout: 240_000,
}, async (t) => {
  const libraryDir = join(root, 'library');
  await mkdir(libraryDir);
  if (scanUid !== undefined) await chown(libraryDir, scanUid, scanUid);
  const run = await kith(['scan', photos, '--library', libraryDir, '--pipeline', 'faceplugin'], scanUid);
  assert.equal(run.code, 0, `kith scan failed (signal ${run.signal}):\n${run.stderr.slice(-3000)}`);
  assert.match(run.stdout, /^Scan done in /m);
  assert.doesNotMatch(run.stdout, /worker-crashed|analysis-failed/, 'no analysis crashed');

  const lines = reported(
    run.stdout,
    corpus.entries.map((e) => e.path),
  );
  const library = openLibraryReadonly(libraryDir);
  try {
    const summary: string[] = [];
    for (const e of corpus.entries) {
      const line = lines.get(e.path);
      summary.push(`${e.label}: ${line ?? 'analysed'}`);
      if (e.skip) {
        t.diagnostic(`not checked: ${e.label}: ${e.skip}`);
        continue;
      }
      const photo = library.read.getPhotoByPath(e.path);
      if (e.expect.kind === 'skipped') {
        assert.ok(line?.startsWith(`skipped: ${e.expect.reason}`), `${e.label}: got ${line ?? 'no report'}`);
        // A clear reason: the skip reason plus what was wrong, without repeating the path.
        assert.match(line!, /^skipped: [a-z-]+ \(.{8,}\)$/, `${e.label}: ${line}`);
        assert.ok(!line!.slice(9).includes(e.path), `${e.label}: detail repeats the path: ${line}`);
        assert.equal(photo?.status, 'skipped', `${e.label}: stored as skipped`);
        assert.equal(photo?.skipReason, e.expect.reason);
      } else if (e.expect.kind === 'error') {
        assert.ok(
          line?.startsWith(`unreadable file: ${e.expect.code} `),
          `${e.label}: got ${line ?? 'no report'}`,
        );
        assert.match(line!, /^unreadable file: E[A-Z]+ [a-z].{8,}$/, `${e.label}: a reason in words`);
        assert.ok(!line!.includes(e.path), `${e.label}: message repeats the path: ${line}`);
        assert.equal(photo, undefined, `${e.label}: no library row for a file that cannot be opened`);
      } else {
        assert.equal(line, undefined, `${e.label} is a readable photo, reported as: ${line}`);
        assert.equal(photo?.status, 'analyzed', `${e.label}: stored under its exact name`);
        const faces = library.read.listFaces(photo!.id).length;
        assert.ok(faces >= e.expect.minFaces, `${e.label}: ${faces} faces, expected ≥ ${e.expect.minFaces}`);
      }
    }
    t.diagnostic(summary.join('\n'));
    // NFC and NFD spellings of one name are two files on Linux, and stay two photos.
    const nfc = corpus.entries.find((e) => e.label === 'NFC name')!.path;
    const nfd = corpus.entries.find((e) => e.label === 'NFD name')!.path;
    assert.equal(nfc.normalize('NFC'), nfd.normalize('NFC'));
    assert.notEqual(library.read.getPhotoByPath(nfc)!.id, library.read.getPhotoByPath(nfd)!.id);

    for (const [name, minFaces] of Object.entries(REAL)) {
      const photo = library.read.getPhotoByPath(join(photos, 'real', name));
      assert.equal(photo?.status, 'analyzed', name);
      assert.ok(library.read.listFaces(photo.id).length >= minFaces, `${name}: ≥ ${minFaces} faces`);
    }
    // The folder link loop (bad/up-the-tree → ..) is walked once: no photo is there twice.
    const under = library.read.listPhotosUnder(`${photos}/`);
    assert.ok(
      under.every((p) => !p.path.includes('up-the-tree')),
      'a folder reached twice is scanned once',
    );
  } finally {
    library.close();
  }

  t.diagnostic(`peak RSS of kith scan: ${run.peakRssMb.toFixed(0)} MB`);
  assert.ok(Number.isFinite(run.peakRssMb), 'peak RSS was reported');
  assert.ok(run.peakRssMb < PEAK_RSS_LIMIT_MB, `peak RSS ${run.peakRssMb.toFixed(0)} MB`);
});

test('files deleted during a scan are reported, not recorded; a deleted known photo becomes missing; nothing to regroup is no crash', {
  skip: needShared,
  timeout: 180_000,
}, async () => {
  const dir = join(root, 'vanishing');
  await mkdir(dir);
  const names = ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg', 'e.jpg'];
  for (let i = 0; i < names.length; i++) await copyFile(train[i]!, join(dir, names[i]!));
  const library = openLibrary(join(root, 'vanishing-library'), { create: true });
  const pool = await AnalyzerPool.start({ workers: 1, pipeline: 'faceplugin' });
  try {
    const info = await pool.ready();
    // Regrouping a library without faces (a first scan of only bad files) is a no-op, not a crash.
    const none = await updatePeople(library, info.embedderId, info.threshold);
    assert.deepEqual([none?.mode, none?.mode === 'full' && none.faces], ['full', 0]);
    const scan = (onAnalyze: (path: string) => Promise<void>) =>
      scanLibrary({
        library,
        roots: [dir],
        pipelineId: info.id,
        embedderId: info.embedderId,
        // One file at a time, so "listed by the walk but not yet read" is deterministic.
        concurrency: 1,
        analyze: async (path) => {
          await onAnalyze(path);
          return pool.analyze(path);
        },
      });

    // New files: b.jpg vanishes while it is being analysed; d.jpg after the walk listed it, before
    // it was read.
    const first = await scan(async (path) => {
      if (basename(path) !== 'b.jpg') return;
      await unlink(join(dir, 'b.jpg'));
      await unlink(join(dir, 'd.jpg'));
    });
    assert.equal(first.state, 'done');
    assert.deepEqual(
      first.errors.map((e) => [basename(e.path), e.code, e.message]),
      [
        ['b.jpg', 'ENOENT', 'deleted during the scan'],
        ['d.jpg', 'ENOENT', 'deleted during the scan'],
      ],
    );
    assert.deepEqual(first.skippedFiles, []);
    assert.equal(first.counts.analyzed, 3);
    assert.equal(first.counts.discovered, 3);
    assert.equal(library.read.getPhotoByPath(join(dir, 'b.jpg')), undefined, 'no row for a deleted file');
    assert.equal(library.read.getPhotoByPath(join(dir, 'd.jpg')), undefined);

    // A known photo with faces is edited, then deleted while being re-analysed: it becomes
    // 'missing' with its faces, never 'skipped'.
    const cPath = join(dir, 'c.jpg');
    const before = library.read.getPhotoByPath(cPath)!;
    const facesBefore = library.read.listFaces(before.id).map((f) => f.id);
    assert.ok(facesBefore.length > 0);
    await writeFile(cPath, await sharp(train[2]!).jpeg({ quality: 70 }).toBuffer());
    const second = await scan(async (path) => {
      if (path === cPath) await unlink(cPath);
    });
    assert.deepEqual(
      second.errors.map((e) => [basename(e.path), e.message]),
      [['c.jpg', 'deleted during the scan']],
    );
    assert.equal(second.counts.missing, 1);
    const after = library.read.getPhotoByPath(cPath)!;
    assert.equal(after.status, 'missing');
    assert.equal(after.skipReason, null);
    assert.deepEqual(
      library.read.listFaces(after.id).map((f) => f.id),
      facesBefore,
      'faces are kept',
    );

    // Every photo with faces gone and no people yet: regrouping has nothing to do, and no crash.
    for (const name of ['a.jpg', 'e.jpg']) await unlink(join(dir, name));
    const third = await scan(async () => {});
    assert.equal(third.counts.missing, 2);
    const gone = await updatePeople(library, info.embedderId, info.threshold);
    assert.deepEqual([gone?.mode, gone?.mode === 'full' && gone.faces], ['full', 0]);
    assert.equal(library.db.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    await pool.close();
    library.close();
  }
});
