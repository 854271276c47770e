// `kith bench project --embeddings FILE --out FILE [--dim 128] [--json]`: fits the PCA that turns a
// wider embedding into the paper's 128 bytes, on a `bench cluster --save-embeddings` file, and writes
// it as a resource file (ml/embed/projection.ts format). Prints the file's sha256 to pin it.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { commonOptions, intOption, parse, UsageError } from '../../electron/cli/args.ts';
import { encodeProjection, fitPca } from '../../ml/embed/projection.ts';
import { readEmbeddingsFile } from '../../ml/train/embeddings-file.ts';

export async function benchProjectCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    ...commonOptions,
    embeddings: { type: 'string' },
    out: { type: 'string' },
    dim: { type: 'string' },
  });
  if (!values.embeddings || !values.out) {
    throw new UsageError(
      'bench project: --embeddings FILE (from bench cluster --save-embeddings) and --out FILE are required',
    );
  }
  const dim = intOption(values.dim, 'dim', 128);
  const data = await readEmbeddingsFile(resolve(values.embeddings));
  if (dim >= data.dim) throw new UsageError(`bench project: --dim must be below the embedding's ${data.dim}`);
  const start = performance.now();
  const p = fitPca(data.embeddings, data.dim, dim);
  const bytes = encodeProjection(p, {
    embedder: data.embedder,
    fittedOn: basename(values.embeddings),
    faces: data.count,
    identities: data.identities.length,
  });
  await writeFile(resolve(values.out), bytes);
  const r = {
    out: resolve(values.out),
    embedder: data.embedder,
    in_dim: data.dim,
    out_dim: dim,
    faces: data.count,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    seconds: (performance.now() - start) / 1000,
  };
  process.stdout.write(
    `PCA ${r.in_dim}→${r.out_dim} of ${r.embedder} on ${r.faces} faces: ${r.out} (${r.bytes} bytes, sha256 ${r.sha256}), ${r.seconds.toFixed(1)} s\n`,
  );
  if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  return 0;
}
