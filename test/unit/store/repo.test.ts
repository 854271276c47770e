import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Library,
  openLibrary,
  READ_SQL,
  ScanAlreadyRunningError,
  WRITE_SQL,
} from '../../../electron/core/store/index.ts';
import { sameFaceAsDrawn } from '../../../electron/core/store/writer.ts';
import { analysis, face, file, tempDir, unitVector } from './helpers.ts';

function open(t: { after(fn: () => void): void }): Library {
  let lib: Library | undefined;
  t.after(() => lib?.close());
  lib = openLibrary(tempDir(t), { create: true });
  return lib;
}

function plan(lib: Library, sql: string, params: unknown[] | Record<string, unknown>): string {
  const rows = lib.db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(params);
  return rows.map((r) => r.detail).join('\n');
}

describe('query plans', () => {
  // Each hot query must search an index; a bare "SCAN <table>" means a full table scan.
  const cases: Array<
    [name: string, sql: string, params: unknown[] | Record<string, unknown>, index: RegExp]
  > = [
    ['photo by path', READ_SQL.photoByPath, ['/x'], /USING INDEX sqlite_autoindex_photos_1/],
    ['photos by content hash', READ_SQL.photosByHash, ['h'], /USING INDEX photos_by_content_hash/],
    [
      'photos under a folder',
      READ_SQL.photosInRange,
      ['/a/', '/a0'],
      /USING INDEX sqlite_autoindex_photos_1/,
    ],
    ['skipped photos (by status)', READ_SQL.skipped, [], /USING INDEX photos_by_status/],
    ['faces of a photo', READ_SQL.facesOfPhoto, [1], /USING INDEX faces_by_photo/],
    ['faces of a photo (writer)', WRITE_SQL.oldFaces, [1], /USING INDEX faces_by_photo/],
    ['drawn faces of a photo (writer)', WRITE_SQL.manualFaces, [1], /USING INDEX faces_by_photo/],
    [
      'embeddings of an embedder',
      READ_SQL.embeddings,
      { embedderId: 'e', minQuality: 0, includeMissing: 0 },
      /SEARCH f USING INDEX faces_by_embedder/,
    ],
    [
      'faces of a person (assignments by person)',
      READ_SQL.personFaces,
      [1],
      /USING INDEX assignments_by_person/,
    ],
    ['cannot-link of face and person', WRITE_SQL.cannotLink, [1, 2], /USING INDEX constraints_face_person/],
    ['active scan jobs', WRITE_SQL.activeJobs, [], /USING INDEX scan_jobs_by_state/],
  ];
  for (const [name, sql, params, index] of cases) {
    test(name, (t) => {
      const lib = open(t);
      const p = plan(lib, sql, params);
      assert.match(p, index, p);
      assert.doesNotMatch(p, /^SCAN (photos|faces|assignments|constraints)$/m, p);
    });
  }

  test('every foreign key column leads an index (cascades and joins never scan)', (t) => {
    const lib = open(t);
    const tables = lib.db
      .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all();
    for (const table of tables) {
      const fks = lib.db.pragma(`foreign_key_list(${table})`) as Array<{ from: string }>;
      const leading = new Set<string>();
      for (const idx of lib.db.pragma(`index_list(${table})`) as Array<{ name: string }>) {
        const cols = lib.db.pragma(`index_info(${idx.name})`) as Array<{ seqno: number; name: string }>;
        const first = cols.find((c) => c.seqno === 0);
        if (first) leading.add(first.name);
      }
      const pk = (lib.db.pragma(`table_info(${table})`) as Array<{ name: string; pk: number }>).find(
        (c) => c.pk === 1,
      );
      for (const fk of fks) {
        assert.ok(leading.has(fk.from) || pk?.name === fk.from, `${table}.${fk.from} has an index`);
      }
    }
  });
});

describe('photos and faces', () => {
  test('recordAnalysis stores the photo and its faces; embeddings read back as float32 views', (t) => {
    const lib = open(t);
    const { photoId, faceIds } = lib.write.recordAnalysis(
      file('/p/a.jpg'),
      analysis([face(1), { ...face(2), noise: 0.04 }]),
    );
    const photo = lib.read.getPhoto(photoId)!;
    assert.equal(photo.status, 'analyzed');
    assert.equal(photo.pipelineId, 'test');
    assert.equal(photo.width, 640);
    const faces = lib.read.listFaces(photoId);
    assert.deepEqual(
      faces.map((f) => f.id),
      faceIds,
    );
    assert.deepEqual(faces[0]!.box, face(1).box);
    assert.deepEqual(faces[0]!.landmarks, face(1).landmarks);
    const m = lib.read.embeddings('test-embedder');
    assert.equal(m.count, 2);
    assert.equal(m.dim, 8);
    assert.deepEqual(Array.from(m.faceIds), faceIds);
    assert.deepEqual(Array.from(m.photoIds), [photoId, photoId]);
    assert.deepEqual(Array.from(m.row(1)), Array.from(unitVector(2)));
    assert.equal(m.row(0).buffer, m.data.buffer, 'rows are views, not copies');
    assert.deepEqual(Array.from(m.noise), [0, Math.fround(0.04)], 'noise read back; not measured = 0');
    const q = lib.db
      .prepare<[number], Buffer>('SELECT embedding_q FROM faces WHERE id = ?')
      .pluck()
      .get(faceIds[0]!)!;
    assert.equal(q.length, 8, 'int8 form is one byte per dimension');
  });

  test('a drawn box and a detection are one face when they overlap, or the detection sits inside a looser box', () => {
    const drawn = { x: 100, y: 100, w: 100, h: 100 };
    assert.ok(sameFaceAsDrawn(drawn, { x: 110, y: 105, w: 90, h: 95 }), 'IoU ≥ 0.5');
    assert.ok(sameFaceAsDrawn(drawn, { x: 120, y: 115, w: 60, h: 65 }), 'inside a loose hand box');
    assert.ok(
      sameFaceAsDrawn({ x: 130, y: 125, w: 55, h: 60 }, drawn),
      'a tight hand box inside a detection',
    );
    assert.ok(
      !sameFaceAsDrawn(drawn, { x: 140, y: 140, w: 20, h: 20 }),
      'a small face inside is another face',
    );
    assert.ok(
      !sameFaceAsDrawn(drawn, { x: 170, y: 100, w: 100, h: 100 }),
      'a neighbour overlapping a little',
    );
    assert.ok(!sameFaceAsDrawn(drawn, { x: 0, y: 0, w: 0, h: 0 }));
  });

  test('re-analysis adds no detection on top of a face the user drew', (t) => {
    const lib = open(t);
    const { photoId } = lib.write.recordAnalysis(file('/p/a.jpg'), analysis([]));
    const drawn = { x: 100, y: 100, w: 100, h: 100 };
    const manual = lib.write.insertManualFace({ photoId, ...face(1, drawn), embedderId: 'test-embedder' });
    const detections = [face(2, { x: 115, y: 110, w: 70, h: 80 }), face(3, { x: 300, y: 100, w: 60, h: 60 })];
    const ids = lib.write.replacePhotoFaces(photoId, analysis(detections, 'v2'));
    assert.equal(ids.length, 1, 'only the face the user did not draw is added');
    const faces = lib.read.listFaces(photoId);
    assert.deepEqual(faces.map((f) => [f.source, f.box.x]).sort(), [
      ['detected', 300],
      ['manual', 100],
    ]);
    assert.ok(faces.some((f) => f.id === manual));
  });

  test('replacing faces is atomic: a failure half way keeps the old faces and status', (t) => {
    const lib = open(t);
    const { photoId, faceIds } = lib.write.recordAnalysis(file('/p/a.jpg'), analysis([face(1)]));
    const broken = { ...face(3), embeddingQ: new Int8Array(3) }; // violates length(embedding) = 4·length(q)
    assert.throws(() => lib.write.replacePhotoFaces(photoId, analysis([face(2), broken], 'v2')), /CHECK/);
    assert.deepEqual(
      lib.read.listFaces(photoId).map((f) => f.id),
      faceIds,
    );
    assert.equal(lib.read.getPhoto(photoId)!.pipelineId, 'test');
    assert.equal(lib.db.prepare<[], number>('SELECT count(*) FROM faces').pluck().get(), 1);
  });

  test('re-analysis carries assignments, constraints and covers over to overlapping new faces', (t) => {
    const lib = open(t);
    const b1 = { x: 10, y: 10, w: 100, h: 100 };
    const b2 = { x: 300, y: 10, w: 100, h: 100 };
    const { photoId, faceIds } = lib.write.recordAnalysis(
      file('/p/a.jpg'),
      analysis([face(1, b1), face(2, b2)]),
    );
    const [f1, f2] = faceIds as [number, number];
    const other = lib.write.recordAnalysis(file('/p/b.jpg', 2000), analysis([face(5)])).faceIds[0]!;
    const ann = lib.write.createPerson('Ann');
    const bob = lib.write.createPerson('Bob');
    lib.write.assignFace(f1, ann, 'user');
    lib.write.assignFace(f2, bob, 'auto', 0.8);
    lib.write.addConstraint({ kind: 'cannot_link', faceId: f1, personId: bob });
    lib.write.addConstraint({ kind: 'cannot_link', faceA: f1, faceB: other });
    lib.db.prepare('UPDATE people SET cover_face_id = ? WHERE id = ?').run(f1, ann);

    // New model: the first face moves a little, the second is not found, a third appears.
    const moved = { x: 14, y: 12, w: 100, h: 98 };
    const ids = lib.write.replacePhotoFaces(
      photoId,
      analysis([face(11, moved), face(12, { x: 600, y: 0, w: 30, h: 30 })], 'v2'),
    );
    const [n1] = ids as [number, number];
    assert.ok(n1 > f2, 'new rows');
    const ann2 = lib.read.getPerson(ann)!;
    assert.deepEqual(
      ann2.faces.map((f) => [f.faceId, f.source]),
      [[n1, 'user']],
    );
    assert.equal(ann2.coverFaceId, n1);
    assert.equal(
      lib.read.getPerson(bob)!.faces.length,
      0,
      'the unmatched face is gone with its auto assignment',
    );
    const cons = lib.db
      .prepare<[], { kind: string; face_a: number; face_b: number | null; person_id: number | null }>(
        'SELECT kind, face_a, face_b, person_id FROM constraints ORDER BY id',
      )
      .all();
    assert.deepEqual(cons, [
      { kind: 'cannot_link', face_a: n1, face_b: null, person_id: bob },
      { kind: 'cannot_link', face_a: Math.min(n1, other), face_b: Math.max(n1, other), person_id: null },
    ]);
    assert.equal(lib.read.getPhoto(photoId)!.pipelineId, 'v2');
  });

  test('move keeps id and faces; missing keeps faces and comes back with its old status', (t) => {
    const lib = open(t);
    const { photoId } = lib.write.recordAnalysis(file('/p/a.jpg'), analysis([face(1)]));
    const skipped = lib.write.recordSkip(file('/p/bad.jpg', 3), 'corrupt', 'bad marker');
    lib.write.movePhoto(photoId, file('/q/renamed.jpg'));
    assert.equal(lib.read.getPhotoByPath('/q/renamed.jpg')!.id, photoId);
    assert.equal(lib.read.getPhotoByPath('/p/a.jpg'), undefined);
    assert.equal(lib.read.listFaces(photoId).length, 1);

    assert.equal(lib.write.markMissing([photoId, skipped]), 2);
    assert.equal(lib.write.markMissing([photoId]), 0, 'already missing');
    assert.deepEqual(lib.read.countPhotosByStatus(), { pending: 0, analyzed: 0, skipped: 0, missing: 2 });
    assert.equal(lib.read.listFaces(photoId).length, 1, 'faces stay');
    assert.equal(lib.read.embeddings('test-embedder').count, 0, 'missing photos are not clustered');
    assert.equal(lib.read.embeddings('test-embedder', { includeMissing: true }).count, 1);

    lib.write.refreshPhoto(photoId, { size: 1000, mtimeMs: 5, contentHash: file('x').contentHash });
    lib.write.movePhoto(skipped, file('/q/bad.jpg', 3));
    assert.equal(lib.read.getPhoto(photoId)!.status, 'analyzed');
    assert.deepEqual(lib.read.listSkippedPhotos(), [
      { id: skipped, path: '/q/bad.jpg', reason: 'corrupt', detail: 'bad marker' },
    ]);
  });

  test('listPhotosUnder matches a folder prefix only', (t) => {
    const lib = open(t);
    for (const p of ['/a/1.jpg', '/a/b/2.jpg', '/ab/3.jpg', '/a0.jpg']) lib.write.upsertPhoto(file(p));
    assert.deepEqual(
      lib.read.listPhotosUnder('/a/').map((p) => p.path),
      ['/a/1.jpg', '/a/b/2.jpg'],
    );
  });
});

describe('foreign keys', () => {
  test('are enforced and cascade from photos to faces, assignments and constraints', (t) => {
    const lib = open(t);
    assert.throws(
      () =>
        lib.db.exec(
          `INSERT INTO faces (photo_id, source, x, y, w, h, created_at) VALUES (999, 'manual', 0, 0, 1, 1, 0)`,
        ),
      /FOREIGN KEY constraint failed/,
    );
    const { photoId, faceIds } = lib.write.recordAnalysis(file('/p/a.jpg'), analysis([face(1), face(2)]));
    const ann = lib.write.createPerson('Ann');
    lib.write.assignFace(faceIds[0]!, ann, 'user');
    lib.write.addConstraint({ kind: 'cannot_link', faceA: faceIds[0]!, faceB: faceIds[1]! });
    assert.throws(() => lib.db.prepare('DELETE FROM people WHERE id = ?').run(ann), /FOREIGN KEY/);
    lib.db.prepare('DELETE FROM photos WHERE id = ?').run(photoId);
    for (const table of ['faces', 'assignments', 'constraints']) {
      assert.equal(lib.db.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck().get(), 0, table);
    }
  });
});

describe('people and clustering', () => {
  function seed(lib: Library, n: number): number[] {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(...lib.write.recordAnalysis(file(`/p/${i}.jpg`, 100 + i), analysis([face(i)])).faceIds);
    }
    return ids;
  }

  test('writes people and auto assignments without touching user assignments or names', (t) => {
    const lib = open(t);
    const f = seed(lib, 6);
    const first = lib.write.writeClustering([
      { faces: [0, 1, 2].map((i) => ({ faceId: f[i]!, confidence: 0.9 })) },
      { faces: [3, 4].map((i) => ({ faceId: f[i]!, confidence: 0.7 })) },
    ]);
    assert.equal(first.created, 2);
    const [pA, pB] = first.personIds as [number, number];
    lib.write.renamePerson(pA, 'Ann');
    lib.write.assignFace(f[2]!, pB, 'user'); // the user moves face 2 to B
    lib.write.addConstraint({ kind: 'cannot_link', faceId: f[5]!, personId: pA }); // "not Ann"

    lib.write.addConstraint({ kind: 'must_link', faceA: f[4]!, faceB: f[3]! });
    lib.write.addConstraint({ kind: 'cannot_link', personA: pB, personB: pA });
    assert.deepEqual(
      lib.read.listConstraints().map(({ id: _, ...c }) => c),
      [
        { kind: 'cannot_link', form: 'face-person', faceId: f[5]!, personId: pA },
        { kind: 'must_link', form: 'face-face', faceA: f[3]!, faceB: f[4]! },
        { kind: 'cannot_link', form: 'person-person', personA: pA, personB: pB },
      ],
    );
    assert.deepEqual(lib.read.listUserAssignments(), [{ faceId: f[2]!, personId: pB }]);

    // Re-cluster: the clusterer still puts 0,1,2 together, and 5 with them.
    const second = lib.write.writeClustering([
      { faces: [0, 1, 2, 5].map((i) => ({ faceId: f[i]!, confidence: 0.8 })) },
      { faces: [3, 4].map((i) => ({ faceId: f[i]!, confidence: 0.7 })) },
    ]);
    assert.deepEqual(second.personIds, [pA, pB], 'ids are stable across re-clustering');
    assert.equal(second.created, 0);
    assert.equal(second.keptUser, 1);
    assert.equal(second.blocked, 1);
    const ann = lib.read.getPerson(pA)!;
    assert.equal(ann.name, 'Ann');
    assert.deepEqual(ann.faces.map((x) => x.faceId).sort(), [f[0], f[1]].sort());
    const b = lib.read.getPerson(pB)!;
    assert.deepEqual(
      b.faces.map((x) => [x.faceId, x.source]).sort(),
      [
        [f[2], 'user'],
        [f[3], 'auto'],
        [f[4], 'auto'],
      ].sort(),
    );
    assert.ok(ann.coverFaceId === f[0] || ann.coverFaceId === f[1]);

    // Everything dissolves: unnamed B keeps its user face, so it stays; nothing else is made.
    const third = lib.write.writeClustering([]);
    assert.equal(third.removed, 0);
    assert.equal(lib.read.getPerson(pB)!.faceCount, 1);
    assert.equal(lib.read.getPerson(pA)!.faceCount, 0, 'named Ann stays, empty');
  });

  test('auto-made people that lose every face are removed', (t) => {
    const lib = open(t);
    const f = seed(lib, 2);
    const { personIds } = lib.write.writeClustering([{ faces: [{ faceId: f[0]!, confidence: 1 }] }]);
    const r = lib.write.writeClustering([{ faces: [{ faceId: f[1]!, confidence: 1 }] }]);
    assert.equal(r.removed, 1);
    assert.equal(lib.read.getPerson(personIds[0]!), undefined);
  });

  test('listPeopleWithFaces: largest first, with photo paths; hidden only on request', (t) => {
    const lib = open(t);
    const f = seed(lib, 3);
    const { personIds } = lib.write.writeClustering([
      { faces: [{ faceId: f[0]!, confidence: 1 }] },
      { faces: [1, 2].map((i) => ({ faceId: f[i]!, confidence: 0.5 })) },
    ]);
    const people = lib.read.listPeopleWithFaces();
    assert.deepEqual(
      people.map((p) => [p.id, p.faceCount, p.photoCount]),
      [
        [personIds[1], 2, 2],
        [personIds[0], 1, 1],
      ],
    );
    assert.deepEqual(
      people[0]!.faces.map((x) => x.path),
      ['/p/1.jpg', '/p/2.jpg'],
    );
    lib.write.setPersonHidden(personIds[1]!, true);
    assert.equal(lib.read.listPeopleWithFaces().length, 1);
    assert.equal(lib.read.listPeopleWithFaces({ includeHidden: true }).length, 2);
  });
});

describe('constraints', () => {
  test('one row per pair: a later correction replaces the earlier kind', (t) => {
    const lib = open(t);
    const [a, b] = lib.write.recordAnalysis(file('/p/a.jpg'), analysis([face(1), face(2)])).faceIds as [
      number,
      number,
    ];
    const p = lib.write.createPerson();
    lib.write.addConstraint({ kind: 'must_link', faceA: b, faceB: a });
    lib.write.addConstraint({ kind: 'cannot_link', faceA: a, faceB: b });
    lib.write.addConstraint({ kind: 'must_link', faceId: a, personId: p });
    lib.write.addConstraint({ kind: 'cannot_link', faceId: a, personId: p });
    assert.deepEqual(
      lib.read.listConstraints().map((c) => [c.form, c.kind]),
      [
        ['face-face', 'cannot_link'],
        ['face-person', 'cannot_link'],
      ],
    );
  });
});

describe('scan jobs and settings', () => {
  test('a job of a dead process becomes interrupted; a live one blocks a second scan', (t) => {
    const lib = open(t);
    const a = lib.write.beginScanJob(['/p'], 111, () => false);
    const b = lib.write.beginScanJob(['/p'], 222, (job) => job.pid === 222);
    assert.equal(lib.read.getScanJob(a)!.state, 'interrupted');
    assert.equal(lib.read.getScanJob(b)!.state, 'running');
    assert.throws(
      () => lib.write.beginScanJob(['/p'], 333, (job) => job.pid === 222),
      ScanAlreadyRunningError,
    );
    const counts = { discovered: 3, analyzed: 2, unchanged: 0, moved: 0, skipped: 1, missing: 0, faces: 4 };
    lib.write.updateScanJob(b, 'done', counts);
    const job = lib.read.getScanJob(b)!;
    assert.equal(job.state, 'done');
    assert.deepEqual(job.roots, ['/p']);
    assert.equal(job.faces, 4);
    assert.ok(job.finishedAt !== null);
  });

  test('settings round-trip as JSON', (t) => {
    const lib = open(t);
    lib.write.setSetting('roots', ['/a', '/b']);
    assert.deepEqual(lib.read.getSetting('roots'), ['/a', '/b']);
    assert.equal(lib.read.getSetting('nope'), undefined);
  });
});
