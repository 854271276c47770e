// Builds a folder of hostile and odd files for scanner reliability tests: damaged, empty and random
// files, decompression bombs, oversized images, wrong extensions, link loops, an unreadable file,
// odd Unicode names. Everything is made here, deterministically (seeded), in a temp folder.

import { chmod, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { mulberry32 } from '../../ml/util/prng.ts';

/** What the scan must say about a file of the corpus. */
export type Expect =
  /** Skipped with this reason (ScanResult.skippedFiles, `skipped:` lines of `kith scan`). */
  | { kind: 'skipped'; reason: string }
  /** Reported as a file that could not be read (ScanResult.errors, `unreadable file:` lines). */
  | { kind: 'error'; code: string }
  /** A readable photo: analysed, with at least `minFaces` faces. */
  | { kind: 'analyzed'; minFaces: number };

export interface CorpusEntry {
  /** Short label for messages. */
  label: string;
  /** Absolute path as the scanner will see it. */
  path: string;
  expect: Expect;
  /** Why the case is not checked here (e.g. running as root), or undefined. */
  skip?: string | undefined;
}

export interface BadCorpus {
  dir: string;
  entries: CorpusEntry[];
}

function randomBytes(n: number, rnd: () => number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  // Make sure no image signature appears by chance at the start.
  b[0] = 0x42;
  return b;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A valid, fully decodable 1-bit greyscale PNG of `side`×`side` black pixels: the rows are all zeros,
 * so zlib shrinks them ~1000×. 30000² is a decompression bomb: ~110 KB on disk, 900 megapixels
 * (2.7 GB as RGB) once decoded.
 */
export function zeroPng(side: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const rowBytes = 1 + Math.ceil(side / 8); // filter byte + packed bits
  const idat = deflateSync(Buffer.alloc(rowBytes * side), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A valid baseline greyscale JPEG of `side`×`side` mid-grey pixels (`side` a multiple of 8), written
 * by hand: one-symbol Huffman tables make every 8×8 block two zero bits (DC difference 0, then
 * end-of-block), so 30000² pixels take 3.5 MB instead of an encoder's minutes and gigabytes.
 */
export function greyJpeg(side: number): Buffer {
  const seg = (marker: number, body: number[] | Buffer): Buffer => {
    const b = Buffer.from(body);
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(b.length + 2, 2);
    return Buffer.concat([head, b]);
  };
  const dqt = seg(0xdb, [0x00, ...new Array<number>(64).fill(1)]);
  const sof = seg(0xc0, [8, side >> 8, side & 255, side >> 8, side & 255, 1, 1, 0x11, 0]);
  // Class/id, 16 code-length counts (one code of length 1), the symbol.
  const oneSymbol = (tc: number, symbol: number) => [tc, 1, ...new Array<number>(15).fill(0), symbol];
  const dht = seg(0xc4, [...oneSymbol(0x00, 0x00), ...oneSymbol(0x10, 0x00)]);
  const sos = seg(0xda, [1, 1, 0x00, 0, 63, 0]);
  const blocks = (side / 8) ** 2;
  const scan = Buffer.alloc(Math.ceil((blocks * 2) / 8)); // all-zero bits; no 0xFF byte to stuff
  return Buffer.concat([Buffer.from([0xff, 0xd8]), dqt, sof, dht, sos, scan, Buffer.from([0xff, 0xd9])]);
}

export interface BadCorpusOptions {
  /** Real photos (with faces) to copy in under odd names; at least 7. */
  photos: readonly string[];
  /** Seed for the random-byte files. Default 7. */
  seed?: number;
  /** User id the scan will run as (default this process's): root reads chmod-000 files anyway. */
  scanUid?: number | undefined;
}

/**
 * Writes the corpus into `dir` (created) and returns every file with what the scan must report.
 * Real photos come in under odd Unicode names and one as a PNG named .jpg; the rest are bad files.
 */
export async function makeBadCorpus(dir: string, options: BadCorpusOptions): Promise<BadCorpus> {
  const { photos } = options;
  if (photos.length < 7) throw new Error('makeBadCorpus needs at least 7 real photos');
  const rnd = mulberry32(options.seed ?? 7);
  const entries: CorpusEntry[] = [];
  const bad = join(dir, 'bad');
  const odd = join(dir, 'odd names');
  await mkdir(bad, { recursive: true });
  await mkdir(odd, { recursive: true });
  const add = async (label: string, path: string, content: Buffer | string, expect: Expect) => {
    await writeFile(path, content);
    entries.push({ label, path, expect });
  };

  const jpeg = await sharp(photos[0]!).jpeg({ quality: 90 }).toBuffer();
  const png = await sharp(photos[1]!).png().toBuffer();

  // Damaged and empty files.
  await add('zero-byte', join(bad, 'empty.jpg'), Buffer.alloc(0), { kind: 'skipped', reason: 'empty-file' });
  await add('truncated JPEG (half)', join(bad, 'truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1), {
    kind: 'skipped',
    reason: 'corrupt',
  });
  await add('truncated JPEG (header only)', join(bad, 'truncated-header.jpg'), jpeg.subarray(0, 300), {
    kind: 'skipped',
    reason: 'corrupt',
  });
  await add('truncated PNG', join(bad, 'truncated.png'), png.subarray(0, png.length >> 1), {
    kind: 'skipped',
    reason: 'corrupt',
  });
  await add('random bytes .jpg', join(bad, 'random.jpg'), randomBytes(64 * 1024, rnd), {
    kind: 'skipped',
    reason: 'not-an-image',
  });
  await add('random bytes .png', join(bad, 'random.png'), randomBytes(3000, rnd), {
    kind: 'skipped',
    reason: 'not-an-image',
  });
  // JPEG signature followed by noise: claims to be a JPEG, is not one.
  await add(
    'JPEG signature + random bytes',
    join(bad, 'noise-after-signature.jpg'),
    Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(20_000, rnd)]),
    { kind: 'skipped', reason: 'corrupt' },
  );

  // Bombs and oversized images: refused from the header, before any pixel is decoded.
  await add('PNG decompression bomb 30000×30000', join(bad, 'bomb.png'), zeroPng(30_000), {
    kind: 'skipped',
    reason: 'too-large',
  });
  await add('JPEG 30000×30000', join(bad, 'huge-30000.jpg'), greyJpeg(30_000), {
    kind: 'skipped',
    reason: 'too-large',
  });
  const header = Buffer.from(png);
  header.writeUInt32BE(100_000, 16);
  header.writeUInt32BE(100_000, 20);
  await add('PNG header claiming 100000×100000', join(bad, 'bomb-header.png'), header, {
    kind: 'skipped',
    reason: 'too-large',
  });
  // Large but within the pixel limit (256 MP): decoded with shrink-on-load, no faces, bounded memory.
  await add('JPEG 16000×16000 (within limit)', join(bad, 'large-16000.jpg'), greyJpeg(16_000), {
    kind: 'analyzed',
    minFaces: 0,
  });

  // Wrong extensions.
  await add('text file named .jpg', join(bad, 'notes.jpg'), 'meeting notes, not a photo\n', {
    kind: 'skipped',
    reason: 'not-an-image',
  });
  await add('PNG photo named .jpg', join(odd, 'really-a-png.jpg'), png, { kind: 'analyzed', minFaces: 1 });
  await add(
    'JPEG photo named .png',
    join(odd, 'really-a-jpeg.png'),
    await sharp(photos[2]!).jpeg().toBuffer(),
    { kind: 'analyzed', minFaces: 1 },
  );

  // Link loops: a file link cycle is reported; a folder cycle is walked once, silently.
  await symlink('loop-b.jpg', join(bad, 'loop-a.jpg'));
  await symlink('loop-a.jpg', join(bad, 'loop-b.jpg'));
  for (const name of ['loop-a.jpg', 'loop-b.jpg']) {
    entries.push({ label: 'symlink loop', path: join(bad, name), expect: { kind: 'error', code: 'ELOOP' } });
  }
  await symlink('..', join(bad, 'up-the-tree'));
  await symlink('gone.jpg', join(bad, 'dangling.jpg'));
  entries.push({
    label: 'dangling symlink',
    path: join(bad, 'dangling.jpg'),
    expect: { kind: 'error', code: 'ENOENT' },
  });

  // An unreadable file. Root reads it anyway, so that case cannot be checked by a scan run as root.
  const locked = join(bad, 'no-permission.jpg');
  await writeFile(locked, jpeg);
  await chmod(locked, 0o000);
  const asRoot = (options.scanUid ?? process.getuid?.()) === 0;
  entries.push({
    label: 'unreadable (chmod 000)',
    path: locked,
    expect: { kind: 'skipped', reason: 'unreadable' },
    skip: asRoot ? 'running as root: permission bits do not stop root from reading the file' : undefined,
  });

  // Odd Unicode names on real photos: each must be analysed and stored under its exact name.
  const oddNames = [
    ['NFC name', 'Zo\u00eb caf\u00e9.jpg'],
    ['NFD name', 'Zoe\u0308 cafe\u0301.jpg'],
    ['emoji name', '\u{1F468}\u200D\u{1F469}\u200D\u{1F467} family \u{1F389}.jpg'],
    ['RTL name', '\u0635\u0648\u0631\u0629 \u0639\u0627\u0626\u0644\u064A\u0629.jpg'],
    ['RTL override name', 'holiday\u202Egnp.jpg'],
    ['spaces name', '  two  leading and trailing spaces  .jpg'],
    ['very long name', `${'\u00fc'.repeat(120)}.jpg`], // 244 bytes of the 255 a name may have
  ] as const;
  for (let i = 0; i < oddNames.length; i++) {
    const [label, name] = oddNames[i]!;
    const path = join(odd, name);
    await copyFile(photos[i % photos.length]!, path);
    entries.push({ label, path, expect: { kind: 'analyzed', minFaces: 1 } });
  }
  // A name that is not valid UTF-8 (Latin-1 "café"): Node cannot open it by its decoded name.
  const latin1 = Buffer.concat([Buffer.from(`${odd}/caf`), Buffer.from([0xe9]), Buffer.from('.jpg')]);
  await writeFile(latin1, jpeg);
  entries.push({
    label: 'non-UTF-8 name',
    path: join(odd, 'caf\uFFFD.jpg'),
    expect: { kind: 'error', code: 'EILSEQ' },
  });
  return { dir, entries };
}
