// Capture dates of real photos without EXIF: from XMP, then IPTC, written by exiftool as photo tools do.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { decodeImage, probeImage } from '../../../ml/image/decode.ts';
import { needShared, repoRoot, sharedDataDir } from '../../helpers/shared.ts';

const PHOTO = join(sharedDataDir, 'photos-dev/face_recognition/tests/test_images/biden.jpg');
const EXIFTOOL = join(repoRoot, 'node_modules/exiftool-vendored.pl/bin/exiftool');

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kith-dates-'));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The real photo, stripped of all metadata (sharp writes none), then tagged by exiftool. */
async function tagged(name: string, format: 'jpeg' | 'png' | 'tiff', ...tags: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, await sharp(PHOTO).resize(200).toFormat(format).toBuffer());
  if (tags.length > 0) await promisify(execFile)(EXIFTOOL, ['-q', '-overwrite_original', ...tags, path]);
  return path;
}

const skip = needShared;

describe('capture date without EXIF', () => {
  it('comes from XMP (photoshop:DateCreated, xmp:CreateDate), with its zone', { skip }, async () => {
    const a = await tagged('xmp.jpg', 'jpeg', '-XMP-photoshop:DateCreated=2012:03:04 05:06:07+01:00');
    assert.equal((await decodeImage(a)).takenAt, '2012-03-04T05:06:07+01:00');
    assert.equal((await probeImage(a)).takenAt, '2012-03-04T05:06:07+01:00');
    const b = await tagged('xmp.png', 'png', '-XMP-xmp:CreateDate=2013:04:05 06:07:08');
    assert.equal((await decodeImage(b)).takenAt, '2013-04-05T06:07:08');
  });

  it('comes from IPTC DateCreated + TimeCreated when there is no XMP date', { skip }, async () => {
    const path = await tagged(
      'iptc.jpg',
      'jpeg',
      '-IPTC:DateCreated=2014:05:06',
      '-IPTC:TimeCreated=07:08:09-05:00',
    );
    assert.equal((await decodeImage(path)).takenAt, '2014-05-06T07:08:09-05:00');
    const dayOnly = await tagged('iptc-day.jpg', 'jpeg', '-IPTC:DateCreated=2015:06:07');
    assert.equal((await decodeImage(dayOnly)).takenAt, '2015-06-07T00:00:00');
  });

  it('EXIF still wins over XMP and IPTC; a photo with none has no date', { skip }, async () => {
    const path = await tagged(
      'all.jpg',
      'jpeg',
      '-EXIF:DateTimeOriginal=2010:01:02 03:04:05',
      '-XMP-photoshop:DateCreated=2012:03:04 05:06:07',
      '-IPTC:DateCreated=2014:05:06',
    );
    assert.equal((await decodeImage(path)).takenAt, '2010-01-02T03:04:05');
    assert.equal((await decodeImage(await tagged('none.jpg', 'jpeg'))).takenAt, null);
  });
});
