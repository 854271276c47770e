// Round trip through XMP sidecars: a library with named people writes sidecars; exiftool reads back the
// MWG, Microsoft and IPTC tags exactly; a fresh library with the same detected faces imports the
// sidecars and ends up with the same names on the same faces.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ExifTool } from 'exiftool-vendored';
import {
  collectFaces,
  ExportError,
  exportXmp,
  importRegions,
  mwgRegionsOf,
  runExport,
  sidecarPath,
} from '../../electron/core/export/index.ts';
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
