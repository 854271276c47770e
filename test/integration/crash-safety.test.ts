// Crash safety of the real `kith scan`: after a first scan and a few corrections made with the CLI,
// new photos arrive and the rescan is killed with SIGKILL at 20 seeded random moments, restarting
// each time. After a final complete scan the library must hold exactly the faces a clean,
// uninterrupted scan finds (none duplicated, none lost), pass `PRAGMA integrity_check`, and keep
// every correction. Set KITH_CRASH_SEED to replay other moments.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { openLibraryReadonly } from '../../electron/core/store/library.ts';
import { mulberry32 } from '../../ml/util/prng.ts';
import { needShared, repoRoot, sharedDataDir } from '../helpers/shared.ts';

const knn = join(sharedDataDir, 'photos-dev/face_recognition/examples/knn_examples');
// KITH_CRASH_KILLS (fewer kills, for a quick run while debugging) and KITH_CRASH_SEED override these.
const KILLS = Number(process.env.KITH_CRASH_KILLS ?? 20);
const SEED = Number(process.env.KITH_CRASH_SEED ?? 20_261_127);
// Half the moments are uniform over a whole run (start-up: opening and migrating the library,
// loading models; then the scan), half uniform over the scan proper (from its first progress line:
// photos analysed and written, people regrouped, exit). Run lengths are re-measured from every run
// that finished before its moment, so the moments follow the shrinking work and the machine's load.
const WHOLE_RUN_SHARE = 0.5;
// Scan-proper moments fall in its first 1.5 s at most: new photos are analysed at several per
// second, so a longer window would let the first run do them all and later kills hit nothing new.
const SCAN_WINDOW_MS = 1500;
// At most this many runs in all, in case runs keep finishing before their moment.
const MAX_RUNS = 40;

let root = '';

before(async () => {
  if (needShared) return;
  root = await mkdtemp(join(tmpdir(), 'kith-crash-'));
});

after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/**
 * The photos that arrive after the corrections: the knn test photos and 20 small face crops, enough
 * work that many of the kills land while photos are analysed and written.
 */
async function addNewPhotos(photos: string): Promise<void> {
  await cp(join(knn, 'test'), join(photos, 'test'), { recursive: true });
  for (const who of ['amy', 'howard', 'leonard', 'penny']) {
    await cp(join(sharedDataDir, 'photos-dev/faceapi_bbt', who), join(photos, 'bbt', who), {
      recursive: true,
    });
  }
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** ms from spawn to the first progress line (the scan proper began), or null. */
  startedAfterMs: number | null;
  /** ms from spawn to exit. */
  durationMs: number;
}

type KillAt = { fromSpawnMs: number } | { afterStartMs: number } | null;

/** Runs `kith …`; with `killAt`, sends SIGKILL at that moment unless it has exited already. */
function kith(args: string[], killAt: KillAt = null): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(repoRoot, 'bin/kith.js'), ...args], {
      cwd: root,
      env: { ...process.env, KITH_MODELS_DIR: '' },
    });
    let stdout = '';
    let stderr = '';
    let startedAfterMs: number | null = null;
    let timer: NodeJS.Timeout | undefined;
    const killIn = (ms: number) => {
      timer = setTimeout(() => child.kill('SIGKILL'), ms);
    };
    if (killAt && 'fromSpawnMs' in killAt) killIn(killAt.fromSpawnMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (startedAfterMs === null && /^scan: /m.test(stderr)) {
        startedAfterMs = performance.now() - t0;
        if (killAt && 'afterStartMs' in killAt) killIn(killAt.afterStartMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        startedAfterMs,
        durationMs: Math.round(performance.now() - t0),
      });
    });
  });
}

function ok(run: Run, what: string): Run {
  assert.equal(run.code, 0, `${what} failed (signal ${run.signal}):\n${run.stderr.slice(-3000)}`);
  return run;
}

const scanArgs = (photos: string, library: string) => [
  'scan',
  photos,
  '--library',
  library,
  '--pipeline',
  'faceplugin',
  '--workers',
  '1',
];

interface PeopleJson {
  people: Array<{ id: number; name: string | null; faces: Array<{ id: number; photo: string }> }>;
  unassigned: Array<{ id: number; photo: string }>;
}

async function peopleJson(library: string): Promise<PeopleJson> {
  const run = ok(await kith(['people', '--library', library, '--json']), 'kith people');
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as PeopleJson;
}

/** Face count per photo, by path relative to `photos`; every photo of the folder is listed. */
function facesPerPhoto(libraryDir: string, photos: string): Map<string, number> {
  const library = openLibraryReadonly(libraryDir);
  try {
    const out = new Map<string, number>();
    for (const p of library.read.listPhotosUnder(`${photos}/`)) {
      assert.equal(p.status, 'analyzed', `${p.path} is ${p.status}`);
      out.set(relative(photos, p.path), library.read.listFaces(p.id).length);
    }
    return out;
  } finally {
    library.close();
  }
}

test('SIGKILL at 20 random moments of a rescan loses and duplicates nothing and keeps every correction', {
  skip: needShared,
  timeout: 900_000, // ~4 min at load 15 on 2 cores; more when the machine is busier
}, async (t) => {
  const started = performance.now();
  // The library's folder: first the training photos; later the test photos arrive.
  const photos = join(root, 'photos');
  await cp(join(knn, 'train'), join(photos, 'train'), { recursive: true });
  // The same final content in another folder, for the clean reference scan.
  const refPhotos = join(root, 'ref-photos');
  await cp(join(knn, 'train'), join(refPhotos, 'train'), { recursive: true });
  await addNewPhotos(refPhotos);
  const lib = join(root, 'library');
  const refLib = join(root, 'ref-library');

  // The clean reference scan runs beside everything else (it only has to be done by the end).
  const reference = kith(scanArgs(refPhotos, refLib)).then((r) => ok(r, 'reference scan'));
  reference.catch(() => {}); // awaited below; never an unhandled rejection meanwhile
  const first = ok(await kith(scanArgs(photos, lib)), 'first scan');
  // Length of a run, whole and after the scan started, from the latest run that was not killed.
  let runMs = first.durationMs;
  let scanMs = first.durationMs - (first.startedAfterMs ?? 0);

  // Corrections through the CLI: name Obama, "not this person" on one of Biden's faces, and move
  // one of Kit Harington's faces to Obama (a user assignment that regrouping must never undo).
  const initial = await peopleJson(lib);
  const personWith = (folder: string) => {
    const p = initial.people.find((q) => q.faces.some((f) => f.photo.includes(`/train/${folder}/`)));
    assert.ok(p, `a person for ${folder}`);
    return p;
  };
  const obama = personWith('obama');
  const biden = personWith('biden');
  const kit = personWith('kit_harington');
  assert.notEqual(obama.id, biden.id);
  const rejected = biden.faces[0]!.id;
  const moved = kit.faces.find((f) => f.photo.includes('/kit_harington/'))!.id;
  ok(await kith(['person', 'rename', String(obama.id), 'Barack', 'Obama', '--library', lib]), 'rename');
  ok(await kith(['face', 'reject', String(rejected), '--library', lib]), 'reject');
  ok(await kith(['face', 'move', String(moved), '--to', String(obama.id), '--library', lib]), 'move');
  const trainFaces = facesPerPhoto(lib, photos);
  const faceIdsBefore = (() => {
    const library = openLibraryReadonly(lib);
    try {
      return library.read
        .listPhotosUnder(`${photos}/`)
        .flatMap((p) => library.read.listFaces(p.id).map((f) => f.id));
    } finally {
      library.close();
    }
  })();

  // New photos arrive; the rescan is killed again and again.
  await addNewPhotos(photos);
  const setupDone = performance.now();
  const rnd = mulberry32(SEED);
  const moments: string[] = [];
  let killed = 0;
  let killedInScan = 0; // after the scan began (its first progress line)
  for (let runs = 0; killed < KILLS; runs++) {
    assert.ok(runs < MAX_RUNS, `only ${killed} kills in ${MAX_RUNS} runs:\n${moments.join('\n')}`);
    const killAt: KillAt =
      rnd() < WHOLE_RUN_SHARE
        ? { fromSpawnMs: Math.round(rnd() * runMs) }
        : { afterStartMs: Math.round(rnd() * Math.min(scanMs, SCAN_WINDOW_MS)) };
    const run = await kith(scanArgs(photos, lib), killAt);
    const progress =
      run.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('scan: '))
        .at(-1) ?? 'start-up';
    if (run.signal === 'SIGKILL') {
      killed++;
      if (run.startedAfterMs !== null) killedInScan++;
      moments.push(`${JSON.stringify(killAt)} → killed; last progress line: ${progress}`);
    } else {
      ok(run, `restart ${runs}`); // it finished before its moment came
      const summary = /^Scan done in .*$/m.exec(run.stdout)?.[0] ?? '';
      moments.push(`${JSON.stringify(killAt)} → finished first, in ${run.durationMs} ms: ${summary}`);
      runMs = run.durationMs;
      scanMs = run.durationMs - (run.startedAfterMs ?? 0);
    }
  }
  t.diagnostic(`seed ${SEED}; kill moments:\n${moments.join('\n')}`);

  const loopDone = performance.now();
  await reference;
  const final = ok(await kith(scanArgs(photos, lib)), 'final scan');
  assert.match(final.stdout, /^Scan done in /m);

  // No face lost or duplicated: the same photos with the same face counts as the clean scan.
  const got = facesPerPhoto(lib, photos);
  const want = facesPerPhoto(refLib, refPhotos);
  assert.deepEqual(Object.fromEntries([...got].sort()), Object.fromEntries([...want].sort()));
  for (const [path, n] of trainFaces) assert.equal(got.get(path), n, path);

  const library = openLibraryReadonly(lib);
  try {
    // The photos scanned before the crashes kept their face rows (ids), so corrections still apply.
    const faceIdsAfter = library.read
      .listPhotosUnder(`${photos}/train/`)
      .flatMap((p) => library.read.listFaces(p.id).map((f) => f.id));
    assert.deepEqual(faceIdsAfter.sort(), faceIdsBefore.sort());
    // Every correction intact.
    assert.equal(library.read.getPersonRecord(obama.id)?.name, 'Barack Obama');
    const rejectedNow = library.read.getAssignment(rejected);
    assert.notEqual(rejectedNow?.personId, biden.id, 'a rejected face never returns to its person');
    assert.ok(
      library.read
        .listConstraints()
        .some(
          (c) =>
            c.kind === 'cannot_link' &&
            c.form === 'face-person' &&
            c.faceId === rejected &&
            c.personId === biden.id,
        ),
      'the "not this person" constraint is kept',
    );
    const movedNow = library.read.getAssignment(moved);
    assert.equal(movedNow?.personId, obama.id);
    assert.equal(movedNow?.source, 'user');
    assert.deepEqual(
      library.read
        .listCorrections(10)
        .map((c) => [c.op, c.state])
        .reverse(),
      [
        ['rename', 'done'],
        ['reject', 'done'],
        ['move', 'done'],
      ],
    );
    // Every killed job was noticed; none is left 'running'.
    const jobs = library.read.listScanJobs(50);
    assert.equal(jobs.filter((j) => j.state === 'running' || j.state === 'paused').length, 0);
    // A run killed while regrouping people (after its scan job finished) leaves a 'done' job, and
    // one killed during start-up none; so at most one interrupted job per kill, and at least one.
    const interrupted = jobs.filter((j) => j.state === 'interrupted').length;
    assert.ok(
      interrupted >= 1 && interrupted <= killed,
      `${interrupted} jobs interrupted: ${JSON.stringify(jobs.map((j) => [j.id, j.state]))}`,
    );
  } finally {
    library.close();
  }
  // A read-write connection for the check (a read-only one cannot recover a WAL left by a crash).
  const db = new Database(join(lib, 'library.sqlite'));
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(db.pragma('foreign_key_check'), []);
  } finally {
    db.close();
  }
  const s = (a: number, b: number) => `${((b - a) / 1000).toFixed(1)} s`;
  t.diagnostic(
    `crash test took ${s(started, performance.now())} (first scan and corrections ${s(started, setupDone)}, ` +
      `kill loop ${s(setupDone, loopDone)}): ${killed} kills, ${killedInScan} after the scan began`,
  );
});
