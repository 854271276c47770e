// Limits on the XMP sidecars Kith reads, checked before exiftool parses one. Sidecars come from other
// apps and other people: a 20 MB sidecar of 100,000 regions took exiftool to 1.7 GB and 60 s (past its
// task timeout, so even its one real region was lost without a word). Real sidecars are kilobytes —
// Lightroom's with a long develop history a few hundred — and a group photo has tens of faces.
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** The largest sidecar read (bytes). */
export const MAX_SIDECAR_BYTES = 4 * 1024 * 1024;
/** The most face regions a sidecar may hold (in its MWG list or its Microsoft one). */
export const MAX_SIDECAR_REGIONS = 1000;

/**
 * A region's area in any XMP serialisation, whatever the namespace prefix: the MWG `<mwg-rs:Area …>`
 * element, or the Microsoft `MPRI:Rectangle` as element or attribute.
 */
const AREA_MARK = /(?:<|\s)[\w.-]+:Area\b/g;
const RECTANGLE_MARK = /(?:<|\s)[\w.-]+:Rectangle\b/g;

/** A sidecar Kith did not read, and why (in words for the user). */
export interface SkippedSidecar {
  path: string;
  reason: string;
}

const count = (re: RegExp, text: string): number => {
  let n = 0;
  re.lastIndex = 0;
  while (re.exec(text)) n++;
  return n;
};

/**
 * How many face regions the XMP text declares, counted without parsing it: the larger of its MWG and
 * Microsoft lists (Kith, like most apps, writes each face in both).
 */
export function countRegionMarks(xmp: string): number {
  return Math.max(count(AREA_MARK, xmp), count(RECTANGLE_MARK, xmp));
}

/**
 * Why `file` is not to be parsed (too big, too many regions), or null when it may be. Reads at most
 * MAX_SIDECAR_BYTES; a file that cannot be stat'ed or read is left to the parser to report.
 */
export function sidecarOverLimits(file: string): string | null {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return null;
  }
  const mb = (b: number) => `${(b / (1024 * 1024)).toFixed(1)} MB`;
  if (size > MAX_SIDECAR_BYTES) {
    return `it is ${mb(size)} (Kith reads sidecars up to ${mb(MAX_SIDECAR_BYTES)})`;
  }
  let text: string;
  try {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(size);
      const got = readSync(fd, buf, 0, size, 0);
      text = buf.toString('latin1', 0, got);
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  const regions = countRegionMarks(text);
  if (regions > MAX_SIDECAR_REGIONS) {
    return `it has ${regions} face regions (Kith reads sidecars with up to ${MAX_SIDECAR_REGIONS})`;
  }
  return null;
}
