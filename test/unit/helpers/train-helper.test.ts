// The training tests' labelled set is the same on every machine: a gitignored file that happens to be
// there (scratch/ once held LFW embeddings) must not change what they check.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { syntheticEmbeddings } from '../../../bench/cluster-scale/synthetic.ts';
import { repoRoot } from '../../helpers/shared.ts';
import { smallLabelledSet } from '../../helpers/train.ts';

test('smallLabelledSet is the synthetic set, whatever lies in scratch/', async (t) => {
  const dir = join(repoRoot, 'scratch');
  const file = join(dir, 'lfw-faceplugin.emb');
  const hadDir = existsSync(dir);
  if (!existsSync(file)) {
    // An embeddings file as `kith bench cluster --save-embeddings` writes it: 8 people × 6, 4-d.
    const count = 48;
    const dim = 4;
    const header = JSON.stringify({ dim, count, embedder: 'other', identities: [] });
    const labels = Int32Array.from({ length: count }, (_, i) => Math.floor(i / 6));
    const embeddings = Float32Array.from({ length: count * dim }, (_, i) => (i % 7) / 7);
    await mkdir(dir, { recursive: true });
    await writeFile(
      file,
      Buffer.concat([Buffer.from(`${header}\n`), Buffer.from(labels.buffer), Buffer.from(embeddings.buffer)]),
    );
    t.after(() => rm(hadDir ? file : dir, { recursive: true }));
  }
  const set = smallLabelledSet(8);
  const expected = syntheticEmbeddings({ n: 48, identities: 8, dim: 64, seed: 4 });
  assert.equal(set.dim, 64);
  assert.deepEqual(set.labels, expected.labels);
  assert.deepEqual(set.embeddings, expected.embeddings);
});
