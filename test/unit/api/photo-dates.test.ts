// A photo without an EXIF, XMP or IPTC date is dated by its file's modification time, flagged
// approximate, in every photo and face summary, and sorted by that date; the UI shows it as "≈ …".
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { quantizeInt8 } from '../../../ml/embed/quantize.ts';
import { photoDate } from '../../../renderer/src/format.ts';
import { type ApiFixture, apiCaller, buildApiFixture, EMBEDDER } from './fixtures.ts';

let fx: ApiFixture;
let undated: number;
let faceId: number;
// 15 June 2019, 08:30 local time: before every fixture photo's capture date (January 2020).
const MTIME = new Date(2019, 5, 15, 8, 30, 0).getTime();

before(async () => {
  fx = await buildApiFixture();
  const path = join(fx.photosDir, 'undated.jpg');
  await copyFile(join(fx.photosDir, 'photo-0.jpg'), path);
  const embedding = new Float32Array(16);
  embedding[0] = 1; // identity 0's direction
  const box = { x: 10, y: 40, w: 80, h: 100 };
  const r = fx.service.library.write.recordAnalysis(
    { path, size: 999, mtimeMs: MTIME, contentHash: null },
    {
      width: 320,
      height: 200,
      takenAt: null,
      pipelineId: 'fake',
      embedderId: EMBEDDER,
      faces: [
        {
          box,
          landmarks: [
            [35, 75],
            [65, 75],
            [50, 95],
            [38, 115],
            [62, 115],
          ],
          quality: { detScore: 0.95, size: 80, sharpness: 120, frontal: 0.9, overall: 0.7 },
          embedding,
          embeddingQ: quantizeInt8(embedding),
        },
      ],
    },
  );
  undated = r.photoId;
  faceId = r.faceIds[0]!;
});
after(() => fx.close());

const { call } = apiCaller(() => fx);

test('an undated photo takes its file time, approximate, in photo lists, the viewer and faces', async () => {
  const all = await call('listPhotos', { personIds: [] });
  const first = all.photos[0]!;
  assert.equal(first.photoId, undated, 'sorted by the date shown: June 2019 comes first');
  assert.equal(first.takenAt, '2019-06-15T08:30:00');
  assert.equal(first.dateApproximate, true);
  assert.ok(all.photos.slice(1).every((p) => p.dateApproximate === false && p.takenAt?.startsWith('2020-')));

  const viewed = await call('getPhoto', { photoId: undated });
  assert.equal(viewed.photo.takenAt, '2019-06-15T08:30:00');
  assert.equal(viewed.photo.dateApproximate, true);
  assert.equal((await call('getPhoto', { photoId: fx.photoIds[0]! })).photo.dateApproximate, false);

  const personId = fx.service.library.read.getAssignment(fx.faces[0]![0]!)!.personId;
  await call('moveFaces', { faceIds: [faceId], to: personId });
  const person = await call('getPerson', { personId });
  const face = person.faces.find((f) => f.faceId === faceId)!;
  assert.equal(face.takenAt, '2019-06-15T08:30:00');
  assert.equal(face.dateApproximate, true);
  assert.equal(person.photos[0]!.photoId, undated);
  assert.equal(person.photos[0]!.dateApproximate, true);
  assert.ok(person.faces.filter((f) => f.faceId !== faceId).every((f) => !f.dateApproximate));
});

test('the UI marks an approximate date', () => {
  const exact = photoDate('2019-06-15T08:30:00');
  assert.equal(photoDate('2019-06-15T08:30:00', true), `≈ ${exact}`);
  assert.ok(!exact.includes('≈'));
  assert.equal(photoDate(null, true), 'No date');
});
