// RAW files through their embedded JPEG preview. The test RAW is a DNG built here: a TIFF of a real
// photo at twice its size (the "sensor" frame), tagged as DNG by exiftool, with the photo itself as
// the JPEG PreviewImage; the RAW's Orientation and date are exiftool tags.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { type DecodedImage, decodeImage, probeImage } from '../../../ml/image/decode.ts';
import { closeRawReader } from '../../../ml/image/raw.ts';
import { ImageSkipError } from '../../../ml/types.ts';
import { needShared, repoRoot, sharedDataDir } from '../../helpers/shared.ts';

const PHOTO = join(sharedDataDir, 'photos-dev/face_recognition/tests/test_images/obama.jpg'); // 910×1137
const EXIFTOOL = join(repoRoot, 'node_modules/exiftool-vendored.pl/bin/exiftool');

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kith-raw-'));
});
after(async () => {
  await closeRawReader();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const exiftool = (...args: string[]) => promisify(execFile)(EXIFTOOL, ['-q', '-overwrite_original', ...args]);

/** A DNG whose frame is the photo at 2× (JPEG-compressed TIFF data) and whose preview is the photo. */
async function dng(name: string, tags: string[], preview: boolean): Promise<string> {
  const path = join(dir, name);
  const frame = sharp(PHOTO).resize(1820, 2274);
  await writeFile(
    path,
    await (preview ? frame.tiff({ compression: 'jpeg' }) : frame.tiff({ compression: 'none' })).toBuffer(),
  );
  const jpeg = join(dir, `${name}.preview.jpg`);
  await writeFile(jpeg, await sharp(PHOTO).jpeg({ quality: 92 }).toBuffer());
  await exiftool('-DNGVersion=1.4.0.0', ...tags, ...(preview ? [`-PreviewImage<=${jpeg}`] : []), path);
  return path;
}

function meanDiff(a: DecodedImage, b: DecodedImage): number {
  assert.deepEqual([a.width, a.height], [b.width, b.height]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

describe('RAW through the embedded JPEG preview', () => {
  it('decodes the preview, turned by the RAW’s orientation, sized in the RAW’s own frame', {
    skip: needShared,
  }, async () => {
    const path = await dng(
      'IMG_0001.DNG',
      ['-Orientation#=6', '-DateTimeOriginal=2019:02:03 04:05:06'],
      true,
    );
    const img = await decodeImage(path);
    assert.equal(img.format, 'dng');
    assert.equal(img.takenAt, '2019-02-03T04:05:06');
    // The RAW is 1820×2274 turned a quarter; the preview is half that.
    assert.deepEqual([img.originalWidth, img.originalHeight, img.width, img.height], [2274, 1820, 1137, 910]);
    assert.ok(Math.abs(img.scale - 0.5) < 0.001, `scale ${img.scale}`);
    const turned = await sharp(PHOTO).jpeg({ quality: 92 }).withMetadata({ orientation: 6 }).toBuffer();
    const expected = await decodeImage(await writeAndReturn(join(dir, 'turned.jpg'), turned));
    assert.ok(meanDiff(expected, img) < 2, `mean difference ${meanDiff(expected, img)}`);
    assert.deepEqual(await probeImage(path), {
      width: 2274,
      height: 1820,
      format: 'dng',
      takenAt: '2019-02-03T04:05:06',
    });
  });

  it('a RAW without a usable preview is skipped with that reason', { skip: needShared }, async () => {
    const path = await dng('bare.dng', [], false);
    // sharp's default TIFF compression stores JPEG strips without their tables: a damaged preview.
    const damaged = join(dir, 'damaged.dng');
    await writeFile(damaged, await sharp(PHOTO).tiff().toBuffer());
    await exiftool('-DNGVersion=1.4.0.0', damaged);
    // One at a time: promises made up front could reject before assert.rejects awaits them.
    for (const run of [() => decodeImage(path), () => probeImage(path), () => decodeImage(damaged)]) {
      await assert.rejects(run, (err: unknown) => {
        assert.ok(err instanceof ImageSkipError, String(err));
        assert.equal(err.reason, 'unsupported-format');
        assert.match(err.message, /DNG file has no usable embedded JPEG preview/);
        return true;
      });
    }
  });
});

async function writeAndReturn(path: string, bytes: Buffer): Promise<string> {
  await writeFile(path, bytes);
  return path;
}
