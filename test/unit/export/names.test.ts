// Names on their way out and in: CSV cells a spreadsheet would run as formulas are neutralised (JSON
// stays exact), names from other apps' regions are cleaned under the name rule, and a sidecar's
// regions are counted without parsing it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CSV_COLUMNS,
  CSV_FILE,
  type FacesJson,
  importRegions,
  JSON_FILE,
  mpRegionsOf,
  mwgRegionsOf,
  runExport,
} from '../../../electron/core/export/index.ts';
import { countRegionMarks } from '../../../electron/core/export/sidecar-limits.ts';
import { Corrections } from '../../../electron/core/people/corrections.ts';
import { needShared } from '../../helpers/shared.ts';
import { parseCsv } from './csv.ts';
import { buildFixture, type Fixture } from './fixture.ts';

/** Names that spreadsheets would evaluate (OWASP's CSV injection examples). */
const FORMULAS = ["=cmd|'/C calc'!A0", '+SUM(A1:A9)', '-2+3', '@cmd'];

describe('names in exports and imports', { skip: needShared }, () => {
  let fx: Fixture;
  before(async () => {
    fx = await buildFixture({ people: true });
  });
  after(() => fx?.close());

  test('CSV neutralises cells a spreadsheet would run as a formula; JSON keeps the names exact', async () => {
    const corrections = new Corrections(fx.library);
    const people = fx.library.read.listPeople();
    const obama = people.find((p) => p.name === 'Barack Obama')!;
    const biden = people.find((p) => p.name === 'Joe Biden, "VP"')!;
    const unnamed = people.find((p) => p.name === null)!;
    corrections.renamePerson(obama.id, FORMULAS[0]!);
    corrections.renamePerson(unnamed.id, FORMULAS[1]!);
    // A library from before the name rule may hold a name that starts with a tab.
    fx.library.write.renamePerson(biden.id, '\t=1+1');
    const want = new Map([
      [obama.id, FORMULAS[0]!],
      [unnamed.id, FORMULAS[1]!],
      [biden.id, '\t=1+1'],
    ]);
    const out = join(fx.root, 'csv-names');
    await runExport(fx.library.read, { format: 'csv', out });
    await runExport(fx.library.read, { format: 'json', out });
    const text = readFileSync(join(out, CSV_FILE), 'utf8');
    const rows = parseCsv(text).slice(1);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    assert.equal(rows.length, 4);
    for (const r of rows) {
      const name = want.get(Number(r[col('person_id')]))!;
      assert.equal(r[col('person_name')], `'${name}`, 'a leading apostrophe makes the cell text');
    }
    // Neutralised cells are quoted, and no cell of the file starts with a formula character.
    assert.ok(text.includes(`"'${FORMULAS[0]}"`));
    for (const r of rows) for (const cell of r) assert.doesNotMatch(cell, /^[=+@\t\r]/);
    // Numbers stay numbers (a negative coordinate is not a formula).
    for (const r of rows) assert.ok(Number.isFinite(Number(r[col('x')])));
    const json = JSON.parse(readFileSync(join(out, JSON_FILE), 'utf8')) as FacesJson;
    assert.deepEqual(new Map(json.people.map((p) => [p.id, p.name])), want);
  });

  test('every OWASP formula prefix is neutralised', async () => {
    const corrections = new Corrections(fx.library);
    const obama = fx.library.read.listPeople().find((p) => p.faceCount === 2)!;
    for (const name of [...FORMULAS, '\r=1']) {
      if (name.startsWith('\r')) fx.library.write.renamePerson(obama.id, name);
      else corrections.renamePerson(obama.id, name);
      const out = join(fx.root, 'csv-each');
      await runExport(fx.library.read, { format: 'csv', out, namedOnly: true });
      const rows = parseCsv(readFileSync(join(out, CSV_FILE), 'utf8')).slice(1);
      const cells = rows.filter((r) => r[0] === String(obama.id)).map((r) => r[1]);
      assert.deepEqual(cells, [`'${name}`, `'${name}`], JSON.stringify(name));
    }
  });

  test('names read from regions are cleaned under the name rule, never refused', async () => {
    const long = `Eve ${'x'.repeat(1_000_000)}`;
    const mwg = mwgRegionsOf({
      RegionList: [
        { Area: { X: 0.5, Y: 0.5, W: 0.2, H: 0.2 }, Name: 'Ann\u001fMarie', Type: 'Face' },
        { Area: { X: 0.2, Y: 0.2, W: 0.2, H: 0.2 }, Name: long, Type: 'Face' },
        { Area: { X: 0.8, Y: 0.8, W: 0.2, H: 0.2 }, Name: '\u001b\u0000', Type: 'Face' },
      ],
    });
    assert.deepEqual(
      mwg.map((r) => r.name),
      ['Ann Marie', `Eve ${'x'.repeat(196)}`],
    );
    assert.deepEqual(
      mpRegionsOf({
        Regions: [{ PersonDisplayName: 'Jose\u0301 \ud800', Rectangle: '0.1, 0.1, 0.2, 0.2' }],
      }).map((r) => r.name),
      ['Jos\u00e9'],
    );
    // importRegions applies the rule to whatever its reader returns.
    const photo = fx.paths['kit_with_rose.jpg']!;
    const f = fx.library.read.listFaces(fx.library.read.getPhotoByPath(photo)!.id)[1]!;
    const p = fx.library.read.getPhoto(f.photoId)!;
    const area = {
      x: f.box.x / p.width!,
      y: f.box.y / p.height!,
      w: f.box.w / p.width!,
      h: f.box.h / p.height!,
    };
    const r = await importRegions(fx.library, [photo], {
      readRegions: async () => [{ name: `\u001b[2JRose${'!'.repeat(500)}`, source: 'mwg', area }],
    });
    assert.equal(r.named, 1);
    const person = fx.library.read.getPersonRecord(fx.library.read.getAssignment(f.id)!.personId)!;
    assert.equal(person.name, `[2JRose${'!'.repeat(200 - 7)}`);
  });
});

describe('sidecar limits', () => {
  test('regions are counted in MWG or Microsoft lists, element or attribute form, any prefix', () => {
    const mwg = (n: number, prefix = 'mwg-rs') =>
      `<${prefix}:RegionList><rdf:Bag>${`<rdf:li><${prefix}:Area stArea:x="0.5"/></rdf:li>`.repeat(n)}</rdf:Bag>`;
    const mp = (n: number) =>
      `<MPRI:Regions><rdf:Bag>${'<rdf:li MPReg:Rectangle="0, 0, 1, 1"/>'.repeat(n)}</rdf:Bag></MPRI:Regions>`;
    assert.equal(countRegionMarks(''), 0);
    assert.equal(countRegionMarks(mwg(3)), 3);
    assert.equal(countRegionMarks(mwg(3, 'x')), 3);
    assert.equal(countRegionMarks(mp(5)), 5);
    // Kith writes each face in both lists: a face counts once.
    assert.equal(countRegionMarks(mwg(4) + mp(4)), 4);
    // Closing tags and the stArea: fields are not regions.
    assert.equal(countRegionMarks('<a:Area>\n<stArea:x>1</stArea:x></a:Area>'), 1);
  });
});
