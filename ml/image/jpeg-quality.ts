// The quality a JPEG was saved at, estimated from its luminance quantisation table (the DQT
// segment) the way ImageMagick's `identify -format %Q` and libjpeg's own scaling do: encoders that
// follow the IJG reference scale its standard table by a factor set by the quality, so the table's
// sum against the standard one gives that quality back. Used to tell heavily compressed copies
// (messenger forwards) from camera originals (ml/embed/noise.ts).

/** ITU-T T.81 Annex K.1 luminance table (natural order; only sums are compared). */
const STANDARD_LUMINANCE = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
  29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
  121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const STANDARD_SUM = STANDARD_LUMINANCE.reduce((s, v) => s + v, 0);

/**
 * IJG quality 1–100 of a JPEG's table 0 (exact from 20 up for libjpeg's tables; below that baseline
 * tables saturate at 255 and the estimate reads up to 20), or null when `bytes` is not a JPEG or holds no table 0
 * before its image data (a truncated header counts as none).
 */
export function jpegQuality(bytes: Uint8Array): number | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    // Start of scan or end of image: the tables come before these.
    if (marker === 0xda || marker === 0xd9) return null;
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (length < 2) return null;
    const end = i + 2 + length;
    if (marker === 0xdb) {
      let p = i + 4;
      while (p < end && p < bytes.length) {
        const precision = bytes[p]! >> 4; // 0: 8-bit entries, 1: 16-bit
        const id = bytes[p]! & 0x0f;
        const size = precision === 0 ? 64 : 128;
        if (p + 1 + size > bytes.length) return null;
        if (id === 0) {
          let sum = 0;
          for (let k = 0; k < 64; k++) {
            sum += precision === 0 ? bytes[p + 1 + k]! : (bytes[p + 1 + 2 * k]! << 8) | bytes[p + 2 + 2 * k]!;
          }
          return qualityFromScale((100 * sum) / STANDARD_SUM);
        }
        p += 1 + size;
      }
    }
    i = end;
  }
  return null;
}

/** libjpeg: scale = 5000/q below 50, 200 − 2q from 50; inverted and clamped to 1–100. */
function qualityFromScale(scale: number): number {
  const q = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
  return Math.max(1, Math.min(100, Math.round(q)));
}
