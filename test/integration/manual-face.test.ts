// A face drawn by hand on a real photo (one the detector "missed"), assigned to its person through the
// API: the face model's landmark, align and embed stages run on the drawn box, so the face lands near
// the person's other faces; undo removes it, redo brings it back, malformed boxes are refused. A face
// is marked once: drawing it again is refused, and a re-scan that now detects it does not add it twice.
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { runScanJob } from '../../electron/core/scan-job.ts';
import { dispatch } from '../../electron/core/service/dispatch.ts';
import { LibraryService } from '../../electron/core/service/library-service.ts';
import { float32Of, openLibrary } from '../../electron/core/store/index.ts';
import { sameFaceAsDrawn } from '../../electron/core/store/writer.ts';
import type { Envelope, MethodName, Output } from '../../electron/shared/api.ts';
import { quantizeInt8 } from '../../ml/embed/quantize.ts';
import { decodeImage } from '../../ml/image/decode.ts';
import { ManualFaceEmbedder, plausibleLandmarks, templateLandmarks } from '../../ml/manual-face.ts';
import { createPipeline } from '../../ml/pipeline.ts';
import type { PhotoAnalysis } from '../../ml/types.ts';
import { needShared, sharedDataDir } from '../helpers/shared.ts';

const fr = join(sharedDataDir, 'photos-dev/face_recognition');
const roots: string[] = [];
after(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

const LIBRARY_PHOTOS = [
  'examples/knn_examples/train/obama/obama.jpg',
  'examples/knn_examples/train/obama/obama2.jpg',
  'tests/test_images/obama3.jpg',
  'examples/knn_examples/train/biden/biden.jpg',
  'examples/knn_examples/train/biden/biden2.jpg',
];
/** The photo whose face the detector "missed": recorded as analysed with no faces. */
const MISSED = 'examples/knn_examples/test/obama1.jpg';
const CLUSTER_THRESHOLD = 1.15; // faceplugin-feature's calibrated grouping threshold (manifest)

const sq = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0);

test('template landmarks are plausible in their box; points outside it are not', () => {
  const box = { x: 100, y: 50, w: 80, h: 100 };
  const t = templateLandmarks(box);
  assert.ok(plausibleLandmarks(t, box));
  assert.ok(t.every(([x, y]) => x > box.x && x < box.x + box.w && y > box.y && y < box.y + box.h));
  const far = t.map(([x, y]) => [x + 200, y] as const) as unknown as typeof t;
  assert.equal(plausibleLandmarks(far, box), false);
  const upsideDown = [t[3], t[4], t[2], t[0], t[1]] as unknown as typeof t;
  assert.equal(plausibleLandmarks(upsideDown, box), false);
});

test('a face drawn on a photo joins its person, near its other faces; undo and redo', {
  skip: needShared,
  timeout: 240_000,
}, async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'kith-manual-'));
  roots.push(root);
  const photos = join(root, 'photos');
  await mkdir(photos, { recursive: true });
  for (const p of LIBRARY_PHOTOS) await cp(join(fr, p), join(photos, basename(p)));
  const missedPath = join(photos, 'missed-obama1.jpg');
  await cp(join(fr, MISSED), missedPath);

  // The library: everything but the missed photo scanned; that one analysed with no faces found.
  const libraryDir = join(root, 'lib');
  const lib = openLibrary(libraryDir, { create: true });
  const pipeline = await createPipeline({ pipeline: 'faceplugin', threads: 1 });
  let truth: { x: number; y: number; w: number; h: number };
  let found: PhotoAnalysis;
  try {
    // Ground truth for the drawn box: where the detector finds the face in the full photo.
    found = await pipeline.analyzeFile(missedPath);
    assert.ok(found.faces.length >= 1, 'the test photo has a face');
    truth = found.faces.reduce((a, b) => (a.box.w * a.box.h >= b.box.w * b.box.h ? a : b)).box;
    const s = await stat(missedPath);
    lib.write.recordAnalysis(
      { path: missedPath, size: s.size, mtimeMs: Math.floor(s.mtimeMs), contentHash: null },
      {
        width: found.width,
        height: found.height,
        takenAt: null,
        pipelineId: pipeline.id,
        embedderId: pipeline.embedderId,
        faces: [],
      },
    );
    await runScanJob({ library: lib, roots: [photos], pipeline: 'faceplugin', workers: 1 });
  } finally {
    await pipeline.close();
    lib.close();
  }

  // The face model setting left at 'auto': the library's own pipeline (faceplugin, 512-d), not the
  // newer default for new libraries, so drawn faces get embeddings its faces compare with.
  const service = LibraryService.open({ libraryDir });
  const call = <M extends MethodName>(m: M, input: unknown) =>
    dispatch(service.handlers, m, input, { validateOutput: true }) as Promise<Envelope<Output<M>>>;
  try {
    const choices = await call('listPipelines', {});
    assert.ok(choices.ok && choices.value.auto === 'faceplugin', JSON.stringify(choices));
    const people = service.library.read.listPeopleWithFaces();
    const personOf = (file: string) => people.find((p) => p.faces.some((f) => basename(f.path) === file));
    const obama = personOf('obama.jpg');
    const biden = personOf('biden.jpg');
    assert.ok(obama && biden && obama.id !== biden.id, 'the scan found Obama and Biden as two people');
    const missed = service.library.read.getPhotoByPath(missedPath);
    assert.ok(missed);

    // Malformed or impossible boxes are refused before any model runs.
    for (const box of [
      { x: 10, y: 10, w: 0, h: 20 },
      { x: 10, y: 10, w: 20 },
      { x: 10, y: 10, w: 20, h: 20, extra: 1 },
      { x: Number.NaN, y: 0, w: 20, h: 20 },
    ]) {
      const r: Envelope<Output<'addFace'>> = await call('addFace', { photoId: missed.id, box, to: obama.id });
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.error.code, 'invalid-request', JSON.stringify(box));
    }
    const offPhoto = await call('addFace', {
      photoId: missed.id,
      box: { x: 5000, y: 10, w: 50, h: 50 },
      to: 'new',
    });
    assert.equal(!offPhoto.ok && offPhoto.error.code, 'invalid-request');
    const noPerson = await call('addFace', { photoId: missed.id, box: truth, to: 999_999 });
    assert.equal(!noPerson.ok && noPerson.error.code, 'not-found');
    const noPhoto = await call('addFace', { photoId: 999_999, box: truth, to: obama.id });
    assert.equal(!noPhoto.ok && noPhoto.error.code, 'not-found');
    assert.equal(service.library.read.listFaces(missed.id).length, 0, 'refused calls wrote nothing');

    // A hand-drawn box: looser than the detector's and a little off centre.
    const drawn = {
      x: truth.x - 0.12 * truth.w,
      y: truth.y - 0.06 * truth.h,
      w: truth.w * 1.2,
      h: truth.h * 1.15,
    };
    const added = await call('addFace', { photoId: missed.id, box: drawn, to: obama.id });
    assert.ok(added.ok, JSON.stringify(added));
    assert.deepEqual(added.value.personIds, [obama.id]);

    const photo = await call('getPhoto', { photoId: missed.id });
    assert.ok(photo.ok);
    assert.equal(photo.value.faces.length, 1);
    const face = photo.value.faces[0]!;
    assert.equal(face.source, 'manual');
    assert.equal(face.personId, obama.id);
    assert.equal(face.assignment, 'user');
    const person = await call('getPerson', { personId: obama.id });
    assert.ok(person.ok && person.value.faces.some((f) => f.faceId === face.faceId && f.source === 'user'));
    assert.equal(
      service.library.db
        .prepare("SELECT count(*) FROM constraints WHERE kind = 'must_link' AND face_a = ? AND person_id = ?")
        .pluck()
        .get(face.faceId, obama.id),
      1,
      'a must-link like a confirmed face',
    );

    // Its embedding lands among Obama's faces: within the grouping threshold, nearer than Biden's.
    const embeddingOf = (id: number) =>
      float32Of(
        service.library.db.prepare('SELECT embedding FROM faces WHERE id = ?').pluck().get(id) as Buffer,
      );
    const mine = embeddingOf(face.faceId);
    const toObama = obama.faces.map((f) => sq(mine, embeddingOf(f.faceId)));
    const toBiden = biden.faces.map((f) => sq(mine, embeddingOf(f.faceId)));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    t.diagnostic(
      `squared L2 to Obama's faces ${toObama.map((d) => d.toFixed(3))}, to Biden's ${toBiden.map((d) => d.toFixed(3))}`,
    );
    assert.ok(Math.min(...toObama) < CLUSTER_THRESHOLD, `nearest Obama face at ${Math.min(...toObama)}`);
    assert.ok(mean(toObama) < mean(toBiden), `Obama ${mean(toObama)} vs Biden ${mean(toBiden)}`);
    const stored = service.library.db
      .prepare('SELECT source, embedder_id AS e, landmarks FROM faces WHERE id = ?')
      .get(face.faceId) as { source: string; e: string; landmarks: string };
    assert.equal(stored.source, 'manual');
    assert.equal(stored.e, 'faceplugin-feature');
    assert.equal(JSON.parse(stored.landmarks).length, 5);

    // Marked once: drawing the face again (even a tighter box) is refused and writes nothing.
    const twice = await call('addFace', { photoId: missed.id, box: truth, to: obama.id });
    assert.equal(!twice.ok && twice.error.code, 'conflict');
    assert.equal(service.library.read.listFaces(missed.id).length, 1);

    // Undo removes the face; redo brings it back with the same id.
    const undone = await call('undo', {});
    assert.ok(undone.ok && undone.value.result?.op === 'add-face');
    assert.equal(service.library.read.listFaces(missed.id).length, 0);
    const after = await call('getPerson', { personId: obama.id });
    assert.ok(after.ok && after.value.faces.every((f) => f.faceId !== face.faceId));
    const redone = await call('redo', {});
    assert.ok(redone.ok && redone.value.result?.op === 'add-face');
    const again = service.library.read.listFaces(missed.id);
    assert.deepEqual(
      again.map((f) => [f.id, f.source]),
      [[face.faceId, 'manual']],
    );
    assert.equal(service.library.read.getAssignment(face.faceId)?.personId, obama.id);

    // "New person": a drawn face can start a person of its own.
    const other = await call('addFace', {
      photoId: missed.id,
      box: { x: 10, y: 10, w: 60, h: 60 },
      to: 'new',
    });
    assert.ok(other.ok);
    const created = other.value.personIds[0]!;
    assert.notEqual(created, obama.id);
    assert.equal(service.library.read.getPersonRecord(created)?.coverFaceId !== null, true);

    // A re-scan whose detector now finds the face keeps the drawn one and adds no second face there.
    const { pipelineId } = service.library.read.getPhoto(missed.id)!;
    service.library.write.replacePhotoFaces(missed.id, {
      width: found.width,
      height: found.height,
      takenAt: null,
      pipelineId: pipelineId ?? 'faceplugin',
      embedderId: 'faceplugin-feature',
      faces: found.faces.map((f) => ({ ...f, embeddingQ: quantizeInt8(f.embedding) })),
    });
    const rescanned = service.library.read.listFaces(missed.id);
    const detected = rescanned.filter((f) => f.source === 'detected');
    assert.equal(detected.length, found.faces.length - 1, 'every other detection is added');
    assert.ok(
      detected.every((f) => !sameFaceAsDrawn(drawn, f.box)),
      'the drawn face is not doubled',
    );
    assert.ok(rescanned.some((f) => f.id === face.faceId && f.source === 'manual'));
    assert.equal(service.library.read.getAssignment(face.faceId)?.personId, obama.id);
  } finally {
    await service.close();
  }
});

test('the embedder finds landmarks on a drawn box of a real face', {
  skip: needShared,
  timeout: 60_000,
}, async () => {
  const embedder = await ManualFaceEmbedder.create({ pipeline: 'faceplugin', threads: 1 });
  try {
    const img = await decodeImage(join(sharedDataDir, 'photos-dev/faceapi_bbt/raj/raj3.png'));
    const face = await embedder.embedBox(img, { x: 25, y: 15, w: 112, h: 120 });
    assert.equal(face.landmarkSource, 'landmarks');
    assert.ok(Math.abs(Math.hypot(...face.embedding) - 1) < 1e-4);
  } finally {
    await embedder.close();
  }
});
