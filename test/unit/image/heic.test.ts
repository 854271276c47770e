// HEIC through libheif's WebAssembly build, on HEIC files made from a real photo by Debian's heif-enc:
// pixels match the JPEG they came from, EXIF Orientation turns them unless the HEIF's own irot does.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { type DecodedImage, decodeImage, probeImage } from '../../../ml/image/decode.ts';
import { heifHasTransform } from '../../../ml/image/heic.ts';
import { addIrot, heifEnc, needHeifEnc } from '../../helpers/heif.ts';
import { needShared, sharedDataDir } from '../../helpers/shared.ts';

const PHOTO = join(sharedDataDir, 'photos-dev/face_recognition/tests/test_images/obama.jpg');
const DATE = { IFD2: { DateTimeOriginal: '2016:05:07 09:08:07' } };

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kith-heic-'));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The real photo (portrait, 910×1137) at 480×600 as a JPEG carrying `orientation` and a capture date, and its HEIC. */
async function pair(name: string, orientation: number): Promise<{ jpeg: string; heic: string }> {
  const jpeg = join(dir, `${name}.jpg`);
  const heic = join(dir, `${name}.heic`);
  const bytes = await sharp(PHOTO)
    .resize(480)
    .jpeg({ quality: 95 })
    .withExif(DATE)
    .withMetadata({ orientation })
    .toBuffer();
  await writeFile(jpeg, bytes);
  await heifEnc(jpeg, heic, 90);
  return { jpeg, heic };
}

/** Mean absolute difference per channel value of two same-size decodes. */
function meanDiff(a: DecodedImage, b: DecodedImage): number {
  assert.deepEqual([a.width, a.height], [b.width, b.height]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

const skip = needShared || needHeifEnc;

describe('HEIC (libheif WebAssembly)', () => {
  it('decodes heif-enc output of a real photo: same pixels, size and capture date as the JPEG', {
    skip,
  }, async () => {
    const { jpeg, heic } = await pair('upright', 1);
    const [fromJpeg, fromHeic] = [await decodeImage(jpeg), await decodeImage(heic)];
    assert.equal(fromHeic.format, 'heic');
    assert.equal(fromHeic.takenAt, '2016-05-07T09:08:07');
    assert.ok(meanDiff(fromJpeg, fromHeic) < 4, `mean difference ${meanDiff(fromJpeg, fromHeic)}`);
    assert.deepEqual(await probeImage(heic), {
      width: fromJpeg.width,
      height: fromJpeg.height,
      format: 'heic',
      takenAt: '2016-05-07T09:08:07',
    });
  });

  it('turns by EXIF Orientation when the HEIF has no irot (heif-enc keeps the JPEG’s tag)', {
    skip,
  }, async () => {
    const { jpeg, heic } = await pair('exif6', 6);
    assert.equal(heifHasTransform(await readFile(heic)), false);
    const [fromJpeg, fromHeic] = [await decodeImage(jpeg), await decodeImage(heic)];
    assert.deepEqual([fromJpeg.width, fromJpeg.height], [600, 480], 'the JPEG turns a quarter');
    assert.ok(meanDiff(fromJpeg, fromHeic) < 4, `mean difference ${meanDiff(fromJpeg, fromHeic)}`);
    const probe = await probeImage(heic);
    assert.deepEqual([probe.width, probe.height], [fromJpeg.width, fromJpeg.height]);
  });

  it('turns by irot, and then ignores EXIF Orientation (iPhone files carry both)', { skip }, async () => {
    const upright = await decodeImage((await pair('ref6', 6)).jpeg);
    const stored = await pair('irot', 6); // EXIF says 6 too
    const withIrot = join(dir, 'irot3.heic');
    await writeFile(withIrot, addIrot(await readFile(stored.heic), 3)); // 3 quarter turns anticlockwise
    assert.equal(heifHasTransform(await readFile(withIrot)), true);
    const img = await decodeImage(withIrot);
    assert.ok(meanDiff(upright, img) < 4, `mean difference ${meanDiff(upright, img)}`);
    const probe = await probeImage(withIrot);
    assert.deepEqual([probe.width, probe.height], [upright.width, upright.height]);
  });

  it('shrinks to maxSide after turning, with scale to original pixels', { skip }, async () => {
    const { heic } = await pair('small', 6);
    const img = await decodeImage(heic, { maxSide: 120 });
    assert.deepEqual([img.width, img.height, img.originalWidth, img.originalHeight], [120, 96, 600, 480]);
    assert.ok(Math.abs(img.scale - 0.2) < 0.01, `scale ${img.scale}`);
  });
});
