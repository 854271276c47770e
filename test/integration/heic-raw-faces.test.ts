// Faces in HEIC and RAW land where they are in the same photo as a JPEG: one real photo, stored a
// quarter turn off and put upright by EXIF Orientation 6, as a tagged JPEG, as a HEIC with irot (and EXIF 6, as iPhones
// write it), and as a DNG whose 2×-size frame carries the photo as its JPEG preview.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { iou } from '../../ml/geometry/box.ts';
import { createPipeline } from '../../ml/pipeline.ts';
import { addIrot, heifEnc, needHeifEnc } from '../helpers/heif.ts';
import { needShared, repoRoot, sharedDataDir, sharedModelsDir } from '../helpers/shared.ts';

const PHOTO = join(sharedDataDir, 'photos-dev/face_recognition/tests/test_images/obama.jpg'); // 910×1137
const EXIFTOOL = join(repoRoot, 'node_modules/exiftool-vendored.pl/bin/exiftool');

test('HEIC (irot) and RAW (Orientation 6) boxes land on the face the JPEG shows', {
  skip: needShared || needHeifEnc,
  timeout: 120_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kith-heic-raw-'));
  const p = await createPipeline({ pipeline: 'faceplugin', modelsDir: sharedModelsDir });
  try {
    const jpeg = join(dir, 'turned.jpg');
    const stored = await sharp(PHOTO).rotate(270).jpeg({ quality: 92 }).toBuffer(); // 1137×910, sideways
    await writeFile(jpeg, await sharp(stored).withMetadata({ orientation: 6 }).toBuffer());
    const encoded = await heifEnc(jpeg, join(dir, 'plain.heic'), 85);
    const heic = join(dir, 'turned.heic');
    await writeFile(heic, addIrot(encoded, 3));
    const dng = join(dir, 'turned.dng');
    await writeFile(dng, await sharp(stored).resize(2274, 1820).tiff({ compression: 'jpeg' }).toBuffer());
    const preview = join(dir, 'preview.jpg');
    await writeFile(preview, stored);
    await promisify(execFile)(EXIFTOOL, [
      '-q',
      '-overwrite_original',
      '-DNGVersion=1.4.0.0',
      '-Orientation#=6',
      `-PreviewImage<=${preview}`,
      dng,
    ]);

    const reference = await p.analyzeFile(jpeg);
    assert.deepEqual([reference.width, reference.height], [910, 1137]);
    assert.equal(reference.faces.length, 1, JSON.stringify(reference.faces.map((f) => f.box)));
    const face = reference.faces[0]!.box;

    const fromHeic = await p.analyzeFile(heic);
    assert.deepEqual([fromHeic.width, fromHeic.height], [910, 1137]);
    assert.equal(fromHeic.faces.length, 1);
    assert.ok(iou(fromHeic.faces[0]!.box, face) > 0.8, `HEIC box ${JSON.stringify(fromHeic.faces[0]!.box)}`);

    // The DNG's frame is twice the preview: the same face at twice the coordinates.
    const fromRaw = await p.analyzeFile(dng);
    assert.deepEqual([fromRaw.width, fromRaw.height], [1820, 2274]);
    assert.equal(fromRaw.faces.length, 1);
    const half = {
      x: fromRaw.faces[0]!.box.x / 2,
      y: fromRaw.faces[0]!.box.y / 2,
      w: fromRaw.faces[0]!.box.w / 2,
      h: fromRaw.faces[0]!.box.h / 2,
    };
    assert.ok(iou(half, face) > 0.8, `RAW box ${JSON.stringify(fromRaw.faces[0]!.box)}`);
  } finally {
    await p.close();
    await rm(dir, { recursive: true, force: true });
  }
});
