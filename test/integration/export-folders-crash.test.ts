// A killed folders export leaves nothing behind (issue 12, item 3): the real `kith export --format
// folders` is killed with SIGKILL part-way, twice, the people renamed in between; one complete export
// after that leaves exactly the current people's folders, each with its photos once, and no temp file,
// journal or folder of an earlier name.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { MANIFEST_FILE, personFolderName } from '../../electron/core/export/index.ts';
import { Corrections } from '../../electron/core/people/corrections.ts';
import { openLibrary } from '../../electron/core/store/library.ts';
import { quantizeInt8 } from '../../ml/embed/quantize.ts';
import { needShared, repoRoot, sharedDataDir } from '../helpers/shared.ts';

const train = join(sharedDataDir, 'photos-dev/face_recognition/examples/knn_examples/train');
const SOURCES: Record<string, string[]> = {
  obama: ['obama.jpg', 'obama2.jpg'],
  biden: ['biden.jpg', 'biden2.jpg'],
  rose_leslie: ['img1.jpg', 'img2.jpg'],
};
const COPIES = 30; // of each photo: 60 photos a person, 180 in all
const NAMES = [
  { obama: 'Obama', biden: 'Biden', rose_leslie: 'Rose' },
  { obama: 'Barack Obama', biden: 'Joe Biden', rose_leslie: 'Rose Leslie' },
  { obama: 'President Obama', biden: 'President Biden', rose_leslie: 'Ygritte' },
];

let root = '';
let libraryDir = '';
const personIds: Record<string, number> = {};
const photoNames: Record<string, string[]> = {};

/** A library of real photos with one face each, every face assigned to its person; no models needed. */
async function buildLibrary(): Promise<void> {
  libraryDir = join(root, 'library');
  const library = openLibrary(libraryDir, { create: true });
  const corrections = new Corrections(library);
  let seed = 1;
  try {
    for (const [who, files] of Object.entries(SOURCES)) {
      const faceIds: number[] = [];
      photoNames[who] = [];
      mkdirSync(join(root, 'photos', who), { recursive: true });
      for (const file of files) {
        const meta = await sharp(join(train, who, file)).metadata();
        for (let i = 0; i < COPIES; i++) {
          const name = `${file.replace('.jpg', '')}-${String(i).padStart(2, '0')}.jpg`;
          const path = join(root, 'photos', who, name);
          copyFileSync(join(train, who, file), path);
          photoNames[who].push(name);
          const v = Float32Array.from({ length: 128 }, (_, k) => Math.sin(seed * 31 + k * 7));
          seed++;
          const n = Math.hypot(...v);
          const embedding = v.map((x) => x / n);
          const box = { x: 10, y: 10, w: 80, h: 80 };
          const { faceIds: ids } = library.write.recordAnalysis(
            { path, size: 1, mtimeMs: 1, contentHash: null },
            {
              width: meta.width!,
              height: meta.height!,
              takenAt: null,
              pipelineId: 'test',
              embedderId: 'test-embedder',
              faces: [
                {
                  box,
                  landmarks: [
                    [30, 40],
                    [70, 40],
                    [50, 60],
                    [35, 80],
                    [65, 80],
                  ],
                  quality: { detScore: 0.9, size: 80, sharpness: 100, frontal: 0.9, overall: 0.8 },
                  embedding,
                  embeddingQ: quantizeInt8(embedding),
                },
              ],
            },
          );
          faceIds.push(...ids);
        }
      }
      corrections.moveFaces(faceIds, 'new');
      const last = corrections.history(1)[0]!.payload;
      personIds[who] = last.op === 'move' ? last.newPersonId! : -1;
    }
  } finally {
    library.close();
  }
}

function rename(names: Record<string, string>): void {
  const library = openLibrary(libraryDir);
  try {
    const corrections = new Corrections(library);
    for (const [who, name] of Object.entries(names)) corrections.renamePerson(personIds[who]!, name);
  } finally {
    library.close();
  }
}

/** Every file below `dir`, relative. */
const filesUnder = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true }) as string[]).filter((p) => statSync(join(dir, p)).isFile());

/**
 * Runs `kith export --format folders`; with `killAfter`, kills it with SIGKILL as soon as that many
 * files are in person folders (polled every millisecond), unless it has exited already.
 */
function exportFolders(
  out: string,
  killAfter?: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      join(repoRoot, 'bin/kith.js'),
      'export',
      '--library',
      libraryDir,
      '--format',
      'folders',
      '--out',
      out,
      '--link',
      'copy',
    ]);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const poll =
      killAfter === undefined
        ? undefined
        : setInterval(() => {
            try {
              const made = filesUnder(out).filter((p) => p.includes('/')).length;
              if (made >= killAfter) child.kill('SIGKILL');
            } catch {
              // the folder is not there yet
            }
          }, 1);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, stderr });
    });
  });
}

before(async () => {
  if (needShared) return;
  root = mkdtempSync(join(tmpdir(), 'kith-export-crash-'));
  await buildLibrary();
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

test('a folders export killed part-way leaves no debris and no person twice', {
  skip: needShared,
}, async () => {
  const out = join(root, 'out');
  rename(NAMES[0]!);
  const first = await exportFolders(out, 10);
  assert.equal(first.signal, 'SIGKILL', `the first export was to be killed part-way: ${first.stderr}`);
  rename(NAMES[1]!);
  const second = await exportFolders(out, 90);
  assert.equal(second.signal, 'SIGKILL', `the second export was to be killed part-way: ${second.stderr}`);
  rename(NAMES[2]!);
  const last = await exportFolders(out);
  assert.equal(last.code, 0, last.stderr);

  const folders = Object.entries(NAMES[2]!).map(([who, name]) => personFolderName(personIds[who]!, name));
  assert.deepEqual(readdirSync(out).sort(), [MANIFEST_FILE, ...folders].sort(), 'only the current people');
  for (const [who, name] of Object.entries(NAMES[2]!)) {
    const dir = join(out, personFolderName(personIds[who]!, name));
    assert.deepEqual(readdirSync(dir).sort(), [...photoNames[who]!].sort(), `${name}: each photo once`);
  }
  assert.deepEqual(
    filesUnder(out).filter((p) => p.includes('kith-tmp')),
    [],
    'no temp file is left',
  );
});
