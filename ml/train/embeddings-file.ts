// Reads the file `kith bench cluster --save-embeddings` writes: one JSON header line
// {dim, count, embedder, identities, noise?}, then count Int32 labels, then count×dim Float32
// embeddings, then (when the header says `noise: true`) count Float32 noise values (ml/embed/noise.ts).
import { readFile } from 'node:fs/promises';

export interface EmbeddingsFile {
  dim: number;
  count: number;
  embedder: string;
  identities: string[];
  labels: Int32Array;
  embeddings: Float32Array;
  /** Measured noise per face, when the file carries it. */
  noise?: Float32Array;
}

export async function readEmbeddingsFile(path: string): Promise<EmbeddingsFile> {
  const buf = await readFile(path);
  const nl = buf.indexOf(10);
  if (nl < 0) throw new Error(`${path}: no header line`);
  const { noise: hasNoise, ...header } = JSON.parse(buf.subarray(0, nl).toString('utf8')) as Omit<
    EmbeddingsFile,
    'labels' | 'embeddings' | 'noise'
  > & { noise?: boolean };
  const { dim, count } = header;
  const start = nl + 1;
  if (buf.length !== start + count * 4 + count * dim * 4 + (hasNoise ? count * 4 : 0)) {
    throw new Error(`${path}: size does not match ${count} faces of ${dim}-d`);
  }
  // Copy: the payload offset is not 4-byte aligned in general.
  const labels = new Int32Array(count);
  new Uint8Array(labels.buffer).set(buf.subarray(start, start + count * 4));
  const embeddings = new Float32Array(count * dim);
  const end = start + count * 4 + count * dim * 4;
  new Uint8Array(embeddings.buffer).set(buf.subarray(start + count * 4, end));
  if (!hasNoise) return { ...header, labels, embeddings };
  const noise = new Float32Array(count);
  new Uint8Array(noise.buffer).set(buf.subarray(end));
  return { ...header, labels, embeddings, noise };
}
