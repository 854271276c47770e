// Photos and face thumbnails are served through the analysis's decoder, so a HEIC (which this
// machine's libvips cannot decode: libheif's WebAssembly build does) shows in the UI like a JPEG.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { heifEnc, needHeifEnc } from '../../helpers/heif.ts';
import { type ApiFixture, buildApiFixture, EMBEDDER } from './fixtures.ts';

const W = 320;
const H = 200;
let fx: ApiFixture;
let photoId: number;
let faceId: number;

before(async () => {
  if (needHeifEnc) return;
  fx = await buildApiFixture();
  // Left half red, right half blue; the face box sits in the blue half.
  const px = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) px.set(x < W / 2 ? [220, 30, 30] : [30, 30, 220], (y * W + x) * 3);
  const jpeg = join(fx.root, 'halves.jpg');
  await sharp(px, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality: 95 })
    .toFile(jpeg);
  const heic = join(fx.photosDir, 'halves.heic');
  await heifEnc(jpeg, heic, 90);
  const embedding = new Float32Array(16);
  embedding[3] = 1;
  const r = fx.service.library.write.recordAnalysis(
    { path: heic, size: 1, mtimeMs: 1, contentHash: null },
    {
      width: W,
      height: H,
      takenAt: null,
      pipelineId: 'fake',
      embedderId: EMBEDDER,
      faces: [
        {
          box: { x: 220, y: 70, w: 50, h: 60 },
          landmarks: [
            [235, 90],
            [255, 90],
            [245, 100],
            [237, 115],
            [253, 115],
          ],
          quality: { detScore: 0.9, size: 50, sharpness: 100, frontal: 0.9, overall: 0.6 },
          embedding,
          embeddingQ: new Int8Array(16),
        },
      ],
    },
  );
  photoId = r.photoId;
  faceId = r.faceIds[0]!;
});
after(() => fx?.close());

/** Mean R, G, B of an encoded image, and its size. */
async function look(body: Buffer) {
  const { data, info } = await sharp(body).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const mean = [0, 0, 0];
  for (let i = 0; i < data.length; i += 3) for (let c = 0; c < 3; c++) mean[c]! += data[i + c]!;
  const n = data.length / 3;
  return { width: info.width, height: info.height, r: mean[0]! / n, b: mean[2]! / n };
}

test('a HEIC photo and its face thumbnail are served', { skip: needHeifEnc }, async () => {
  const face = await fx.service.media.face(faceId, 96);
  assert.equal(face.contentType, 'image/webp');
  const tile = await look(face.body);
  assert.deepEqual([tile.width, tile.height], [96, 96]);
  assert.ok(tile.b > 150 && tile.r < 80, `the face tile shows the blue half: ${JSON.stringify(tile)}`);

  const full = await fx.service.media.photo(photoId, null);
  assert.equal(full.contentType, 'image/jpeg');
  const photo = await look(full.body);
  assert.deepEqual([photo.width, photo.height], [W, H]);
  const small = await look((await fx.service.media.photo(photoId, 100)).body);
  assert.deepEqual([small.width, small.height], [100, 63]);
});
