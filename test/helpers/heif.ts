// HEIC test inputs: real photos encoded by Debian's heif-enc (package libheif-examples, installed by
// .ci/run), and an irot (rotation) property added afterwards, as iPhones write it (heif-enc 1.15
// keeps EXIF Orientation but writes no irot).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

export const HEIF_ENC = '/usr/bin/heif-enc';

/** Pass as `{ skip: needHeifEnc }` to node:test. */
export const needHeifEnc: string | false = existsSync(HEIF_ENC)
  ? false
  : 'heif-enc not installed (Debian package libheif-examples; .ci/run installs it)';

/** Encodes a JPEG or PNG file as HEIC (HEVC) with heif-enc; EXIF is carried over. */
export async function heifEnc(input: string, output: string, quality = 80): Promise<Buffer> {
  await promisify(execFile)(HEIF_ENC, ['-q', String(quality), '-o', output, input]);
  return readFile(output);
}

interface Box {
  type: string;
  start: number;
  header: number;
  end: number;
}

function children(b: Buffer, start: number, end: number): Box[] {
  const out: Box[] = [];
  for (let at = start; at + 8 <= end; ) {
    const size = b.readUInt32BE(at);
    if (size < 8) throw new Error('test helper handles only 32-bit box sizes');
    out.push({ type: b.toString('latin1', at + 4, at + 8), start: at, header: 8, end: at + size });
    at += size;
  }
  return out;
}

const find = (boxes: Box[], type: string): Box => {
  const box = boxes.find((x) => x.type === type);
  if (!box) throw new Error(`no ${type} box`);
  return box;
};

function readUint(b: Buffer, at: number, size: number): number {
  return size === 0 ? 0 : size === 4 ? b.readUInt32BE(at) : size === 8 ? Number(b.readBigUInt64BE(at)) : NaN;
}

function writeUint(b: Buffer, at: number, size: number, value: number): void {
  if (size === 4) b.writeUInt32BE(value, at);
  else if (size === 8) b.writeBigUInt64BE(BigInt(value), at);
}

/**
 * A copy of a single-image HEIF (ftyp, meta, mdat, as heif-enc writes it) whose primary image also
 * carries `irot` with `angle` quarter turns anticlockwise (3 = a quarter turn clockwise, like EXIF 6).
 */
export function addIrot(heif: Buffer, angle: 0 | 1 | 2 | 3): Buffer {
  const b = Buffer.from(heif);
  const top = children(b, 0, b.length);
  const meta = find(top, 'meta');
  const inMeta = children(b, meta.start + 12, meta.end); // meta is a full box
  const primary = b.readUInt16BE(find(inMeta, 'pitm').start + 12);
  const iprp = find(inMeta, 'iprp');
  const [ipco, ipma] = [
    find(children(b, iprp.start + 8, iprp.end), 'ipco'),
    find(children(b, iprp.start + 8, iprp.end), 'ipma'),
  ];
  const index = children(b, ipco.start + 8, ipco.end).length + 1;

  // ipma: find the primary item's entry and the end of its associations.
  const version = b[ipma.start + 8]!;
  const wide = (b.readUInt32BE(ipma.start + 8) & 1) === 1;
  let at = ipma.start + 16;
  let countAt = -1;
  let insertAt = -1;
  for (let e = b.readUInt32BE(ipma.start + 12); e > 0; e--) {
    const item = version < 1 ? b.readUInt16BE(at) : b.readUInt32BE(at);
    at += version < 1 ? 2 : 4;
    const count = b[at]!;
    const after = at + 1 + count * (wide ? 2 : 1);
    if (item === primary) [countAt, insertAt] = [at, after];
    at = after;
  }
  if (countAt < 0) throw new Error('primary item has no property associations');
  const association = wide ? Buffer.from([0x80 | (index >> 8), index & 0xff]) : Buffer.from([0x80 | index]);
  const irot = Buffer.from([0, 0, 0, 9, ...Buffer.from('irot'), angle]);
  const grow = irot.length + association.length;

  // Sizes of every box that grows, and iloc offsets into mdat, which moves by `grow` bytes.
  for (const box of [meta, iprp]) b.writeUInt32BE(b.readUInt32BE(box.start) + grow, box.start);
  b.writeUInt32BE(b.readUInt32BE(ipco.start) + irot.length, ipco.start);
  b.writeUInt32BE(b.readUInt32BE(ipma.start) + association.length, ipma.start);
  b[countAt] = b[countAt]! + 1;
  const iloc = find(inMeta, 'iloc');
  const v = b[iloc.start + 8]!;
  const [offsetSize, lengthSize] = [b[iloc.start + 12]! >> 4, b[iloc.start + 12]! & 15];
  const [baseSize, indexSize] = [b[iloc.start + 13]! >> 4, v >= 1 ? b[iloc.start + 13]! & 15 : 0];
  at = iloc.start + 14;
  let items = v < 2 ? b.readUInt16BE(at) : b.readUInt32BE(at);
  at += v < 2 ? 2 : 4;
  for (; items > 0; items--) {
    at += v < 2 ? 2 : 4; // item id
    const method = v >= 1 ? b.readUInt16BE(at) & 15 : 0;
    at += v >= 1 ? 2 : 0;
    at += 2; // data reference index
    const base = readUint(b, at, baseSize);
    if (method === 0 && base > meta.start) writeUint(b, at, baseSize, base + grow);
    at += baseSize;
    let extents = b.readUInt16BE(at);
    for (at += 2; extents > 0; extents--) {
      at += indexSize;
      const offset = readUint(b, at, offsetSize);
      if (method === 0 && base === 0 && offset > meta.start) writeUint(b, at, offsetSize, offset + grow);
      at += offsetSize + lengthSize;
    }
  }
  const cuts = [
    { at: ipco.end, bytes: irot },
    { at: insertAt, bytes: association },
  ].sort((x, y) => x.at - y.at);
  const parts: Buffer[] = [];
  let from = 0;
  for (const cut of cuts) {
    parts.push(b.subarray(from, cut.at), cut.bytes);
    from = cut.at;
  }
  parts.push(b.subarray(from));
  return Buffer.concat(parts);
}
