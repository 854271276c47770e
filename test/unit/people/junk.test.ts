// Issue 15 item 2 on a real (synthetic) library: poor faces never start a person, rejected faces do not
// drift into a junk person, and a junk person is dismissed in one undoable correction that survives
// re-clustering and recognition of new faces.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Corrections } from '../../../electron/core/people/corrections.ts';
import { ignoredFaces } from '../../../electron/core/people/ignored.ts';
import { recluster } from '../../../electron/core/people/recluster.ts';
import { recognizeNewFaces } from '../../../electron/core/people/recognize.ts';
import type { Library } from '../../../electron/core/store/index.ts';
import { buildLibrary, EMBEDDER, THRESHOLD } from './fixtures.ts';

const regroup = (lib: Library) => recluster(lib, { embedderId: EMBEDDER, threshold: THRESHOLD });
const personOf = (lib: Library, faceId: number) => lib.read.getAssignment(faceId)?.personId;

describe('junk people', () => {
  test('faces below the quality floor never start a person; they wait in Unassigned', async (t) => {
    const fx = buildLibrary(t);
    // C's faces (and x, clustered with C) become blurry: quality 0.3, above the clusterer's 0.25 floor.
    const poor = [...fx.faces.C, ...fx.faces.x];
    const setQ = fx.lib.db.prepare('UPDATE faces SET q_overall = 0.3 WHERE id = ?');
    for (const f of poor) setQ.run(f);
    await regroup(fx.lib);
    for (const f of poor) assert.equal(personOf(fx.lib, f), undefined, `face ${f} stays unassigned`);
    assert.ok(personOf(fx.lib, fx.faces.A[0]!) !== undefined, 'good faces still make people');
    // The user can still put them in a person, and then they stay there.
    const c = new Corrections(fx.lib);
    const made = c.moveFaces(fx.faces.C, 'new').personIds[0]!;
    await regroup(fx.lib);
    for (const f of fx.faces.C) assert.equal(personOf(fx.lib, f), made);
  });

  test('faces rejected from a person do not drift together into a new person', async (t) => {
    const fx = buildLibrary(t);
    await regroup(fx.lib);
    const pB = personOf(fx.lib, fx.faces.B1[0]!)!;
    const c = new Corrections(fx.lib);
    c.rejectFaces(fx.faces.B2);
    for (let i = 0; i < 2; i++) {
      await regroup(fx.lib);
      for (const f of fx.faces.B2) assert.equal(personOf(fx.lib, f), undefined, `face ${f} stays out`);
    }
    assert.ok(fx.faces.B1.every((f) => personOf(fx.lib, f) === pB));
  });

  test('dismissing a person ignores its faces through re-clustering and recognition; undo brings it back', async (t) => {
    const fx = buildLibrary(t);
    await regroup(fx.lib);
    const pC = personOf(fx.lib, fx.faces.C[0]!)!;
    const before = fx.lib.read.listAssignmentsOfPerson(pC).map((a) => a.faceId);
    const c = new Corrections(fx.lib);
    c.renamePerson(pC, 'Junk');
    const r = c.dismissPerson(pC);
    assert.deepEqual(r.personIds, [pC]);
    assert.equal(fx.lib.read.getPersonRecord(pC), undefined);
    assert.deepEqual(
      [...ignoredFaces(fx.lib.read)].sort((a, b) => a - b),
      [...before].sort((a, b) => a - b),
    );
    for (let i = 0; i < 2; i++) {
      await regroup(fx.lib);
      await recognizeNewFaces(fx.lib, { embedderId: EMBEDDER, threshold: THRESHOLD });
      for (const f of before) assert.equal(personOf(fx.lib, f), undefined, `face ${f} stays ignored`);
    }
    c.undo();
    assert.equal(fx.lib.read.getPersonRecord(pC)?.name, 'Junk');
    assert.deepEqual(ignoredFaces(fx.lib.read), new Set());
    for (const f of before) assert.equal(personOf(fx.lib, f), pC);
    c.redo();
    assert.equal(fx.lib.read.getPersonRecord(pC), undefined);
    assert.equal(ignoredFaces(fx.lib.read).size, before.length);
  });

  test('"different people" keeps two people apart through re-clustering, and undoes', async (t) => {
    const fx = buildLibrary(t);
    await regroup(fx.lib);
    const c = new Corrections(fx.lib);
    // B1 and B2 are look-alike siblings the clustering merged; one B2 face moved out, then "different".
    const pB = personOf(fx.lib, fx.faces.B1[0]!)!;
    const one = c.moveFaces([fx.faces.B2[0]!], 'new').personIds[0]!;
    const kept = c.keepApart(pB, one);
    assert.deepEqual(kept.personIds, [pB, one]);
    await regroup(fx.lib);
    await regroup(fx.lib);
    assert.notEqual(personOf(fx.lib, fx.faces.B2[0]!), personOf(fx.lib, fx.faces.B1[0]!));
    assert.ok(
      fx.lib.read
        .listConstraints()
        .some((k) => k.form === 'person-person' && new Set([k.personA, k.personB]).has(one)),
    );
    c.undo();
    assert.ok(!fx.lib.read.listConstraints().some((k) => k.form === 'person-person'));
  });
});
