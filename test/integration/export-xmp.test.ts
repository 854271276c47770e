// Round trip through XMP sidecars: a library with named people writes sidecars; exiftool reads back the
// MWG, Microsoft and IPTC tags exactly; a fresh library with the same detected faces imports the
// sidecars and ends up with the same names on the same faces.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ExifTool } from 'exiftool-vendored';
import {
  collectFaces,
  ExportError,
  exportXmp,
  importRegions,
  MAX_SIDECAR_BYTES,
  MAX_SIDECAR_REGIONS,
  mwgRegionsOf,
  runExport,
  sidecarPath,
} from '../../electron/core/export/index.ts';
import { Corrections } from '../../electron/core/people/corrections.ts';
import { needShared } from '../helpers/shared.ts';
import { buildFixture, type Fixture, LAYOUT } from '../unit/export/fixture.ts';

type Rec = Record<string, unknown>;

describe('XMP export and import', { skip: needShared }, () => {
  let fx: Fixture;
  let et: ExifTool;
  before(async () => {
    fx = await buildFixture({ people: true });
    et = new ExifTool({ maxProcs: 1 });
  });
  after(async () => {
    await et?.end();
    fx?.close();
  });

  test('sidecars carry MWG, Microsoft and IPTC regions that exiftool reads back exactly', async () => {
    const before = readFileSync(fx.paths['obama_and_biden.jpg']!);
    const mtime = statSync(fx.paths['obama_and_biden.jpg']!).mtimeMs;
    const r = await runExport(fx.library.read, { format: 'xmp', exiftool: et });
    assert.equal(r.format === 'xmp' && r.written.length, 2, 'kit_with_rose has no named face: no sidecar');
    assert.ok(!existsSync(sidecarPath(fx.paths['kit_with_rose.jpg']!, 'photo.jpg.xmp')));
    const tags = (await et.read(
      sidecarPath(fx.paths['obama_and_biden.jpg']!, 'photo.jpg.xmp'),
    )) as unknown as Rec;
    const info = tags.RegionInfo as {
      AppliedToDimensions: { W: number; H: number; Unit: string };
      RegionList: Array<{
        Name: string;
        Type: string;
        Area: { X: number; Y: number; W: number; H: number; Unit: string };
      }>;
    };
    const faces = collectFaces(fx.library.read, { namedOnly: true }).filter(
      (f) => f.path === fx.paths['obama_and_biden.jpg'],
    );
    const W = faces[0]!.photoWidth!;
    const H = faces[0]!.photoHeight!;
    assert.deepEqual(info.AppliedToDimensions, { W, H, Unit: 'pixel' });
    assert.equal(info.RegionList.length, 2);
    const obama = info.RegionList.find((x) => x.Name === 'Barack Obama')!;
    assert.equal(obama.Type, 'Face');
    assert.equal(obama.Area.Unit, 'normalized');
    // Centre-based: X = (x + w/2) / W.
    assert.ok(Math.abs(obama.Area.X - (300 + 110) / W) < 1e-6);
    assert.ok(Math.abs(obama.Area.Y - (200 + 130) / H) < 1e-6);
    assert.ok(Math.abs(obama.Area.W - 220 / W) < 1e-6);
    assert.ok(Math.abs(obama.Area.H - 260 / H) < 1e-6);
    const mp = (tags.RegionInfoMP as { Regions: Array<{ PersonDisplayName: string; Rectangle: string }> })
      .Regions;
    const mpObama = mp.find((x) => x.PersonDisplayName === 'Barack Obama')!;
    const [x, y, w, h] = mpObama.Rectangle.split(',').map(Number) as [number, number, number, number];
    assert.ok(
      Math.abs(x - 300 / W) < 1e-6 && Math.abs(y - 200 / H) < 1e-6 && Math.abs(w - 220 / W) < 1e-6 && h > 0,
    );
    assert.deepEqual(new Set(tags.PersonInImage as string[]), new Set(['Barack Obama', 'Joe Biden, "VP"']));
    // The photo itself is untouched.
    assert.deepEqual(readFileSync(fx.paths['obama_and_biden.jpg']!), before);
    assert.equal(statSync(fx.paths['obama_and_biden.jpg']!).mtimeMs, mtime);
  });

  test('re-export updates in place: no duplicate regions, foreign regions and tags kept', async () => {
    const side = sidecarPath(fx.paths['obama1.jpg']!, 'photo.jpg.xmp');
    // Another app added a title and a face Kith does not know, elsewhere in the picture.
    const tags = (await et.read(side)) as unknown as Rec;
    const info = tags.RegionInfo as { AppliedToDimensions: Rec; RegionList: Rec[] };
    await et.write(
      side,
      {
        Title: 'Keep me',
        RegionInfo: {
          AppliedToDimensions: info.AppliedToDimensions,
          RegionList: [
            ...info.RegionList,
            { Area: { X: 0.9, Y: 0.9, W: 0.1, H: 0.1, Unit: 'normalized' }, Name: 'Stranger', Type: 'Face' },
          ],
        },
      } as never,
      { writeArgs: ['-overwrite_original'] },
    );
    await runExport(fx.library.read, { format: 'xmp', exiftool: et });
    await runExport(fx.library.read, { format: 'xmp', exiftool: et });
    const again = (await et.read(side)) as unknown as Rec;
    const names = mwgRegionsOf(again.RegionInfo)
      .map((r) => r.name)
      .sort();
    assert.deepEqual(names, ['Barack Obama', 'Stranger']);
    assert.equal(again.Title, 'Keep me');
  });

  test('photo.xmp style and --out mirror the photo folder', async () => {
    const out = join(fx.root, 'xmp-out');
    const r = await exportXmp(collectFaces(fx.library.read, { namedOnly: true }), {
      style: 'photo.xmp',
      out,
      exiftool: et,
    });
    assert.deepEqual(r.errors, []);
    assert.ok(existsSync(join(out, 'obama1.xmp')));
    assert.ok(existsSync(join(out, 'obama_and_biden.xmp')));
  });

  test('a fresh library with the same faces imports the same names onto the same faces', async () => {
    const fresh = await buildFixture({ root: fx.root, libraryName: 'fresh' });
    try {
      const first = await importRegions(fresh.library, Object.values(fresh.paths), { exiftool: et });
      assert.equal(first.named, 3);
      assert.equal(first.photos, 2);
      const people = fresh.library.read.listPeopleWithFaces();
      const nameOf = (faceId: number) => people.find((p) => p.faces.some((f) => f.faceId === faceId))?.name;
      for (const [file, layout] of Object.entries(LAYOUT)) {
        layout.forEach((f, i) => {
          const want = typeof f.person === 'string' ? f.person : undefined;
          assert.equal(nameOf(fresh.faces[file]![i]!), want, `${file} face ${i}`);
        });
      }
      // One person per name, each face confirmed by the user.
      assert.equal(people.filter((p) => p.name === 'Barack Obama').length, 1);
      assert.ok(people.every((p) => p.faces.every((f) => f.source === 'user')));
      assert.deepEqual(first.unmatched, [{ path: fresh.paths['obama1.jpg'], name: 'Stranger' }]);
      // Repeatable: a second import changes nothing.
      const second = await importRegions(fresh.library, Object.values(fresh.paths), { exiftool: et });
      assert.equal(second.named, 0);
      assert.equal(second.unchanged, 3);
      assert.equal(fresh.library.read.listPeople().length, people.length);
    } finally {
      fresh.library.close();
    }
  });

  test('an --out under a file fails up front with a clear message', async () => {
    const file = join(fx.root, 'a-file');
    writeFileSync(file, '');
    await assert.rejects(
      runExport(fx.library.read, { format: 'xmp', out: join(file, 'x'), exiftool: et }),
      (err: unknown) => err instanceof ExportError && err.message.includes(`${file} is a file, not a folder`),
    );
  });
});

describe('XMP names round-trip exactly; oversized sidecars are skipped', { skip: needShared }, () => {
  let fx: Fixture;
  let et: ExifTool;
  before(async () => {
    fx = await buildFixture({ people: true });
    et = new ExifTool({ maxProcs: 1 });
  });
  after(async () => {
    await et?.end();
    fx?.close();
  });

  const personNamed = (name: string) => fx.library.read.listPeople().find((p) => p.name === name)!;
  const namesIn = async (file: string) => {
    const tags = (await et.read(file)) as unknown as Rec;
    return {
      people: tags.PersonInImage,
      mwg: mwgRegionsOf(tags.RegionInfo).map((r) => r.name),
      mp: ((tags.RegionInfoMP as { Regions: Array<{ PersonDisplayName: string }> }).Regions ?? []).map(
        (r) => r.PersonDisplayName,
      ),
    };
  };

  test('"&amp;" and "&" stay as written, U+001F never splits a name, a re-export adds no duplicate', async () => {
    const corrections = new Corrections(fx.library);
    const obama = personNamed('Barack Obama');
    const biden = personNamed('Joe Biden, "VP"');
    corrections.renamePerson(obama.id, 'Tom &amp; Jerry & Co');
    // A name stored before the name rule, with the unit separator exiftool-vendored joins lists with.
    fx.library.write.renamePerson(biden.id, 'Ann\u001fMarie');
    const side = sidecarPath(fx.paths['obama_and_biden.jpg']!, 'photo.jpg.xmp');
    await runExport(fx.library.read, { format: 'xmp', exiftool: et });
    // Another app (writing its XML itself) adds a person and a face region of its own.
    const stranger =
      "<rdf:li rdf:parseType='Resource'><mwg-rs:Area stArea:x='0.9' stArea:y='0.9' stArea:w='0.1'" +
      " stArea:h='0.1' stArea:unit='normalized'/><mwg-rs:Name>Stranger &amp; Co</mwg-rs:Name>" +
      '<mwg-rs:Type>Face</mwg-rs:Type></rdf:li>';
    writeFileSync(
      side,
      readFileSync(side, 'utf8')
        .replace(/(<Iptc4xmpExt:PersonInImage>\s*<rdf:Bag>)/, '$1<rdf:li>Stranger &amp; Co</rdf:li>')
        .replace(/(<mwg-rs:RegionList>\s*<rdf:Bag>)/, `$1${stranger}`),
    );
    const foreign = await namesIn(side);
    assert.deepEqual(foreign.people, ['Stranger & Co', 'Tom &amp; Jerry & Co', 'Ann Marie']);
    assert.deepEqual(foreign.mwg.sort(), ['Ann Marie', 'Stranger & Co', 'Tom &amp; Jerry & Co']);
    for (let i = 0; i < 2; i++) {
      await runExport(fx.library.read, { format: 'xmp', exiftool: et });
      const again = await namesIn(side);
      assert.deepEqual(
        again.people,
        ['Tom &amp; Jerry & Co', 'Ann Marie', 'Stranger & Co'],
        `export ${i + 2}`,
      );
      assert.deepEqual(again.mwg.sort(), ['Ann Marie', 'Stranger & Co', 'Tom &amp; Jerry & Co']);
      assert.deepEqual(again.mp.sort(), ['Ann Marie', 'Tom &amp; Jerry & Co']);
    }
    // A renamed person's old name leaves the photo's list with its region.
    corrections.renamePerson(obama.id, 'Barry');
    await runExport(fx.library.read, { format: 'xmp', exiftool: et });
    assert.deepEqual((await namesIn(side)).people, ['Barry', 'Ann Marie', 'Stranger & Co']);

    // And a fresh library reads the same names back.
    corrections.renamePerson(obama.id, 'Tom &amp; Jerry & Co');
    await runExport(fx.library.read, { format: 'xmp', exiftool: et });
    const fresh = await buildFixture({ root: fx.root, libraryName: 'fresh-names' });
    try {
      await importRegions(fresh.library, Object.values(fresh.paths), { exiftool: et });
      const names = fresh.library.read.listPeople().map((p) => p.name);
      assert.deepEqual(names.sort(), ['Ann Marie', 'Tom &amp; Jerry & Co']);
    } finally {
      fresh.library.close();
    }
  });

  test('a sidecar over the size or region limit is skipped with a reason, before exiftool reads it', async () => {
    const photo = fx.paths['obama1.jpg']!;
    const side = sidecarPath(photo, 'photo.jpg.xmp');
    await runExport(fx.library.read, { format: 'xmp', exiftool: et });
    const real = readFileSync(side, 'utf8');
    // 1,001 junk regions beside the real one (the reported file had 100,000 in 20 MB).
    const li = /<mwg-rs:RegionList>\s*<rdf:Bag>\s*(<rdf:li[\s\S]*?<\/rdf:li>)/.exec(real)![1]!;
    const junk = li.replace(/<mwg-rs:Name>[^<]*</, '<mwg-rs:Name>Junk<');
    const crowded = real.replace(li, li + junk.repeat(MAX_SIDECAR_REGIONS + 1));
    // The photo's other sidecar name holds the one real region, so the names still arrive.
    const other = sidecarPath(photo, 'photo.xmp');
    writeFileSync(other, real);
    writeFileSync(side, crowded);
    const fresh = await buildFixture({ root: fx.root, libraryName: 'fresh-limits' });
    try {
      const t0 = performance.now();
      const r = await importRegions(fresh.library, [photo], { exiftool: et });
      assert.ok(performance.now() - t0 < 5000);
      assert.equal(r.skipped.length, 1);
      assert.equal(r.skipped[0]!.path, side);
      assert.match(r.skipped[0]!.reason, /has 1002 face regions \(Kith reads sidecars with up to 1000\)/);
      assert.equal(r.named, 1, 'the real region, from the sidecar within the limits');
      // Too large: skipped whatever it holds.
      writeFileSync(side, `${real}<!--${' '.repeat(MAX_SIDECAR_BYTES)}-->`);
      const big = await importRegions(fresh.library, [photo], { exiftool: et });
      assert.match(big.skipped[0]?.reason ?? '', /is 4\.0 MB \(Kith reads sidecars up to 4\.0 MB\)/);
      // An export leaves such a sidecar alone and says so; the other photos still get theirs.
      const before = readFileSync(side);
      const out = await runExport(fx.library.read, { format: 'xmp', exiftool: et });
      assert.ok(out.format === 'xmp');
      assert.deepEqual(
        out.errors.map((e) => e.path),
        [side],
      );
      assert.match(out.errors[0]!.message, /Left the sidecar .* as it was: it is 4\.0 MB/);
      assert.deepEqual(readFileSync(side), before);
      assert.equal(out.written.length, 1);
    } finally {
      fresh.library.close();
      rmSync(other, { force: true });
      rmSync(side, { force: true });
    }
  });
});
