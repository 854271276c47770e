// Small helpers beside the decoder: RGB resampling/cropping, content sniffing, EXIF date parsing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cropResizeRgb, type RgbImage, resizeRgb } from '../../../ml/image/resize.ts';
import { sniffImageFormat } from '../../../ml/image/sniff.ts';
import { exifDateToIso } from '../../../ml/image/taken-at.ts';

/** width×height image whose pixel (x, y) is [x, y, 7]. */
function ramp(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x, y, 7], (y * width + x) * 3);
  }
  return { data, width, height };
}

const at = (img: RgbImage, x: number, y: number) => [
  ...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3),
];

describe('resizeRgb', () => {
  it('resizes to exactly the requested size, packed RGB', async () => {
    const out = await resizeRgb(ramp(40, 20), 10, 30);
    assert.deepEqual([out.width, out.height, out.data.length], [10, 30, 900]);
    assert.equal(at(out, 5, 5)[2], 7);
  });

  it('rejects a buffer that does not match its size, and bad output sizes', async () => {
    await assert.rejects(resizeRgb({ data: new Uint8Array(10), width: 2, height: 2 }, 1, 1), RangeError);
    await assert.rejects(resizeRgb(ramp(4, 4), 0, 2), RangeError);
    await assert.rejects(resizeRgb(ramp(4, 4), 2.5, 2), RangeError);
  });
});

describe('cropResizeRgb', () => {
  it('copies a region exactly when no resampling is needed', async () => {
    const out = await cropResizeRgb(ramp(20, 10), { x: 5, y: 2, w: 4, h: 3 }, 4, 3);
    assert.deepEqual(at(out, 0, 0), [5, 2, 7]);
    assert.deepEqual(at(out, 3, 2), [8, 4, 7]);
  });

  it('fills the part of the region outside the image with the background', async () => {
    const out = await cropResizeRgb(ramp(20, 10), { x: -2, y: -1, w: 4, h: 4 }, 4, 4, [9, 9, 9]);
    assert.deepEqual(at(out, 0, 0), [9, 9, 9]);
    assert.deepEqual(at(out, 1, 3), [9, 9, 9]);
    assert.deepEqual(at(out, 2, 1), [0, 0, 7]);
    assert.deepEqual(at(out, 3, 3), [1, 2, 7]);
  });

  it('resizes the crop and survives a region entirely outside the image', async () => {
    const out = await cropResizeRgb(ramp(20, 10), { x: 0, y: 0, w: 20, h: 10 }, 10, 5);
    assert.deepEqual([out.width, out.height], [10, 5]);
    const away = await cropResizeRgb(ramp(20, 10), { x: 100, y: 100, w: 8, h: 8 }, 4, 4);
    assert.ok(away.data.every((v) => v === 0));
  });
});

describe('sniffImageFormat', () => {
  const of = (...bytes: number[]) => sniffImageFormat(Uint8Array.from(bytes));
  const text = (s: string) => sniffImageFormat(new TextEncoder().encode(s));
  it('recognises image signatures', () => {
    assert.equal(of(0xff, 0xd8, 0xff, 0xe0), 'jpeg');
    assert.equal(of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), 'png');
    assert.equal(text('GIF89a....'), 'gif');
    assert.equal(text('RIFF\0\0\0\0WEBPVP8 '), 'webp');
    assert.equal(of(0x49, 0x49, 0x2a, 0x00), 'tiff');
    assert.equal(text('\0\0\0\x18ftypheic\0\0\0\0mif1heic'), 'heic');
    assert.equal(text('\0\0\0\x1cftypavif\0\0\0\0mif1miaf'), 'avif');
    assert.equal(text('BM\x46\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0\x02\0\0\0\x02\0\0\0'), 'bmp');
    assert.equal(text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'), 'svg');
  });

  it('returns null for text, video and empty input', () => {
    assert.equal(text('hello, world'), null);
    assert.equal(text('\0\0\0\x18ftypisom\0\0\0\0isomiso2'), null);
    assert.equal(of(), null);
  });
});

describe('exifDateToIso', () => {
  it('converts EXIF dates to ISO 8601 local time', () => {
    assert.equal(exifDateToIso('2019:02:28 08:00:05'), '2019-02-28T08:00:05');
    assert.equal(exifDateToIso('2019:02:28 08:00:05', '7', '-05:00'), '2019-02-28T08:00:05.700-05:00');
    assert.equal(exifDateToIso('2019-02-28T08:00:05', undefined, 'nonsense'), '2019-02-28T08:00:05');
  });

  it('rejects unset and impossible dates', () => {
    for (const bad of [
      '0000:00:00 00:00:00',
      '2019:02:30 08:00:05',
      '2019:13:01 00:00:00',
      '    ',
      'x',
      42,
      null,
    ]) {
      assert.equal(exifDateToIso(bad), null, String(bad));
    }
  });
});
