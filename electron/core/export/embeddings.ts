// The embeddings dataset: <out>/embeddings.npy (count × dim, row i = face i of the index), labels.npy
// (int32 label per row) and index.json (labels → people, rows → faces, dtype and scale).
//
// The .npy files are NumPy format 1.0 (numpy.load reads them; the layout is documented at
// numpy.org/doc/stable/reference/generated/numpy.lib.format.html): the magic "\x93NUMPY", version 1.0,
// a little-endian uint16 header length, an ASCII dict header padded with spaces and "\n" so the data
// starts at a multiple of 64 bytes, then the raw C-order data. dtype '<f4' (float32, unit-norm) or
// '|i1' (int8 = round(v × 127), 128 bytes for a 128-d face; divide by `scale` to get floats back).
import { join } from 'node:path';
import { INT8_SCALE, quantizeInt8 } from '../../../ml/embed/quantize.ts';
import type { LibraryReader } from '../store/reader.ts';
import { ensureDir, writeFilesAtomic } from './atomic.ts';
import { ExportError } from './errors.ts';
import type { ExportFace } from './records.ts';

export type EmbeddingDtype = 'float32' | 'int8';

export interface EmbeddingsIndex {
  schema: 'kith.embeddings';
  version: 1;
  embedderId: string;
  dtype: EmbeddingDtype;
  /** float = int8 / scale; 1 for float32. */
  scale: number;
  dim: number;
  count: number;
  files: { embeddings: 'embeddings.npy'; labels: 'labels.npy' };
  labels: Array<{ label: number; personId: number; name: string | null }>;
  rows: Array<{ faceId: number; photoId: number; path: string; label: number }>;
}

export interface EmbeddingsResult {
  count: number;
  dim: number;
  embedderId: string;
  /** Labeled faces left out: another embedder's, or no embedding stored. */
  skipped: number;
}

/** One .npy (format 1.0) file: header + raw little-endian data. */
export function npyBytes(data: Float32Array | Int8Array | Int32Array, shape: readonly number[]): Uint8Array {
  const descr = data instanceof Float32Array ? '<f4' : data instanceof Int8Array ? '|i1' : '<i4';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pre = 10; // magic (6) + version (2) + header length (2)
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header = `${header}${' '.repeat(total - pre - header.length - 1)}\n`;
  const out = new Uint8Array(total + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  // Typed arrays are in platform order, little-endian on every platform Kith ships on (see store/blobs.ts).
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  return out;
}

export function exportEmbeddings(
  read: LibraryReader,
  faces: readonly ExportFace[],
  out: string,
  dtype: EmbeddingDtype = 'int8',
): EmbeddingsResult {
  // One dataset, one embedder: the one most exported faces have (vectors of two models do not compare).
  const counts = new Map<string, number>();
  for (const f of faces) if (f.modelId) counts.set(f.modelId, (counts.get(f.modelId) ?? 0) + 1);
  const embedderId = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  if (embedderId === undefined) {
    throw new ExportError(
      out,
      'Nothing to export: no labeled face has an embedding (scan the photos first).',
    );
  }
  const matrix = read.embeddings(embedderId, { includeMissing: true });
  const rowOf = new Map<number, number>();
  for (let i = 0; i < matrix.count; i++) rowOf.set(matrix.faceIds[i]!, i);
  const labelOf = new Map<number, number>();
  const labels: EmbeddingsIndex['labels'] = [];
  const rows: EmbeddingsIndex['rows'] = [];
  const picked: number[] = [];
  for (const f of faces) {
    const r = f.modelId === embedderId ? rowOf.get(f.faceId) : undefined;
    if (r === undefined) continue;
    let label = labelOf.get(f.personId);
    if (label === undefined) {
      label = labels.length;
      labelOf.set(f.personId, label);
      labels.push({ label, personId: f.personId, name: f.personName });
    }
    rows.push({ faceId: f.faceId, photoId: f.photoId, path: f.path, label });
    picked.push(r);
  }
  const dim = matrix.dim;
  const data = dtype === 'int8' ? new Int8Array(picked.length * dim) : new Float32Array(picked.length * dim);
  picked.forEach((r, i) => {
    const v = matrix.row(r);
    data.set(dtype === 'int8' ? quantizeInt8(v) : v, i * dim);
  });
  const index: EmbeddingsIndex = {
    schema: 'kith.embeddings',
    version: 1,
    embedderId,
    dtype,
    scale: dtype === 'int8' ? INT8_SCALE : 1,
    dim,
    count: rows.length,
    files: { embeddings: 'embeddings.npy', labels: 'labels.npy' },
    labels,
    rows,
  };
  ensureDir(out);
  writeFilesAtomic([
    { path: join(out, 'embeddings.npy'), data: npyBytes(data, [rows.length, dim]) },
    {
      path: join(out, 'labels.npy'),
      data: npyBytes(
        Int32Array.from(rows, (r) => r.label),
        [rows.length],
      ),
    },
    // Index last: its presence means the dataset is whole.
    { path: join(out, 'index.json'), data: `${JSON.stringify(index)}\n` },
  ]);
  return { count: rows.length, dim, embedderId, skipped: faces.length - rows.length };
}
