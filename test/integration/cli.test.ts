// The `kith` CLI contract (other issues and checks rely on it): run the real bin as a user would.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { needShared, repoRoot, sharedDataDir, sharedModelsDir } from '../helpers/shared.ts';

const run = promisify(execFile);
const kith = join(repoRoot, 'bin/kith.js');
let root = '';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'kith-cli-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function kithJson(args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [kith, ...args, '--json'], {
    cwd: root,
    env: { ...process.env, KITH_MODELS_DIR: '' },
  });
  const last = stdout.trim().split('\n').at(-1)!;
  return JSON.parse(last);
}

test('scan prints a summary with one line per skipped file; people --json follows the contract', {
  skip: needShared,
  timeout: 120_000,
}, async () => {
  const photos = join(root, 'photos');
  await mkdir(photos, { recursive: true });
  const src = join(sharedDataDir, 'photos-dev/face_recognition/examples/knn_examples/train/obama');
  await run('cp', ['-r', src, join(photos, 'obama')]);
  await writeFile(join(photos, 'broken.jpg'), 'not a jpeg');
  const library = join(root, 'lib');
  const { stdout, stderr } = await run(
    process.execPath,
    [kith, 'scan', photos, '--library', library, '--pipeline', 'faceplugin'],
    {
      cwd: root,
    },
  );
  assert.match(stdout, /Scan done/);
  assert.match(stdout, new RegExp(`skipped: ${join(photos, 'broken.jpg')}: not-an-image`));
  assert.match(stderr, /scan: /);
  const people = (await kithJson(['people', '--library', library])) as {
    people: Array<{
      id: number;
      name: string | null;
      faces: Array<{ id: number; photo: string; box: number[] }>;
    }>;
    unassigned: Array<{ id: number; photo: string; box: number[] }>;
  };
  assert.equal(people.people.length, 1, 'the two Obama photos make one person');
  const person = people.people[0]!;
  assert.equal(person.name, null);
  assert.equal(person.faces.length, 2);
  for (const f of person.faces) {
    assert.ok(Number.isInteger(f.id));
    assert.ok(f.photo.startsWith(join(photos, 'obama')));
    assert.equal(f.box.length, 4);
    assert.ok(f.box.every((v) => Number.isInteger(v)));
  }
  assert.ok(Array.isArray(people.unassigned));

  // --json: the same summary as one JSON line. A second scan finds nothing new to analyse.
  await writeFile(join(photos, 'empty.jpg'), '');
  const again = (await kithJson(['scan', photos, '--library', library, '--pipeline', 'faceplugin'])) as {
    state: string;
    pipeline: string;
    photos: Record<string, number>;
    faces: number;
    grouping: string | null;
    people: number;
    skipped: Array<{ path: string; reason: string; detail: string | null }>;
    unreadable: unknown[];
  };
  assert.equal(again.state, 'done');
  assert.equal(again.pipeline, 'faceplugin');
  assert.deepEqual(again.photos, { found: 4, analyzed: 0, unchanged: 3, moved: 0, missing: 0, skipped: 1 });
  assert.equal(again.faces, 0);
  assert.equal(again.grouping, null); // no new face: people are left as they are
  assert.equal(again.people, 1);
  assert.deepEqual(
    again.skipped.map((f) => [f.path, f.reason]),
    [[join(photos, 'empty.jpg'), 'empty-file']],
  );
  assert.deepEqual(again.unreadable, []);
});

test('people on a folder with no library is a clear error', async () => {
  await assert.rejects(
    run(process.execPath, [kith, 'people', '--library', join(root, 'none')]),
    (err: { stderr: string; code: number }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /No Kith library at/);
      return true;
    },
  );
});

test('unknown commands and flags exit 2 with usage', async () => {
  await assert.rejects(
    run(process.execPath, [kith, 'frobnicate']),
    (err: { stderr: string; code: number }) => {
      assert.equal(err.code, 2);
      assert.match(err.stderr, /Usage: kith/);
      return true;
    },
  );
});

test('models download fetches from a local server, verifies sha256 and reports', {
  skip: needShared,
}, async () => {
  const server = createServer((req, res) => {
    const file = join(sharedModelsDir, (req.url ?? '/').slice(1));
    createReadStream(file)
      .on('error', () => res.writeHead(404).end())
      .pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  try {
    const dir = join(root, 'models');
    const url = `http://127.0.0.1:${port}/yunet_n_dynamic.onnx`;
    const r = (await kithJson(['models', 'download', 'yunet-n', '--models-dir', dir, '--url', url])) as {
      downloaded: boolean;
      sha256: string;
    };
    assert.equal(r.downloaded, true);
    assert.equal(r.sha256, '104ee26c71d5c270ce79a6b3dced91c91013260d29a6bf18f9296c5b8c4c2b12');
    const again = (await kithJson(['models', 'download', 'yunet-n', '--models-dir', dir, '--url', url])) as {
      downloaded: boolean;
    };
    assert.equal(again.downloaded, false);
    const models = (await kithJson(['models', '--models-dir', dir])) as {
      pipelines: Array<{ id: string; available: boolean }>;
    };
    for (const id of ['yunet-faceplugin-128', 'yunet-faceplugin'])
      assert.equal(models.pipelines.find((p) => p.id === id)?.available, true, id);
    assert.equal(models.pipelines.find((p) => p.id === 'yunet-mobilefacenet')?.available, false);
    // The wrong file under the right name is refused.
    const bad = `http://127.0.0.1:${port}/yunet_s_dynamic.onnx`;
    await assert.rejects(
      run(process.execPath, [kith, 'models', 'download', 'mobilefacenet', '--models-dir', dir, '--url', bad]),
      /sha256/,
    );
  } finally {
    server.close();
  }
});

test('scan of a missing folder, or of a file, is an error with a non-zero exit', async () => {
  const file = join(root, 'not-a-folder.jpg');
  await writeFile(file, 'x');
  for (const [target, why] of [
    [join(root, 'no-such-folder'), /cannot scan .*no-such-folder: no such folder/],
    [file, /cannot scan .*not-a-folder\.jpg: not a folder/],
  ] as const) {
    await assert.rejects(
      run(process.execPath, [kith, 'scan', target, '--library', join(root, 'lib-missing')], { cwd: root }),
      (err: { stderr: string; code: number }) => {
        assert.equal(err.code, 1);
        assert.match(err.stderr, why);
        return true;
      },
    );
  }
});

test('a library keeps its models folder and pipeline; a scan without them does not silently switch', {
  skip: needShared,
  timeout: 300_000,
}, async () => {
  const photos = join(root, 'photos-models');
  await mkdir(photos, { recursive: true });
  const src = join(sharedDataDir, 'photos-dev/face_recognition/examples/knn_examples/train/biden');
  await run('cp', ['-r', src, join(photos, 'biden')]);
  // Hostile names and an oversized sidecar: reported, through printable(), never raw.
  await writeFile(join(photos, 'bad\x1b[2Jname.jpg'), 'not a jpeg');
  await writeFile(join(photos, 'biden', 'biden.jpg.xmp'), Buffer.alloc(4 * 1024 * 1024 + 1, 32));
  // A models folder of links to the shared models, removed later like an unplugged drive.
  const models = join(root, 'models-link');
  await mkdir(models);
  for (const f of ['yunet_n_dynamic.onnx', 'yunet_s_dynamic.onnx', 'mobilefacenet_foamliu.onnx'])
    await symlink(join(sharedModelsDir, f), join(models, f));
  const library = join(root, 'lib-models');
  const scan = (args: string[]) =>
    run(process.execPath, [kith, 'scan', photos, '--library', library, ...args], {
      cwd: root,
      env: { ...process.env, KITH_MODELS_DIR: '' },
    });

  const first = await scan(['--models-dir', models]);
  assert.match(first.stdout, /Pipeline: yunet-faceplugin-128\b/);
  assert.match(first.stdout, /skipped: .*bad\\x1b\[2Jname\.jpg: not-an-image/);
  assert.ok(!first.stdout.includes('\x1b'), 'no raw escape code on stdout');
  assert.match(first.stdout, /sidecar skipped: .*biden\.jpg\.xmp: .*its names were not imported/);

  const again = await scan(['--json']);
  const summary = JSON.parse(again.stdout.trim().split('\n').at(-1)!) as {
    pipeline: string;
    photos: { analyzed: number; unchanged: number };
    grouping: string | null;
    sidecarsSkipped: unknown[];
  };
  assert.equal(summary.pipeline, 'yunet-faceplugin-128');
  assert.deepEqual([summary.photos.analyzed, summary.photos.unchanged], [0, 3]); // 2 photos, 1 bad file
  assert.equal(summary.grouping, null);
  assert.deepEqual(summary.sidecarsSkipped, []);
  assert.match(again.stderr, /using the library's models folder .*models-link/);

  await rm(models, { recursive: true });
  await assert.rejects(scan([]), (err: { stderr: string; code: number }) => {
    assert.equal(err.code, 1);
    assert.match(err.stderr, /analysed with the yunet-faceplugin-128 pipeline, which cannot run here/);
    assert.match(err.stderr, /models-link, which is gone/);
    assert.match(err.stderr, /--models-dir DIR/);
    assert.match(err.stderr, /--pipeline ID/);
    return true;
  });
});
