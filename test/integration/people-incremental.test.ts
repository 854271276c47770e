// Incremental recognition vs a full re-cluster on real photos (8 TV characters × 5 face crops),
// and corrections surviving both.
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { Corrections } from '../../electron/core/people/corrections.ts';
import { runScanJob, updatePeople } from '../../electron/core/scan-job.ts';
import { type Library, openLibrary } from '../../electron/core/store/library.ts';
import { adjustedRandIndex, pairwiseScores } from '../../ml/metrics/clustering.ts';
import { needShared, sharedDataDir } from '../helpers/shared.ts';

const bbt = join(sharedDataDir, 'photos-dev/faceapi_bbt');
const roots: string[] = [];
after(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

async function characters(): Promise<string[]> {
  const entries = await readdir(bbt, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Copies crops 1..n (or n+1..5) of every character into `dest/<character>/`. */
async function copyCrops(dest: string, from: number, to: number): Promise<void> {
  for (const c of await characters()) {
    await mkdir(join(dest, c), { recursive: true });
    for (let i = from; i <= to; i++) await cp(join(bbt, c, `${c}${i}.png`), join(dest, c, `${c}${i}.png`));
  }
}

/** Person label per crop path (−1 = unassigned), in a fixed order. */
function labelsByPhoto(library: Library, paths: readonly string[]): Int32Array {
  const person = new Map<string, number>();
  for (const p of library.read.listPeopleWithFaces({ includeHidden: true })) {
    for (const f of p.faces) person.set(basename(f.path), p.id);
  }
  return Int32Array.from(paths, (p) => person.get(basename(p)) ?? -1);
}

test('new photos join their people by k-NN and agree with a full re-cluster', {
  skip: needShared,
  timeout: 180_000,
}, async () => {
  const root = await mkdtemp(join(tmpdir(), 'kith-inc-'));
  roots.push(root);
  const photos = join(root, 'photos');
  await copyCrops(photos, 1, 3);
  const library = openLibrary(join(root, 'lib'), { create: true });
  try {
    const first = await runScanJob({ library, roots: [photos], pipeline: 'faceplugin' });
    assert.equal(first.clustering?.mode, 'full');
    // The user names everyone found so far.
    const corrections = new Corrections(library);
    const named = new Map<number, string>();
    for (const p of library.read.listPeopleWithFaces()) {
      const name = basename(dirname(p.faces[0]!.path));
      corrections.renamePerson(p.id, name);
      named.set(p.id, name);
    }
    assert.ok(named.size >= 7, `expected the characters as people, got ${named.size}`);

    await copyCrops(photos, 4, 5);
    const second = await runScanJob({ library, roots: [photos], pipeline: 'faceplugin' });
    assert.equal(second.scan.counts.analyzed, 16);
    assert.equal(second.clustering?.mode, 'incremental');
    if (second.clustering?.mode !== 'incremental') return;
    assert.ok(second.clustering.joined >= 12, `only ${second.clustering.joined} of 16 new faces joined`);

    // Every new crop that joined someone joined the right, named person.
    const crops = (await characters()).flatMap((c) =>
      [1, 2, 3, 4, 5].map((i) => join(photos, c, `${c}${i}.png`)),
    );
    const truth = Int32Array.from(crops, (p) =>
      crops.indexOf(join(dirname(p), `${basename(dirname(p))}1.png`)),
    );
    const incremental = labelsByPhoto(library, crops);
    const names = new Map(library.read.listPeople({ includeHidden: true }).map((p) => [p.id, p.name]));
    crops.forEach((p, i) => {
      const label = incremental[i]!;
      if (label >= 0 && names.get(label)) assert.equal(names.get(label), basename(dirname(p)), p);
    });

    // A full re-cluster of the same library agrees, and keeps every name on the same faces.
    await updatePeople(library, second.pipeline.embedderId, second.pipeline.threshold, 'full');
    const full = labelsByPhoto(library, crops);
    const ari = adjustedRandIndex(incremental, full);
    assert.ok(ari >= 0.9, `incremental vs full ARI ${ari.toFixed(3)}`);
    for (const [id, name] of named)
      assert.equal(library.read.getPerson(id)?.name, name, `person ${id} kept its name`);
    assert.ok(pairwiseScores(full, truth).f >= 0.9, `pairwise F vs truth ${pairwiseScores(full, truth).f}`);
  } finally {
    library.close();
  }
});

test('a re-scan that finds nothing new changes no person, and faces the user rejected stay out', {
  skip: needShared,
  timeout: 180_000,
}, async () => {
  const root = await mkdtemp(join(tmpdir(), 'kith-noop-'));
  roots.push(root);
  const photos = join(root, 'photos');
  await copyCrops(photos, 1, 3);
  const library = openLibrary(join(root, 'lib'), { create: true });
  try {
    await runScanJob({ library, roots: [photos], pipeline: 'faceplugin' });
    // The user answers "No" in Review to two faces of one person: they leave it and stay out.
    const person = library.read.listPeopleWithFaces().find((p) => p.faces.length >= 3);
    assert.ok(person, 'a person with three faces');
    const rejected = person.faces.slice(0, 2).map((f) => f.faceId);
    new Corrections(library).rejectFaces(rejected);
    const before = library.read.listAssignments();

    const again = await runScanJob({ library, roots: [photos], pipeline: 'faceplugin' });
    assert.equal(again.scan.counts.analyzed, 0);
    assert.equal(again.clustering, null, 'nothing new: no regrouping');
    assert.deepEqual(library.read.listAssignments(), before);

    // New photos: only their faces are recognised; the rejected ones stay unassigned.
    await copyCrops(photos, 4, 4);
    const more = await runScanJob({ library, roots: [photos], pipeline: 'faceplugin' });
    assert.equal(more.clustering?.mode, 'incremental');
    if (more.clustering?.mode !== 'incremental') return;
    assert.equal(more.clustering.candidates, more.scan.counts.faces);
    const assigned = new Set(library.read.listAssignments().map((a) => a.faceId));
    for (const id of rejected) assert.ok(!assigned.has(id), `rejected face ${id} stays unassigned`);
  } finally {
    library.close();
  }
});
