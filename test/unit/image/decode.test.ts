// Decoder behaviour on every kind of file a photo library holds. All images are generated with sharp
// into a temp dir at test time; one real photo comes from ../shared when present.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import {
  type DecodedImage,
  decodeImage,
  decodeImageBuffer,
  probeImage,
  supportedFormats,
} from '../../../ml/image/decode.ts';
import { ImageSkipError, type SkipReason } from '../../../ml/types.ts';
import { mulberry32 } from '../../../ml/util/prng.ts';
import { needShared, sharedDataDir } from '../../helpers/shared.ts';

type Rgb = readonly [number, number, number];
const RED: Rgb = [255, 0, 0];
const BLUE: Rgb = [0, 0, 255];
const ORANGE: Rgb = [200, 100, 50];

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kith-decode-'));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const solid = (width: number, height: number, [r, g, b]: Rgb) =>
  sharp({ create: { width, height, channels: 3, background: { r, g, b } } });

async function save(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

function pixel(img: DecodedImage, x: number, y: number): Rgb {
  const i = (y * img.width + x) * 3;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
}

function assertNear(actual: Rgb, expected: Rgb, tolerance: number, what: string): void {
  const ok = actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance);
  assert.ok(ok, `${what}: got ${actual.join(',')}, expected ${expected.join(',')} ±${tolerance}`);
}

function assertPacked(img: DecodedImage): void {
  assert.ok(img.data instanceof Uint8Array);
  assert.equal(img.data.length, img.width * img.height * 3);
}

async function assertSkip(promise: Promise<unknown>, reason: SkipReason, mentions?: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ImageSkipError, `expected ImageSkipError, got ${String(err)}`);
    assert.equal(err.reason, reason, err.message);
    if (mentions)
      assert.ok(err.message.includes(mentions), `message should name ${mentions}: ${err.message}`);
    return true;
  });
}

/** A PNG whose header claims `width`×`height` but whose file is tiny: a decompression bomb. */
async function pngBomb(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await solid(1, 1, RED).png().toBuffer());
  // IHDR data starts at byte 16 (8 signature + 4 length + 4 type); its CRC covers type + data.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)) >>> 0, 29);
  return png;
}

/** A structurally valid HEIC (HEVC-coded HEIF) header with a token payload; no HEVC encoder needed. */
function heicFile(width: number, height: number): Buffer {
  const u8 = (n: number) => Buffer.from([n]);
  const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const str = (s: string) => Buffer.from(s, 'latin1');
  const box = (type: string, ...parts: Buffer[]) => {
    const payload = Buffer.concat(parts);
    return Buffer.concat([u32(payload.length + 8), str(type), payload]);
  };
  const fullBox = (type: string, version: number, ...parts: Buffer[]) =>
    box(type, u8(version), u8(0), u16(0), ...parts);
  const hvcC = box(
    'hvcC',
    Buffer.from([
      1, 1, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 0x5a, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 0,
    ]),
  );
  const meta = (dataOffset: number) =>
    fullBox(
      'meta',
      0,
      fullBox('hdlr', 0, u32(0), str('pict'), u32(0), u32(0), u32(0), u8(0)),
      fullBox('pitm', 0, u16(1)),
      fullBox('iloc', 0, u8(0x44), u8(0), u16(1), u16(1), u16(0), u16(1), u32(dataOffset), u32(8)),
      fullBox('iinf', 0, u16(1), fullBox('infe', 2, u16(1), u16(0), str('hvc1'), u8(0))),
      box(
        'iprp',
        box('ipco', hvcC, fullBox('ispe', 0, u32(width), u32(height))),
        fullBox('ipma', 0, u32(1), u16(1), u8(2), u8(0x81), u8(2)),
      ),
    );
  const ftyp = box('ftyp', str('heic'), u32(0), str('mif1heic'));
  const offset = ftyp.length + meta(0).length + 8;
  return Buffer.concat([ftyp, meta(offset), box('mdat', u32(4), Buffer.from([0x26, 1, 0xaf, 0]))]);
}

/** An uncompressed 16-bit RGB TIFF, written by hand: sharp's TIFF writer always stores 8 bits. */
function tiff16(width: number, height: number, [r, g, b]: Rgb): Buffer {
  const tags: [tag: number, type: number, count: number, value: number][] = [];
  const entries = 10;
  const ifdSize = 2 + entries * 12 + 4;
  const bitsOffset = 8 + ifdSize;
  const dataOffset = bitsOffset + 6;
  const dataBytes = width * height * 6;
  const SHORT = 3;
  const LONG = 4;
  tags.push(
    [256, LONG, 1, width],
    [257, LONG, 1, height],
    [258, SHORT, 3, bitsOffset], // BitsPerSample: three 16s, stored after the IFD
    [259, SHORT, 1, 1], // no compression
    [262, SHORT, 1, 2], // RGB
    [273, LONG, 1, dataOffset],
    [277, SHORT, 1, 3],
    [278, LONG, 1, height],
    [279, LONG, 1, dataBytes],
    [284, SHORT, 1, 1], // chunky
  );
  const out = Buffer.alloc(dataOffset + dataBytes);
  out.write('II*\0', 0, 'latin1');
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(entries, 8);
  tags.forEach(([tag, type, count, value], i) => {
    const at = 10 + i * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(count, at + 4);
    if (type === SHORT && count === 1) out.writeUInt16LE(value, at + 8);
    else out.writeUInt32LE(value, at + 8);
  });
  for (let i = 0; i < 3; i++) out.writeUInt16LE(16, bitsOffset + 2 * i);
  for (let p = 0; p < width * height; p++) {
    for (const [c, v] of [r, g, b].entries()) out.writeUInt16LE(v * 257, dataOffset + p * 6 + c * 2);
  }
  return out;
}

/** Deterministic pseudo-random bytes, so the "random bytes" case never flakes. */
function noise(length: number, seed = 0x9e3779b9): Buffer {
  const rand = mulberry32(seed);
  return Buffer.from(Array.from({ length }, () => Math.floor(rand() * 256)));
}

describe('decodeImage: orientation and size', () => {
  it('applies EXIF orientation 6 (rotate 90° clockwise): size and a known corner', async () => {
    // Stored 60×40, blue with a red 20×20 block at the stored top-left.
    const stored = await solid(60, 40, BLUE)
      .composite([{ input: await solid(20, 20, RED).png().toBuffer(), left: 0, top: 0 }])
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    assert.equal((await sharp(stored).metadata()).orientation, 6);
    const path = await save('orient6.jpg', stored);
    const img = await decodeImage(path);
    assertPacked(img);
    assert.deepEqual([img.width, img.height, img.originalWidth, img.originalHeight], [40, 60, 40, 60]);
    assert.equal(img.scale, 1);
    assert.equal(img.format, 'jpeg');
    // Turning the stored image 90° clockwise moves its top-left corner to the top-right.
    assertNear(pixel(img, 35, 4), RED, 40, 'top-right');
    assertNear(pixel(img, 4, 4), BLUE, 40, 'top-left');
    assertNear(pixel(img, 35, 55), BLUE, 40, 'bottom-right');
    const probe = await probeImage(path);
    assert.deepEqual(probe, { width: 40, height: 60, format: 'jpeg', takenAt: null });
  });

  it('shrinks to maxSide with fit inside, never enlarges, orientation first', async () => {
    const path = await save('big.jpg', await solid(400, 300, ORANGE).jpeg().toBuffer());
    const small = await decodeImage(path, { maxSide: 100 });
    assertPacked(small);
    assert.deepEqual(
      [small.width, small.height, small.originalWidth, small.originalHeight],
      [100, 75, 400, 300],
    );
    assert.equal(small.scale, 0.25);
    assertNear(pixel(small, 50, 37), ORANGE, 6, 'shrunk colour');
    const same = await decodeImage(path, { maxSide: 1000 });
    assert.deepEqual([same.width, same.height, same.scale], [400, 300, 1]);
    const rotated = await save(
      'big6.jpg',
      await solid(400, 300, ORANGE).jpeg().withMetadata({ orientation: 6 }).toBuffer(),
    );
    const r = await decodeImage(rotated, { maxSide: 100 });
    assert.deepEqual([r.width, r.height, r.originalWidth, r.originalHeight], [75, 100, 300, 400]);
  });

  it('shrinks big JPEGs on load (much faster than a full decode)', async () => {
    const path = await save('huge.jpg', await solid(6000, 4000, ORANGE).jpeg({ quality: 90 }).toBuffer());
    // CPU time of this process (libvips threads included), not wall time: other processes
    // sharing the machine do not count. Best of three absorbs one-off costs such as GC.
    const cpuMs = async (maxSide?: number) => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const start = process.cpuUsage();
        await decodeImage(path, maxSide === undefined ? {} : { maxSide });
        const used = process.cpuUsage(start);
        best = Math.min(best, (used.user + used.system) / 1000);
      }
      return best;
    };
    const full = await cpuMs();
    const shrunk = await cpuMs(750);
    // libvips' JPEG shrink-on-load (DCT scaling by 1/8) makes the pixel work ~8× cheaper; both paths
    // also pay per-file costs (header, EXIF/XMP dates), so the whole decode comes out ~3×. A decode at
    // full size then resized would be no cheaper at all: 2× tells the two apart with room for noise.
    assert.ok(shrunk * 2 < full, `shrunk ${shrunk.toFixed(1)} ms vs full ${full.toFixed(1)} ms CPU`);
  });

  it('rejects invalid options with RangeError', async () => {
    await assert.rejects(decodeImage(join(dir, 'x.jpg'), { maxSide: 0 }), RangeError);
    await assert.rejects(decodeImageBuffer(Buffer.from([1]), { maxInputPixels: -1 }), RangeError);
  });
});

describe('decodeImage: every pixel layout becomes sRGB 8-bit RGB', () => {
  it('16-bit PNG and 16-bit TIFF', async () => {
    for (const [name, make] of [
      ['deep.png', () => solid(16, 8, ORANGE).toColourspace('rgb16').png().toBuffer()],
      ['deep.tiff', async () => tiff16(16, 8, ORANGE)],
    ] as const) {
      const bytes = await make();
      assert.equal((await sharp(bytes).metadata()).depth, 'ushort', `${name} fixture is 16-bit`);
      const img = await decodeImage(await save(name, bytes));
      assertPacked(img);
      assertNear(pixel(img, 3, 3), ORANGE, 1, name);
    }
  });

  it('greyscale PNG', async () => {
    const bytes = await solid(16, 8, ORANGE).toColourspace('b-w').png().toBuffer();
    assert.equal((await sharp(bytes).metadata()).channels, 1);
    const img = await decodeImage(await save('grey.png', bytes));
    assertPacked(img);
    const [r, g, b] = pixel(img, 2, 2);
    assert.ok(r === g && g === b && r > 50 && r < 200, `grey ${r},${g},${b}`);
  });

  it('grey + alpha PNG: transparent → white, opaque grey kept', async () => {
    // Left half transparent, right half opaque grey 100.
    const raw = Buffer.alloc(8 * 4 * 2);
    for (let i = 0; i < 32; i++) {
      raw[2 * i] = 100;
      raw[2 * i + 1] = i % 8 < 4 ? 0 : 255;
    }
    const bytes = await sharp(raw, { raw: { width: 8, height: 4, channels: 2 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    assert.equal((await sharp(bytes).metadata()).channels, 2);
    const img = await decodeImage(await save('grey-alpha.png', bytes));
    assertPacked(img);
    assert.deepEqual(pixel(img, 1, 1), [255, 255, 255]);
    assert.deepEqual(pixel(img, 6, 1), [100, 100, 100]);
  });

  it('RGBA PNG (8 and 16 bit) is flattened onto white', async () => {
    const transparentRed = sharp({
      create: { width: 8, height: 4, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0 } },
    });
    const halfBlack = sharp({
      create: { width: 8, height: 4, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } },
    });
    const a = await decodeImage(await save('clear.png', await transparentRed.png().toBuffer()));
    assert.deepEqual(pixel(a, 0, 0), [255, 255, 255]);
    const b = await decodeImage(await save('half.png', await halfBlack.png().toBuffer()));
    assertNear(pixel(b, 0, 0), [128, 128, 128], 2, 'half-transparent black');
    const deep = await transparentRed.clone().toColourspace('rgb16').png().toBuffer();
    assert.equal((await sharp(deep).metadata()).depth, 'ushort');
    const c = await decodeImage(await save('clear16.png', deep));
    assert.deepEqual(pixel(c, 0, 0), [255, 255, 255]);
  });

  it('CMYK JPEG and CMYK TIFF are converted to sRGB', async () => {
    for (const [name, make] of [
      ['cmyk.jpg', () => solid(16, 8, RED).toColourspace('cmyk').jpeg({ quality: 95 })],
      ['cmyk.tiff', () => solid(16, 8, RED).toColourspace('cmyk').tiff()],
    ] as const) {
      const bytes = await make().toBuffer();
      assert.equal((await sharp(bytes).metadata()).space, 'cmyk', `${name} fixture is CMYK`);
      const img = await decodeImage(await save(name, bytes));
      assertPacked(img);
      const [r, g, b] = pixel(img, 4, 4);
      // Red goes through a CMYK profile and back: it stays a strong red, not exactly 255,0,0.
      assert.ok(r > 180 && g < 60 && b < 60, `${name}: ${r},${g},${b}`);
    }
  });

  it('palette PNG', async () => {
    const bytes = await solid(16, 8, ORANGE).png({ palette: true }).toBuffer();
    assert.equal((await sharp(bytes).metadata()).isPalette, true);
    const img = await decodeImage(await save('palette.png', bytes));
    assertNear(pixel(img, 1, 1), ORANGE, 4, 'palette');
  });

  it('animated GIF: first frame only', async () => {
    const red = await solid(16, 8, RED).raw().toBuffer();
    const blue = await solid(16, 8, BLUE).raw().toBuffer();
    const bytes = await sharp(Buffer.concat([red, blue]), {
      raw: { width: 16, height: 16, channels: 3, pageHeight: 8 },
    })
      .gif()
      .toBuffer();
    assert.equal((await sharp(bytes).metadata()).pages, 2);
    const img = await decodeImage(await save('anim.gif', bytes));
    assertPacked(img);
    assert.deepEqual([img.width, img.height, img.originalHeight, img.format], [16, 8, 8, 'gif']);
    assertNear(pixel(img, 8, 7), RED, 8, 'first frame');
  });

  for (const [format, expected, make] of [
    ['webp', 'webp', () => solid(32, 16, ORANGE).webp({ quality: 95 })],
    ['tiff', 'tiff', () => solid(32, 16, ORANGE).tiff()],
    ['avif', 'avif', () => solid(32, 16, ORANGE).avif({ quality: 90 })],
  ] as const) {
    const skip = format === 'avif' && !supportedFormats.avif ? 'this sharp build cannot decode AVIF' : false;
    it(`${format}`, { skip }, async () => {
      const img = await decodeImage(await save(`image.${format}`, await make().toBuffer()));
      assertPacked(img);
      assert.equal(img.format, expected);
      assert.deepEqual([img.width, img.height], [32, 16]);
      assertNear(pixel(img, 10, 8), ORANGE, 8, format);
    });
  }

  it('sniffs content, not the extension', async () => {
    const png = await decodeImage(await save('really-a-png.jpg', await solid(8, 4, ORANGE).png().toBuffer()));
    assert.equal(png.format, 'png');
    const jpeg = await decodeImage(await save('photo.txt', await solid(8, 4, ORANGE).jpeg().toBuffer()));
    assert.equal(jpeg.format, 'jpeg');
  });

  it('decodes from a Buffer too', async () => {
    const img = await decodeImageBuffer(await solid(20, 10, ORANGE).png().toBuffer(), { maxSide: 10 });
    assert.deepEqual([img.width, img.height, img.scale, img.format], [10, 5, 0.5, 'png']);
  });
});

describe('decodeImage: EXIF capture time', () => {
  it('reads DateTimeOriginal with sub-seconds and offset as ISO 8601, without time-zone shifts', async () => {
    const exif = {
      IFD2: {
        DateTimeOriginal: '2021:07:04 15:30:12',
        SubSecTimeOriginal: '25',
        OffsetTimeOriginal: '+02:00',
      },
    };
    const path = await save('dated.jpg', await solid(16, 8, ORANGE).jpeg().withExif(exif).toBuffer());
    assert.equal((await decodeImage(path)).takenAt, '2021-07-04T15:30:12.250+02:00');
    assert.equal((await probeImage(path)).takenAt, '2021-07-04T15:30:12.250+02:00');
  });

  it('reads it from WebP and PNG, and gives null without EXIF', async () => {
    const exif = { IFD2: { DateTimeOriginal: '1999:12:31 23:59:59' } };
    const webp = await save('dated.webp', await solid(16, 8, ORANGE).webp().withExif(exif).toBuffer());
    assert.equal((await decodeImage(webp)).takenAt, '1999-12-31T23:59:59');
    const png = await save('dated.png', await solid(16, 8, ORANGE).png().withExif(exif).toBuffer());
    assert.equal((await decodeImage(png)).takenAt, '1999-12-31T23:59:59');
    const plain = await save('undated.jpg', await solid(16, 8, ORANGE).jpeg().toBuffer());
    assert.equal((await decodeImage(plain)).takenAt, null);
  });

  it('treats an unset camera clock (0000:00:00) as no date', async () => {
    const exif = { IFD2: { DateTimeOriginal: '0000:00:00 00:00:00' } };
    const path = await save('zero-date.jpg', await solid(16, 8, ORANGE).jpeg().withExif(exif).toBuffer());
    assert.equal((await decodeImage(path)).takenAt, null);
  });
});

describe('decodeImage: bad input becomes ImageSkipError', () => {
  it('zero-byte file → empty-file', async () => {
    const path = await save('empty.jpg', new Uint8Array(0));
    await assertSkip(decodeImage(path), 'empty-file', path);
    await assertSkip(probeImage(path), 'empty-file', path);
    await assertSkip(decodeImageBuffer(new Uint8Array(0), { name: 'thumb' }), 'empty-file', 'thumb');
  });

  it('directory, missing file → unreadable', async () => {
    const sub = join(dir, 'folder.jpg');
    await mkdir(sub, { recursive: true });
    await assertSkip(decodeImage(sub), 'unreadable', sub);
    await assertSkip(decodeImage(join(dir, 'missing.jpg')), 'unreadable', 'ENOENT');
  });

  const root = process.getuid?.() === 0;
  it('file without read permission → unreadable', {
    skip: root ? 'running as root: chmod 000 does not stop root reading' : false,
  }, async () => {
    const path = await save('secret.jpg', await solid(8, 8, ORANGE).jpeg().toBuffer());
    await chmod(path, 0o000);
    try {
      await assertSkip(decodeImage(path), 'unreadable', 'EACCES');
    } finally {
      await chmod(path, 0o644);
    }
  });

  it('text and random bytes → not-an-image', async () => {
    const text = await save('notes.jpg', Buffer.from('Shopping list:\n- milk\n- eggs\n'.repeat(20)));
    await assertSkip(decodeImage(text), 'not-an-image', text);
    const random = await save('random.png', noise(4096));
    await assertSkip(decodeImage(random), 'not-an-image', random);
    await assertSkip(probeImage(random), 'not-an-image');
  });

  it('truncated JPEG and PNG → corrupt', async () => {
    const jpeg = await solid(800, 600, ORANGE).jpeg().toBuffer();
    const cut = await save('cut.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
    await assertSkip(decodeImage(cut), 'corrupt', cut);
    const png = await solid(800, 600, ORANGE).png().toBuffer();
    const cutPng = await save('cut.png', png.subarray(0, Math.floor(png.length * 0.6)));
    await assertSkip(decodeImage(cutPng), 'corrupt', cutPng);
    // Cut inside the header: it still claims to be a JPEG, so it is damaged, not "not an image".
    await assertSkip(decodeImage(await save('stub.jpg', jpeg.subarray(0, 100))), 'corrupt');
  });

  it('still decodes a JPEG with harmless warnings (extraneous bytes before a marker)', async () => {
    const jpeg = await solid(64, 32, ORANGE).jpeg().toBuffer();
    const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    const bytes = Buffer.concat([jpeg.subarray(0, sos), Buffer.from([1, 2, 3, 4]), jpeg.subarray(sos)]);
    const img = await decodeImage(await save('warning.jpg', bytes));
    assert.equal(img.width, 64);
  });

  it('decompression bomb (tiny PNG claiming 100000×100000) → too-large, without decoding', async () => {
    const bytes = await pngBomb(100_000, 100_000);
    assert.ok(bytes.length < 200);
    const path = await save('bomb.png', bytes);
    await assertSkip(decodeImage(path), 'too-large', path);
    await assertSkip(probeImage(path), 'too-large');
    // Within the limit, a header that lies about the size gets past the check; the missing pixel
    // data then shows the file is broken.
    await assertSkip(decodeImageBuffer(await pngBomb(100, 100), { name: 'liar.png' }), 'corrupt', 'liar.png');
  });

  it('maxInputPixels is configurable', async () => {
    const bytes = await solid(100, 100, ORANGE).png().toBuffer();
    await assertSkip(decodeImageBuffer(bytes, { maxInputPixels: 9_999 }), 'too-large');
    assert.equal((await decodeImageBuffer(bytes, { maxInputPixels: 10_000 })).width, 100);
  });

  it('BMP, SVG → unsupported-format', async () => {
    // A 2×2 24-bit BMP: a real image, but not a format libvips reads without ImageMagick.
    const bmp = Buffer.alloc(54 + 16);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(bmp.length, 2);
    bmp.writeUInt32LE(54, 10);
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(2, 18);
    bmp.writeInt32LE(2, 22);
    bmp.writeUInt16LE(1, 26);
    bmp.writeUInt16LE(24, 28);
    const bmpPath = await save('scan.bmp', bmp);
    await assertSkip(decodeImage(bmpPath), 'unsupported-format', 'BMP');
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
    await assertSkip(decodeImage(await save('logo.svg', Buffer.from(svg))), 'unsupported-format', 'SVG');
  });

  it('HEIC with damaged HEVC data → corrupt (HEIC itself decodes, through libheif WebAssembly)', async () => {
    assert.equal(supportedFormats.heic, true);
    const path = await save('IMG_0001.HEIC', heicFile(640, 480));
    assert.deepEqual(await probeImage(path), { width: 640, height: 480, format: 'heic', takenAt: null });
    await assertSkip(decodeImage(path), 'corrupt', 'HEIC');
  });
});

describe('decodeImage: real photo', () => {
  const photo = join(sharedDataDir, 'photos-dev/debian/messi5.jpg');
  it('decodes a real JPEG from ../shared', {
    skip: needShared || (!existsSync(photo) && `${photo} absent`),
  }, async () => {
    const meta = await sharp(photo).metadata();
    const img = await decodeImage(photo, { maxSide: 320 });
    assertPacked(img);
    assert.deepEqual(
      [img.originalWidth, img.originalHeight],
      [meta.autoOrient.width, meta.autoOrient.height],
    );
    assert.equal(Math.max(img.width, img.height), 320);
    assert.equal(img.format, 'jpeg');
    let sum = 0;
    for (const v of img.data) sum += v;
    const mean = sum / img.data.length;
    assert.ok(mean > 20 && mean < 235, `mean brightness ${mean}`);
    assert.deepEqual(await probeImage(photo), {
      width: img.originalWidth,
      height: img.originalHeight,
      format: 'jpeg',
      takenAt: img.takenAt,
    });
  });
});
