import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  adapterSettingKey,
  correctionLabels,
  effectiveEmbeddings,
  improveRecognition,
  loadAdapter,
  type StoredAdapter,
  undoImproveRecognition,
} from '../../../electron/core/people/improve.ts';
import { createAdapter, serializeAdapter } from '../../../ml/train/adapter.ts';
import { buildLibrary, EMBEDDER, THRESHOLD } from '../people/fixtures.ts';

test('corrections become labels and hard negatives (rejections, same-photo faces)', (t) => {
  const { lib, faces } = buildLibrary(t);
  const a = lib.write.createPerson('A');
  const c = lib.write.createPerson('C');
  for (const f of faces.A) lib.write.assignFace(f, a, 'user');
  for (const f of faces.C) lib.write.assignFace(f, c, 'user');
  lib.write.addConstraint({ kind: 'cannot_link', faceId: faces.r[0]!, personId: a });
  const m = lib.read.embeddings(EMBEDDER);
  const { labels, hardNegatives, people } = correctionLabels(lib, m);
  assert.equal(people, 2);
  const rowOf = (id: number) => m.faceIds.indexOf(id);
  assert.equal(labels[rowOf(faces.A[0]!)], labels[rowOf(faces.A[1]!)]);
  assert.notEqual(labels[rowOf(faces.A[0]!)], labels[rowOf(faces.C[0]!)]);
  assert.equal(labels[rowOf(faces.r[0]!)], -1);
  const pairs = new Set<string>();
  for (let i = 0; i < hardNegatives.length; i += 2) pairs.add(`${hardNegatives[i]}-${hardNegatives[i + 1]}`);
  // "Not this person": r against A's confirmed faces.
  assert.ok(pairs.has(`${rowOf(faces.r[0]!)}-${rowOf(faces.A[0]!)}`));
  // Same photo (photo 0 holds A, B1, C): A's face against the unlabelled B1 face.
  assert.ok(pairs.has(`${rowOf(faces.A[0]!)}-${rowOf(faces.B1[0]!)}`));
});

test('naming a person counts as confirming its faces; unnamed auto faces do not', async (t) => {
  const { lib, faces } = buildLibrary(t);
  const a = lib.write.createPerson(null);
  const c = lib.write.createPerson(null);
  for (const f of faces.A) lib.write.assignFace(f, a, 'auto', 1);
  for (const f of faces.C) lib.write.assignFace(f, c, 'auto', 1);
  const m = lib.read.embeddings(EMBEDDER);
  assert.equal(correctionLabels(lib, m).people, 0);
  lib.write.renamePerson(a, 'Ann');
  lib.write.renamePerson(c, 'Cal');
  const { labels, people } = correctionLabels(lib, m);
  assert.equal(people, 2);
  assert.equal(labels.filter((l) => l >= 0).length, faces.A.length + faces.C.length);
  const r = await improveRecognition(lib, { embedderId: EMBEDDER, threshold: THRESHOLD, steps: 5 });
  assert.equal(r.confirmedFaces, faces.A.length + faces.C.length);
  assert.doesNotMatch(r.reason, /Not enough/);
});

test('improveRecognition stores only a kept adapter; undo restores the previous one', async (t) => {
  const { lib, faces } = buildLibrary(t);
  const steps: number[] = [];
  // Too few corrections: nothing is trained or stored.
  const none = await improveRecognition(lib, { embedderId: EMBEDDER, threshold: THRESHOLD });
  assert.equal(none.kept, false);
  assert.match(none.reason, /Not enough to learn from/);
  const a = lib.write.createPerson('A');
  const c = lib.write.createPerson('C');
  for (const f of faces.A) lib.write.assignFace(f, a, 'user');
  for (const f of faces.C) lib.write.assignFace(f, c, 'user');
  const r = await improveRecognition(lib, {
    embedderId: EMBEDDER,
    threshold: THRESHOLD,
    steps: 10,
    onProgress: (p) => steps.push(p.step),
  });
  assert.equal(steps.length, 10);
  assert.ok(r.before && r.after);
  // These well-separated faces leave nothing to gain, so the gate must refuse.
  assert.equal(r.kept, false, r.reason);
  assert.equal(loadAdapter(lib, EMBEDDER), undefined);

  // A stored adapter is applied to clustering's input; undo goes back to none.
  const adapter = createAdapter(16);
  adapter.params[16 * 16] = 0.5; // a bias: visibly moves every embedding
  const stored: Partial<StoredAdapter> = { version: 1, adapter: serializeAdapter(adapter) };
  lib.write.setSetting(adapterSettingKey(EMBEDDER), stored);
  const raw = lib.read.embeddings(EMBEDDER);
  const adapted = effectiveEmbeddings(lib, EMBEDDER);
  assert.notDeepEqual(adapted.data, raw.data);
  assert.deepEqual(adapted.faceIds, raw.faceIds);
  undoImproveRecognition(lib, EMBEDDER);
  assert.equal(loadAdapter(lib, EMBEDDER), undefined);
});
