// Reads the file `kith bench cluster --save-embeddings` writes: one JSON header line
// {dim, count, embedder, identities}, then count Int32 labels, then count×dim Float32 embeddings.
import { readFile } from 'node:fs/promises';

export interface EmbeddingsFile {
  dim: number;
  count: number;
  embedder: string;
  identities: string[];
  labels: Int32Array;
  embeddings: Float32Array;
}

export async function readEmbeddingsFile(path: string): Promise<EmbeddingsFile> {
  const buf = await readFile(path);
  const nl = buf.indexOf(10);
  if (nl < 0) throw new Error(`${path}: no header line`);
  const header = JSON.parse(buf.subarray(0, nl).toString('utf8')) as Omit<
    EmbeddingsFile,
    'labels' | 'embeddings'
  >;
  const { dim, count } = header;
  const start = nl + 1;
  if (buf.length !== start + count * 4 + count * dim * 4) {
    throw new Error(`${path}: size does not match ${count} faces of ${dim}-d`);
  }
  // Copy: the payload offset is not 4-byte aligned in general.
  const labels = new Int32Array(count);
  new Uint8Array(labels.buffer).set(buf.subarray(start, start + count * 4));
  const embeddings = new Float32Array(count * dim);
  new Uint8Array(embeddings.buffer).set(buf.subarray(start + count * 4));
  return { ...header, labels, embeddings };
}
