import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CorrectionError,
  type CorrectionErrorCode,
  type CorrectionResult,
  Corrections,
} from '../../../electron/core/people/corrections.ts';
import { recluster } from '../../../electron/core/people/recluster.ts';
import { type Library, READ_SQL } from '../../../electron/core/store/index.ts';
import { buildLibrary, EMBEDDER, type Fixture, THRESHOLD } from './fixtures.ts';

type TestContext = { after(fn: () => void): void };

interface World extends Fixture {
  c: Corrections;
  /** People after the first clustering: A (with r), B (B1 + B2), C (with x). */
  pA: number;
  pB: number;
  pC: number;
}

const regroup = (lib: Library) => recluster(lib, { embedderId: EMBEDDER, threshold: THRESHOLD });

async function world(t: TestContext): Promise<World> {
  const fx = buildLibrary(t);
  await regroup(fx.lib);
  const personOf = (f: number) => fx.lib.read.getAssignment(f)!.personId;
  const w = {
    ...fx,
    c: new Corrections(fx.lib),
    pA: personOf(fx.faces.A[0]!),
    pB: personOf(fx.faces.B1[0]!),
    pC: personOf(fx.faces.C[0]!),
  };
  // The fixture's premise: siblings merged, each misfit clustered with its look-alike.
  assert.equal(personOf(fx.faces.B2[0]!), w.pB);
  assert.equal(personOf(fx.faces.x[0]!), w.pC);
  assert.equal(personOf(fx.faces.r[0]!), w.pA);
  assert.equal(new Set([w.pA, w.pB, w.pC]).size, 3);
  return w;
}

/** Every row of the tables corrections may touch, all columns. */
function snapshot(lib: Library, withLog = false) {
  const all = (sql: string) => lib.db.prepare(sql).all();
  return {
    people: all('SELECT * FROM people ORDER BY id'),
    assignments: all('SELECT * FROM assignments ORDER BY face_id'),
    constraints: all('SELECT * FROM constraints ORDER BY id'),
    ...(withLog && { corrections: all('SELECT * FROM corrections ORDER BY id') }),
  };
}

/** The same state without clocks and constraint row ids (redo writes new rows at a later time). */
function logical(lib: Library) {
  const all = (sql: string) => lib.db.prepare(sql).all();
  return {
    people: all('SELECT id, name, hidden, cover_face_id FROM people ORDER BY id'),
    assignments: all('SELECT face_id, person_id, source, confidence FROM assignments ORDER BY face_id'),
    constraints: all(`SELECT kind, face_a, face_b, person_id, other_person_id, correction_id FROM constraints
      ORDER BY face_a, face_b, person_id, other_person_id`),
  };
}

const personOf = (w: World, faceId: number) => w.lib.read.getAssignment(faceId)?.personId;
const peopleOf = (w: World, faceIds: readonly number[]) => new Set(faceIds.map((f) => personOf(w, f)));

describe('undo and redo', () => {
  // Each case may prepare (not part of the comparison), then makes one correction.
  const cases: Array<[name: string, apply: (w: World) => CorrectionResult, prepare?: (w: World) => void]> = [
    ['rename', (w) => w.c.renamePerson(w.pA, '  Ann  ')],
    [
      'rename to empty clears the name',
      (w) => w.c.renamePerson(w.pA, '   '),
      (w) => w.c.renamePerson(w.pA, 'Ann'),
    ],
    ['hide', (w) => w.c.setHidden(w.pB, true)],
    ['set cover', (w) => w.c.setCover(w.pA, w.faces.A[3]!)],
    ['confirm', (w) => w.c.confirmFaces(w.faces.A.slice(0, 3), w.pA)],
    ['reject', (w) => w.c.rejectFaces(w.faces.r)],
    ['move to a person', (w) => w.c.moveFaces(w.faces.x, w.pA)],
    ['move to a new person', (w) => w.c.moveFaces([...w.faces.x, w.faces.r[0]!], 'new')],
    ['split', (w) => w.c.splitFaces(w.faces.B2)],
    [
      'merge (names, covers, re-pointed constraints)',
      (w) => w.c.mergePeople(w.pA, [w.pC]),
      (w) => {
        w.c.renamePerson(w.pC, 'Cat');
        w.c.moveFaces(w.faces.x, w.pA); // x: "not C", "confirmed in A"
        w.c.rejectFaces(w.faces.r); // r: "not A"
        w.c.splitFaces(w.faces.B2); // B ≠ new person
      },
    ],
    [
      'merge that re-uses the id of a constraint it deletes',
      (w) => w.c.mergePeople(w.pA, [w.pC]),
      (w) => w.c.confirmFaces([w.faces.C[0]!], w.pC), // the newest row, deleted first by the merge
    ],
    [
      'merge over a "these differ" link',
      (w) => {
        const q = personOf(w, w.faces.B2[0]!)!;
        return w.c.mergePeople(q, [w.pB]);
      },
      (w) => {
        w.c.renamePerson(w.pB, 'Bea');
        w.c.splitFaces(w.faces.B2);
      },
    ],
  ];

  for (const [name, apply, prepare] of cases) {
    test(name, async (t) => {
      const w = await world(t);
      prepare?.(w);
      const before = snapshot(w.lib);
      const done = apply(w);
      const after = snapshot(w.lib);
      const afterLogical = logical(w.lib);
      assert.notDeepEqual(after, before, 'the correction changed something');

      const undone = w.c.undo();
      assert.equal(undone?.correctionId, done.correctionId);
      assert.equal(undone?.op, done.op);
      assert.deepEqual(snapshot(w.lib), before, 'undo restores every row exactly');

      const redone = w.c.redo();
      assert.deepEqual(redone, done, 'redo reports what the correction did');
      assert.deepEqual(logical(w.lib), afterLogical, 'redo re-applies it');
      assert.equal(w.c.redo(), null, 'nothing left to redo');

      w.c.undo();
      assert.deepEqual(snapshot(w.lib), before, 'undo after redo restores exactly too');
    });
  }

  test('a chain undoes in reverse order back to the start and redoes forward', async (t) => {
    const w = await world(t);
    const start = snapshot(w.lib);
    const states = [];
    w.c.renamePerson(w.pA, 'Ann');
    states.push(logical(w.lib));
    w.c.moveFaces(w.faces.x, w.pA);
    states.push(logical(w.lib));
    w.c.splitFaces(w.faces.B2);
    states.push(logical(w.lib));
    w.c.mergePeople(w.pA, [w.pC]);
    states.push(logical(w.lib));
    for (let i = states.length - 2; i >= 0; i--) {
      w.c.undo();
      assert.deepEqual(logical(w.lib), states[i]);
    }
    w.c.undo();
    assert.deepEqual(snapshot(w.lib), start);
    assert.equal(w.c.undo(), null, 'nothing left to undo');
    for (const s of states) {
      w.c.redo();
      assert.deepEqual(logical(w.lib), s);
    }
  });

  test('a new correction clears the redo stack', async (t) => {
    const w = await world(t);
    w.c.renamePerson(w.pA, 'Ann');
    w.c.setHidden(w.pB, true);
    assert.equal(w.c.undo()?.op, 'set-hidden');
    assert.equal(w.c.canRedo(), true);
    w.c.confirmFaces([w.faces.A[0]!], w.pA);
    assert.equal(w.c.canRedo(), false);
    assert.equal(w.c.redo(), null);
    assert.deepEqual(
      w.c.history().map((e) => [e.op, e.undone]),
      [
        ['confirm', false],
        ['rename', false],
      ],
    );
    assert.equal(w.lib.read.getPerson(w.pB)!.hidden, false);
  });

  test('history describes each entry, newest first, with the redo stack marked', async (t) => {
    const w = await world(t);
    assert.equal(w.c.canUndo(), false);
    w.c.renamePerson(w.pA, 'Ann');
    const split = w.c.splitFaces(w.faces.B2);
    w.c.mergePeople(w.pA, [w.pC]);
    w.c.undo();
    assert.equal(w.c.canUndo(), true);
    const h = w.c.history(10);
    assert.deepEqual(
      h.map((e) => [e.op, e.undone, e.summary]),
      [
        ['merge', true, `Merged #${w.pC} into #${w.pA}`],
        ['split', false, `Split 3 faces off #${w.pB} into #${split.personIds[1]}`],
        ['rename', false, `Named #${w.pA} "Ann"`],
      ],
    );
    assert.deepEqual(h[1]!.payload, {
      op: 'split',
      faceIds: w.faces.B2,
      fromPersonId: w.pB,
      newPersonId: split.personIds[1],
    });
    assert.equal(w.c.history(1).length, 1);
  });

  test('undoing a merge whose source id was re-used gives the person back under a new id', async (t) => {
    const w = await world(t);
    assert.equal(Math.max(w.pA, w.pB, w.pC), w.pC, 'C has the highest id, so SQLite re-uses it');
    w.c.renamePerson(w.pC, 'Cat');
    w.c.mergePeople(w.pA, [w.pC]);
    const intruder = w.lib.write.createPerson('Intruder'); // e.g. a re-cluster made a person
    assert.equal(intruder, w.pC);

    const undone = w.c.undo()!;
    const cat = personOf(w, w.faces.C[0]!)!;
    assert.notEqual(cat, w.pC);
    assert.ok(undone.personIds.includes(cat));
    assert.equal(w.lib.read.getPerson(cat)!.name, 'Cat');
    assert.deepEqual(peopleOf(w, [...w.faces.C, ...w.faces.x]), new Set([cat]));
    assert.deepEqual(peopleOf(w, w.faces.A), new Set([w.pA]));
    assert.equal(w.lib.read.getPerson(intruder)!.name, 'Intruder', 'the other person is left alone');

    // The earlier rename follows the person to its new id, both ways.
    w.c.undo();
    assert.equal(w.lib.read.getPerson(cat)!.name, null);
    assert.equal(w.lib.read.getPerson(intruder)!.name, 'Intruder');
    w.c.redo();
    assert.equal(w.lib.read.getPerson(cat)!.name, 'Cat');
    assert.deepEqual(w.c.redo()!.personIds, [w.pA, cat]);
    assert.equal(w.lib.read.getPerson(cat), undefined);
    assert.equal(w.lib.read.getPerson(w.pA)!.faceCount, 12);
  });

  test('redoing a split whose new id was re-used makes the person anew, and later redos follow it', async (t) => {
    const w = await world(t);
    const split = w.c.splitFaces(w.faces.B2);
    const q = split.personIds[1]!;
    w.c.renamePerson(q, 'Bea');
    w.c.undo();
    w.c.undo();
    assert.equal(w.lib.read.getPerson(q), undefined);
    const intruder = w.lib.write.createPerson('Intruder');
    assert.equal(intruder, q);

    const redone = w.c.redo()!;
    const q2 = redone.personIds[1]!;
    assert.notEqual(q2, q);
    assert.deepEqual(peopleOf(w, w.faces.B2), new Set([q2]));
    w.c.redo();
    assert.equal(w.lib.read.getPerson(q2)!.name, 'Bea');
    assert.equal(w.lib.read.getPerson(intruder)!.name, 'Intruder');
  });

  test('undoing a face added by hand after its person came back under a new id deletes the face', async (t) => {
    const w = await world(t);
    const photo = w.lib.read.getPhotoByPath('/photos/006.jpg')!;
    const none = { landmarks: null, quality: null, embedding: null, embedderId: null };
    const added = w.c.addFace(photo.id, { x: 400, y: 200, w: 80, h: 90 }, 'new', none);
    const q = added.personIds[0]!;
    const drawn = w.lib.read.listFaces(photo.id).find((f) => f.source === 'manual')!;
    w.c.mergePeople(w.pA, [q]);
    const intruder = w.lib.write.createPerson('Intruder');
    assert.equal(intruder, q, 'the merged-away id is re-used');

    w.c.undo(); // the merge: q comes back under a new id, and the add-face row follows it
    const q2 = personOf(w, drawn.id)!;
    assert.notEqual(q2, q);
    assert.equal(w.c.undo()?.op, 'add-face');
    assert.equal(w.lib.read.faceExists(drawn.id), false, 'the drawn face is gone');
    assert.equal(w.lib.read.getPerson(q2), undefined);
    assert.equal(w.lib.read.getPerson(intruder)!.name, 'Intruder');
    assert.equal(w.c.redo()?.op, 'add-face');
    assert.equal(w.lib.read.listFaces(photo.id).filter((f) => f.source === 'manual').length, 1);
  });

  test('undo after a re-cluster puts back what the correction changed and drops the person it made', async (t) => {
    const w = await world(t);
    const split = w.c.splitFaces(w.faces.B2);
    w.c.rejectFaces(w.faces.r);
    await regroup(w.lib);
    w.c.undo();
    w.c.undo();
    assert.equal(w.lib.read.getPerson(split.personIds[1]!), undefined);
    assert.deepEqual(peopleOf(w, [...w.faces.B1, ...w.faces.B2]), new Set([w.pB]));
    assert.equal(personOf(w, w.faces.r[0]!), w.pA);
    assert.deepEqual(w.lib.read.listConstraints(), []);
    assert.deepEqual(w.lib.read.listUserAssignments(), []);
  });
});

describe('corrections survive re-clustering', () => {
  test('a name and the hidden flag stay with their person', async (t) => {
    const w = await world(t);
    w.c.renamePerson(w.pA, 'Ann');
    w.c.setHidden(w.pC, true);
    w.c.setCover(w.pA, w.faces.A[2]!);
    await regroup(w.lib);
    await regroup(w.lib);
    const ann = w.lib.read.getPerson(w.pA)!;
    assert.equal(ann.name, 'Ann');
    assert.equal(ann.coverFaceId, w.faces.A[2]);
    assert.deepEqual(peopleOf(w, w.faces.A), new Set([w.pA]));
    assert.equal(w.lib.read.getPerson(w.pC)!.hidden, true);
  });

  test('moved faces stay, and neither person is taken over', async (t) => {
    const w = await world(t);
    w.c.renamePerson(w.pA, 'Ann');
    w.c.moveFaces(w.faces.x, w.pA);
    await regroup(w.lib);
    await regroup(w.lib);
    assert.deepEqual(peopleOf(w, [...w.faces.A, ...w.faces.x]), new Set([w.pA]));
    assert.deepEqual(peopleOf(w, w.faces.C), new Set([w.pC]));
    assert.equal(w.lib.read.getPerson(w.pA)!.name, 'Ann');
    assert.equal(w.lib.read.getAssignment(w.faces.x[0]!)!.source, 'user');
  });

  test('a face moved to a new person stays there', async (t) => {
    const w = await world(t);
    const moved = w.c.moveFaces(w.faces.x, 'new');
    await regroup(w.lib);
    assert.equal(personOf(w, w.faces.x[0]!), moved.personIds[0]);
    assert.deepEqual(peopleOf(w, w.faces.C), new Set([w.pC]));
  });

  test('a rejected face never returns to that person', async (t) => {
    const w = await world(t);
    w.c.rejectFaces(w.faces.r);
    for (let i = 0; i < 2; i++) {
      await regroup(w.lib);
      assert.notEqual(personOf(w, w.faces.r[0]!), w.pA);
      assert.deepEqual(peopleOf(w, w.faces.A), new Set([w.pA]));
    }
  });

  test('split people stay apart', async (t) => {
    const w = await world(t);
    const q = w.c.splitFaces(w.faces.B2).personIds[1]!;
    for (let i = 0; i < 2; i++) {
      await regroup(w.lib);
      assert.deepEqual(peopleOf(w, w.faces.B2), new Set([q]));
      assert.deepEqual(peopleOf(w, w.faces.B1), new Set([w.pB]));
    }
  });

  test('merged people stay together, even people clustering would keep apart', async (t) => {
    const w = await world(t);
    w.c.renamePerson(w.pC, 'Cat');
    w.c.mergePeople(w.pA, [w.pC]);
    for (let i = 0; i < 2; i++) {
      await regroup(w.lib);
      assert.deepEqual(peopleOf(w, [...w.faces.A, ...w.faces.C, ...w.faces.x]), new Set([w.pA]));
      assert.equal(w.lib.read.getPerson(w.pA)!.name, 'Cat', 'the unnamed target took the name');
      assert.equal(w.lib.read.getPerson(w.pC), undefined);
    }
  });

  test('a merge after a split rejoins the two people for good', async (t) => {
    const w = await world(t);
    const q = w.c.splitFaces(w.faces.B2).personIds[1]!;
    w.c.mergePeople(w.pB, [q]);
    assert.deepEqual(
      w.lib.read.listConstraints().filter((c) => c.form === 'person-person'),
      [],
    );
    await regroup(w.lib);
    assert.deepEqual(peopleOf(w, [...w.faces.B1, ...w.faces.B2]), new Set([w.pB]));
  });
});

describe('what corrections record', () => {
  test("merge moves the sources' constraints to the target; must_link wins on a conflict", async (t) => {
    const w = await world(t);
    const x = w.faces.x[0]!;
    w.c.moveFaces(w.faces.x, w.pA); // x: not C, confirmed in A
    const q = w.c.splitFaces(w.faces.B2).personIds[1]!; // B ≠ q
    w.c.mergePeople(w.pC, [w.pA, q]);
    const cs = w.lib.read.listConstraints().map(({ id: _, ...c }) => c);
    assert.ok(
      cs.some(
        (c) => c.form === 'face-person' && c.faceId === x && c.personId === w.pC && c.kind === 'must_link',
      ),
    );
    assert.ok(
      cs.some(
        (c) =>
          c.form === 'person-person' &&
          c.personA === Math.min(w.pB, w.pC) &&
          c.personB === Math.max(w.pB, w.pC),
      ),
      'B ≠ q became B ≠ C',
    );
    assert.ok(
      cs.every((c) =>
        c.form === 'person-person'
          ? c.personA !== w.pA && c.personB !== q
          : c.form !== 'face-person' || (c.personId !== w.pA && c.personId !== q),
      ),
    );
    // Every face of the merged people is a user face of C, each with its "confirmed in C" row.
    const faces = w.lib.read.getPerson(w.pC)!.faces;
    assert.equal(faces.length, 7 + 5 + 3, 'A (with r and x), C, and the split-off B2');
    assert.ok(faces.every((f) => f.source === 'user'));
    const confirmed = w.lib.read
      .listConstraints()
      .filter((c) => c.form === 'face-person' && c.kind === 'must_link' && c.personId === w.pC);
    assert.equal(confirmed.length, faces.length);
  });

  test("merge: a named target keeps its name, an unnamed one takes the first named source's", async (t) => {
    const w = await world(t);
    w.c.renamePerson(w.pA, 'Ann');
    w.c.renamePerson(w.pC, 'Cat');
    w.c.mergePeople(w.pA, [w.pC]);
    assert.equal(w.lib.read.getPerson(w.pA)!.name, 'Ann');
    w.c.renamePerson(w.pB, 'Bea');
    const q = w.c.moveFaces(w.faces.r, 'new').personIds[0]!;
    w.c.mergePeople(q, [w.pB, w.pA]);
    assert.equal(w.lib.read.getPerson(q)!.name, 'Bea');
    assert.deepEqual(
      w.lib.read.listPeople().map((p) => p.id),
      [q],
    );
  });

  test('a correction against a person with no user face confirms its cover as an anchor', async (t) => {
    const w = await world(t);
    const coverOfC = w.lib.read.getPerson(w.pC)!.coverFaceId!;
    assert.notEqual(coverOfC, w.faces.x[0]);
    w.c.moveFaces(w.faces.x, w.pA);
    assert.deepEqual(w.lib.read.listUserAssignments(), [
      { faceId: Math.min(coverOfC, w.faces.x[0]!), personId: coverOfC < w.faces.x[0]! ? w.pC : w.pA },
      { faceId: Math.max(coverOfC, w.faces.x[0]!), personId: coverOfC < w.faces.x[0]! ? w.pA : w.pC },
    ]);
  });

  test('moving a face back turns "not P" into "confirmed in P"', async (t) => {
    const w = await world(t);
    const x = w.faces.x[0]!;
    w.c.moveFaces([x], w.pA);
    w.c.moveFaces([x], w.pC);
    const rows = w.lib.read
      .listConstraints()
      .filter((c) => c.form === 'face-person' && c.faceId === x)
      .map((c) => [c.kind, c.form === 'face-person' && c.personId]);
    assert.deepEqual(
      rows.sort(),
      [
        ['cannot_link', w.pA],
        ['must_link', w.pC],
      ].sort(),
    );
  });
});

describe('random sequences', () => {
  test('undoing everything restores the start exactly; redoing everything restores the end', async (t) => {
    const w = await world(t);
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const start = snapshot(w.lib);
    const allFaces = Object.values(w.faces).flat();
    const pick = <T>(xs: readonly T[]) => xs[rand(xs.length)]!;
    const people = () => w.lib.read.listPeople({ includeHidden: true }).map((p) => p.id);
    const someFaces = () => Array.from({ length: 1 + rand(3) }, () => pick(allFaces));
    const ops: Array<() => unknown> = [
      () => w.c.renamePerson(pick(people()), pick(['Ann', 'Bea', '', 'Cat'])),
      () => w.c.setHidden(pick(people()), rand(2) === 0),
      () => w.c.moveFaces(someFaces(), rand(4) === 0 ? 'new' : pick(people())),
      () => w.c.splitFaces(someFaces()),
      () => w.c.rejectFaces(someFaces()),
      () => {
        const p = pick(people());
        return w.c.confirmFaces(
          w.lib.read
            .getPerson(p)!
            .faces.slice(0, 2)
            .map((f) => f.faceId),
          p,
        );
      },
      () => w.c.mergePeople(pick(people()), [pick(people())]),
      () => {
        const p = pick(people());
        const faces = w.lib.read.getPerson(p)!.faces;
        return faces.length > 0 ? w.c.setCover(p, pick(faces).faceId) : w.c.setCover(p, pick(allFaces));
      },
      () => w.c.undo(),
    ];
    const made = new Map<number, number>();
    for (let i = 0; i < 120; i++) {
      const k = rand(ops.length);
      try {
        ops[k]!();
        made.set(k, (made.get(k) ?? 0) + 1);
      } catch (err) {
        if (!(err instanceof CorrectionError)) throw err; // invalid picks are expected, nothing else
      }
    }
    assert.equal(made.size, ops.length, `every kind of correction was made: ${[...made]}`);
    while (w.c.redo()) {
      // bring the redo stack back so "the end" includes everything
    }
    const end = logical(w.lib);
    const history = w.c.history(1000).length;
    let undone = 0;
    while (w.c.undo()) undone++;
    assert.equal(undone, history);
    assert.deepEqual(snapshot(w.lib), start);
    while (w.c.redo()) {
      // redo all
    }
    assert.deepEqual(logical(w.lib), end);
  });
});

describe('query plans of the correction queries', () => {
  test('search an index, never scan the big tables', async (t) => {
    const w = await world(t);
    const cases: Array<[sql: string, params: unknown[] | Record<string, unknown>]> = [
      [READ_SQL.personRecord, [1]],
      [READ_SQL.assignmentRecord, [1]],
      [READ_SQL.assignmentRecordsOfPerson, [1]],
      [READ_SQL.hasUserFace, [1]],
      [READ_SQL.bestFaceOfPerson, [1]],
      [READ_SQL.constraintFaceFace, [1, 2]],
      [READ_SQL.constraintFacePerson, [1, 2]],
      [READ_SQL.constraintPersonPerson, [1, 2]],
      [READ_SQL.constraintsOfPerson, { personId: 1 }],
      [READ_SQL.nextCorrectionAfter, [1]],
    ];
    for (const [sql, params] of cases) {
      const plan = w.lib.db
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(params)
        .map((r) => r.detail)
        .join('\n');
      assert.doesNotMatch(
        plan,
        /^SCAN (people|faces|assignments|constraints|corrections)\b/m,
        `${sql}\n${plan}`,
      );
    }
  });
});

describe('invalid corrections', () => {
  test('throw a CorrectionError and leave the library (and the redo stack) unchanged', async (t) => {
    const w = await world(t);
    w.c.rejectFaces(w.faces.r);
    w.c.renamePerson(w.pA, 'Ann');
    w.c.undo(); // something on the redo stack that an error must not discard
    const allOfC = w.lib.read.getPerson(w.pC)!.faces.map((f) => f.faceId);
    const cases: Array<[CorrectionErrorCode, () => unknown]> = [
      ['unknown-person', () => w.c.renamePerson(999, 'X')],
      ['invalid-id', () => w.c.renamePerson(1.5, 'X')],
      ['same-person', () => w.c.mergePeople(w.pA, [w.pB, w.pA])],
      ['no-people', () => w.c.mergePeople(w.pA, [])],
      ['unknown-person', () => w.c.mergePeople(w.pA, [w.pB, 999])],
      ['unknown-person', () => w.c.mergePeople(999, [w.pB])],
      ['no-faces', () => w.c.moveFaces([], w.pA)],
      ['unknown-face', () => w.c.moveFaces([w.faces.x[0]!, 99_999], w.pA)],
      ['unknown-person', () => w.c.moveFaces(w.faces.x, 999)],
      ['mixed-people', () => w.c.splitFaces([w.faces.B1[0]!, w.faces.C[0]!])],
      ['split-all', () => w.c.splitFaces(allOfC)],
      ['face-not-assigned', () => w.c.splitFaces(w.faces.r)],
      ['face-not-assigned', () => w.c.rejectFaces([w.faces.A[0]!, w.faces.r[0]!])],
      ['face-not-in-person', () => w.c.confirmFaces([w.faces.A[0]!, w.faces.C[0]!], w.pA)],
      ['face-not-in-person', () => w.c.setCover(w.pA, w.faces.C[0]!)],
      ['unknown-face', () => w.c.setCover(w.pA, 99_999)],
      ['unknown-person', () => w.c.setHidden(999, true)],
    ];
    const before = snapshot(w.lib, true);
    for (const [code, fn] of cases) {
      assert.throws(fn, (err: unknown) => {
        assert.ok(err instanceof CorrectionError, String(err));
        assert.equal(err.code, code, err.message);
        assert.ok(err.message.length > 10);
        return true;
      });
      assert.deepEqual(snapshot(w.lib, true), before, `${code}: nothing written`);
    }
    assert.equal(w.c.redo()?.op, 'rename', 'the redo stack survived');
  });

  test('a redo that no longer applies fails cleanly and stays on the stack', async (t) => {
    const w = await world(t);
    w.c.confirmFaces(w.faces.B2, w.pB);
    w.c.undo();
    w.lib.write.unassignFace(w.faces.B2[0]!); // e.g. the face was re-analysed away from B
    const before = snapshot(w.lib, true);
    assert.throws(() => w.c.redo(), { name: 'CorrectionError', code: 'face-not-in-person' });
    assert.deepEqual(snapshot(w.lib, true), before);
    assert.equal(w.c.canRedo(), true);
  });

  test('a log row that does not match its schema is refused as corrupt, and nothing is written', async (t) => {
    const w = await world(t);
    const raw = (id: number) =>
      w.lib.db.prepare('SELECT payload, undo FROM corrections WHERE id = ?').get(id) as {
        payload: string;
        undo: string;
      };
    const put = (id: number, column: 'payload' | 'undo', value: unknown) =>
      w.lib.db.prepare(`UPDATE corrections SET ${column} = ? WHERE id = ?`).run(JSON.stringify(value), id);
    const refused = (fn: () => unknown, what: string) => {
      const before = snapshot(w.lib, true);
      assert.throws(fn, { name: 'CorrectionError', code: 'corrupt-log' }, what);
      assert.deepEqual(snapshot(w.lib, true), before, `${what}: nothing written`);
    };

    // A drawn face whose stored analysis lost its fields, redone.
    const photo = w.lib.read.getPhotoByPath('/photos/006.jpg')!;
    const none = { landmarks: null, quality: null, embedding: null, embedderId: null };
    const added = w.c.addFace(photo.id, { x: 400, y: 200, w: 80, h: 90 }, w.pA, none);
    w.c.undo();
    const addFace = JSON.parse(raw(added.correctionId).payload) as Record<string, unknown>;
    put(added.correctionId, 'payload', { ...addFace, face: {} });
    refused(() => w.c.redo(), 'redo of a drawn face without its analysis');
    put(added.correctionId, 'payload', addFace);
    assert.equal(w.c.redo()?.op, 'add-face');

    // A person id that is not a number, in a row history lists.
    const moved = w.c.moveFaces(w.faces.x, 'new');
    const move = JSON.parse(raw(moved.correctionId).payload) as Record<string, unknown>;
    put(moved.correctionId, 'payload', { ...move, newPersonId: 'abc' });
    refused(() => w.c.history(), 'history with a malformed move');
    put(moved.correctionId, 'payload', move);

    // An undo image whose person has no id.
    const renamed = w.c.renamePerson(w.pA, 'Ann');
    const img = JSON.parse(raw(renamed.correctionId).undo) as { people: Array<Record<string, unknown>> };
    put(renamed.correctionId, 'undo', { ...img, people: img.people.map(({ id: _, ...p }) => p) });
    refused(() => w.c.undo(), 'undo with a malformed image');
    assert.equal(w.lib.read.getPerson(w.pA)!.name, 'Ann');
  });

  test('error categories map onto the API error codes', () => {
    assert.equal(new CorrectionError('unknown-face', 'x').category, 'not-found');
    assert.equal(new CorrectionError('no-faces', 'x').category, 'invalid-request');
    assert.equal(new CorrectionError('split-all', 'x').category, 'conflict');
  });
});
