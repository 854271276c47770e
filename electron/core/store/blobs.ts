// Typed arrays ⇄ SQLite BLOBs. Float32 BLOBs are little-endian, the byte order of every platform
// Kith ships on (x64, arm64), so views need no byte swapping.

/** A Buffer over the same memory (no copy) for binding as a BLOB. */
export function blobOf(v: Float32Array | Int8Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Float32Array over a BLOB's bytes; copies only when the Buffer is not 4-byte aligned. */
export function float32Of(blob: Uint8Array): Float32Array {
  if (blob.byteLength % 4 !== 0) throw new Error(`float32 BLOB has ${blob.byteLength} bytes`);
  if (blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
  return new Float32Array(new Uint8Array(blob).buffer);
}

export function int8Of(blob: Uint8Array): Int8Array {
  return new Int8Array(blob.buffer, blob.byteOffset, blob.byteLength);
}
