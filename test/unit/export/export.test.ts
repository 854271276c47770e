import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CSV_COLUMNS,
  CSV_FILE,
  collectFaces,
  ExportError,
  type FacesJson,
  JSON_FILE,
  MANIFEST_FILE,
  mpRegionsOf,
  mwgRegionsOf,
  npyBytes,
  personFolderName,
  runExport,
} from '../../../electron/core/export/index.ts';
import { needShared } from '../../helpers/shared.ts';
import { parseCsv } from './csv.ts';
import { buildFixture, EMBEDDER, type Fixture } from './fixture.ts';

describe('export', { skip: needShared }, () => {
  let fx: Fixture;
  before(async () => {
    fx = await buildFixture({ people: true });
  });
  after(() => fx?.close());

  test('collectFaces: every assigned face, named-only drops unnamed people, unassigned faces never', () => {
    const all = collectFaces(fx.library.read);
    assert.equal(all.length, 4);
    const named = collectFaces(fx.library.read, { namedOnly: true });
    assert.equal(named.length, 3);
    assert.deepEqual(new Set(named.map((f) => f.personName)), new Set(['Barack Obama', 'Joe Biden, "VP"']));
  });

  test('JSON: schema, pixel and normalised boxes, landmarks, model id', async () => {
    const out = join(fx.root, 'json');
    const r = await runExport(fx.library.read, { format: 'json', out });
    assert.equal(r.format, 'json');
    const json = JSON.parse(readFileSync(join(out, JSON_FILE), 'utf8')) as FacesJson;
    assert.equal(json.schema, 'kith.faces');
    assert.equal(json.version, 1);
    assert.equal(json.people.length, 3);
    const obama = json.people.find((p) => p.name === 'Barack Obama')!;
    assert.equal(obama.faces.length, 2);
    const f = obama.faces.find((x) => x.photo.path === fx.paths['obama_and_biden.jpg'])!;
    assert.deepEqual(f.box, { x: 300, y: 200, w: 220, h: 260 });
    assert.ok(f.photo.width && f.photo.height);
    assert.ok(Math.abs(f.boxNormalized!.x - 300 / f.photo.width) < 1e-12);
    assert.ok(Math.abs(f.boxNormalized!.h - 260 / f.photo.height) < 1e-12);
    assert.equal(f.landmarks!.length, 5);
    assert.deepEqual(f.landmarks![2], [300 + 0.5 * 220, 200 + 0.6 * 260]);
    assert.equal(f.assignment, 'user');
    assert.equal(f.modelId, EMBEDDER);
    assert.equal(f.detScore, 0.9);
    assert.equal(f.quality, 0.8);
    // Repeatable: an unchanged library re-exports the same bytes, and no temp file is left behind.
    const first = readFileSync(join(out, JSON_FILE), 'utf8');
    await runExport(fx.library.read, { format: 'json', out });
    assert.equal(readFileSync(join(out, JSON_FILE), 'utf8'), first);
    assert.deepEqual(readdirSync(out), [JSON_FILE]);
  });

  test('CSV: header, one row per face, quoting of names with commas and quotes', async () => {
    const out = join(fx.root, 'csv');
    await runExport(fx.library.read, { format: 'csv', out, namedOnly: true });
    const rows = parseCsv(readFileSync(join(out, CSV_FILE), 'utf8'));
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    assert.equal(rows.length, 1 + 3);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const biden = rows.find((r) => r[col('person_name')] === 'Joe Biden, "VP"');
    assert.ok(biden, 'the quoted name reads back exactly');
    assert.equal(biden[col('x')], '1200');
    assert.equal(Number(biden[col('w_norm')]) > 0, true);
    assert.equal(biden[col('model_id')], EMBEDDER);
    assert.equal(biden[col('nose_x')], String(1200 + 0.5 * 200));
    for (const r of rows) assert.equal(r.length, CSV_COLUMNS.length);
  });

  test('folders: one folder per person, links, and a re-export syncs instead of duplicating', async () => {
    const out = join(fx.root, 'folders');
    const r1 = await runExport(fx.library.read, { format: 'folders', out, link: 'hard' });
    assert.equal(r1.format, 'folders');
    if (r1.format !== 'folders') return;
    assert.equal(r1.people, 3);
    assert.equal(r1.files, 4);
    const obamaDir = join(out, personFolderName(0, 'Barack Obama').replace('(#0)', ''));
    const dirs = readdirSync(out).filter((d) => d !== MANIFEST_FILE);
    assert.equal(dirs.length, 3);
    const obama = dirs.find((d) => d.startsWith('Barack Obama (#'))!;
    assert.ok(obama, obamaDir);
    assert.deepEqual(readdirSync(join(out, obama)).sort(), ['obama1.jpg', 'obama_and_biden.jpg']);
    const linked = join(out, obama, 'obama1.jpg');
    assert.equal(statSync(linked).ino, statSync(fx.paths['obama1.jpg']!).ino, 'a hard link to the original');
    // A file the user added stays; a renamed person's old folder goes; nothing is duplicated.
    writeFileSync(join(out, obama, 'notes.txt'), 'mine');
    const biden = collectFaces(fx.library.read).find((f) => f.personName?.startsWith('Joe'))!;
    const { Corrections } = await import('../../../electron/core/people/corrections.ts');
    new Corrections(fx.library).renamePerson(biden.personId, 'Joseph Biden');
    const r2 = await runExport(fx.library.read, { format: 'folders', out, link: 'symlink' });
    assert.equal(r2.format === 'folders' && r2.removed, 1);
    const after2 = readdirSync(out).filter((d) => d !== MANIFEST_FILE);
    assert.equal(after2.length, 3);
    assert.ok(after2.some((d) => d.startsWith('Joseph Biden (#')));
    assert.ok(!after2.some((d) => d.startsWith('Joe Biden')));
    assert.equal(readFileSync(join(out, obama, 'notes.txt'), 'utf8'), 'mine');
    assert.ok(
      lstatSync(join(out, obama, 'obama1.jpg')).isSymbolicLink(),
      'symlink mode replaced the hard link',
    );
    new Corrections(fx.library).undo();
  });

  test('embeddings: .npy header and data, labels and index agree', async () => {
    const out = join(fx.root, 'emb');
    const r = await runExport(fx.library.read, { format: 'embeddings', out, dtype: 'int8' });
    assert.equal(r.format === 'embeddings' && r.count, 4);
    const npy = readFileSync(join(out, 'embeddings.npy'));
    assert.deepEqual([...npy.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const hlen = npy.readUInt16LE(8);
    assert.equal((10 + hlen) % 64, 0);
    const header = npy.subarray(10, 10 + hlen).toString('latin1');
    assert.match(header, /'descr': '\|i1'/);
    assert.match(header, /'shape': \(4, 128\)/);
    assert.equal(npy.length, 10 + hlen + 4 * 128);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as {
      rows: Array<{ faceId: number; label: number }>;
      labels: Array<{ label: number; name: string | null }>;
      scale: number;
    };
    assert.equal(index.rows.length, 4);
    assert.equal(index.scale, 127);
    const labels = readFileSync(join(out, 'labels.npy'));
    const lh = labels.readUInt16LE(8);
    const lab = new Int32Array(
      labels.buffer.slice(labels.byteOffset + 10 + lh, labels.byteOffset + labels.length),
    );
    assert.deepEqual(
      [...lab],
      index.rows.map((r) => r.label),
    );
    // Row 0's bytes are the stored embedding, quantised.
    const m = fx.library.read.embeddings(EMBEDDER);
    const row = m.row([...m.faceIds].indexOf(index.rows[0]!.faceId));
    const q = new Int8Array(npy.buffer, npy.byteOffset + 10 + hlen, 128);
    assert.ok(Math.abs(q[5]! / 127 - row[5]!) <= 0.5 / 127 + 1e-6);
    const f32 = await runExport(fx.library.read, {
      format: 'embeddings',
      out: join(fx.root, 'embf'),
      dtype: 'float32',
    });
    assert.equal(f32.format === 'embeddings' && f32.dim, 128);
    assert.equal(readFileSync(join(fx.root, 'embf', 'embeddings.npy')).length, 128 + 4 * 128 * 4);
  });

  test('bad paths: an out folder under a file, or that is a file, fails with a clear message', async () => {
    const file = join(fx.root, 'plain-file');
    writeFileSync(file, 'x');
    for (const format of ['json', 'csv', 'folders', 'embeddings', 'xmp'] as const) {
      await assert.rejects(
        runExport(fx.library.read, { format, out: join(file, 'sub') }),
        (err: unknown) =>
          err instanceof ExportError && err.message.includes(`${file} is a file, not a folder`),
        format,
      );
    }
    await assert.rejects(
      runExport(fx.library.read, { format: 'folders', out: file }),
      (err: unknown) => err instanceof ExportError && /is a file|not a folder|in the way/.test(err.message),
    );
    assert.equal(readFileSync(file, 'utf8'), 'x');
    // A foreign manifest is not silently overwritten.
    const dir = join(fx.root, 'foreign');
    mkdirSync(dir);
    writeFileSync(join(dir, MANIFEST_FILE), 'not json');
    await assert.rejects(
      runExport(fx.library.read, { format: 'folders', out: dir }),
      /not a Kith export manifest/,
    );
    assert.ok(existsSync(join(dir, MANIFEST_FILE)));
  });
});

describe('regions', () => {
  test('MWG areas are centre-based; pixel units use AppliedToDimensions; non-faces and unnamed skipped', () => {
    const r = mwgRegionsOf({
      AppliedToDimensions: { W: 200, H: 100, Unit: 'pixel' },
      RegionList: [
        { Area: { X: 0.5, Y: 0.5, W: 0.2, H: 0.4, Unit: 'normalized' }, Name: 'A', Type: 'Face' },
        { Area: { X: 100, Y: 50, W: 20, H: 10, Unit: 'pixel' }, Name: 'B', Type: 'Face' },
        { Area: { X: 0.5, Y: 0.5, W: 0.2, H: 0.2, Unit: 'normalized' }, Name: 'Dog', Type: 'Pet' },
        { Area: { X: 0.5, Y: 0.5, W: 0.2, H: 0.2, Unit: 'normalized' }, Type: 'Face' },
      ],
    });
    assert.equal(r.length, 2);
    assert.deepEqual(r[0]!.area, { x: 0.4, y: 0.3, w: 0.2, h: 0.4 });
    assert.equal(r[1]!.name, 'B');
    assert.ok(Math.abs(r[1]!.area.x - 0.45) < 1e-12 && Math.abs(r[1]!.area.h - 0.1) < 1e-12);
  });

  test('Microsoft rectangles are top-left based; the ignored-face name is skipped', () => {
    const r = mpRegionsOf({
      Regions: [
        { PersonDisplayName: 'C', Rectangle: '0.1, 0.2, 0.3, 0.4' },
        { PersonDisplayName: 'ffffffffffffffff', Rectangle: '0.1, 0.2, 0.3, 0.4' },
        { PersonDisplayName: 'D', Rectangle: 'garbage' },
      ],
    });
    assert.deepEqual(r, [{ name: 'C', area: { x: 0.1, y: 0.2, w: 0.3, h: 0.4 }, source: 'mp' }]);
  });

  test('npyBytes pads the header to 64 bytes', () => {
    const b = npyBytes(new Float32Array([1, 2, 3]), [3]);
    const hlen = new DataView(b.buffer).getUint16(8, true);
    assert.equal((10 + hlen) % 64, 0);
    assert.equal(b[10 + hlen - 1], 0x0a);
    assert.equal(new DataView(b.buffer).getFloat32(10 + hlen + 4, true), 2);
  });
});
