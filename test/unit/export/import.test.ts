import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { importRegions, type NamedRegion } from '../../../electron/core/export/index.ts';
import { Corrections } from '../../../electron/core/people/corrections.ts';
import { needShared } from '../../helpers/shared.ts';
import { buildFixture, type Fixture } from './fixture.ts';

describe('importRegions (regions given, no exiftool)', { skip: needShared }, () => {
  let fx: Fixture;
  before(async () => {
    fx = await buildFixture({ people: true });
  });
  after(() => fx?.close());

  /** A region over face `i` of `file`, with a margin like a hand-drawn box (IoU ≈ 0.6). */
  function regionOver(file: string, i: number, name: string): NamedRegion {
    const f = fx.library.read.listFaces(fx.library.read.getPhotoByPath(fx.paths[file]!)!.id)[i]!;
    const p = fx.library.read.getPhoto(f.photoId)!;
    const m = 0.1;
    const b = { x: f.box.x - m * f.box.w, y: f.box.y - m * f.box.h, w: f.box.w * 1.2, h: f.box.h * 1.2 };
    return {
      name,
      source: 'mwg',
      area: { x: b.x / p.width!, y: b.y / p.height!, w: b.w / p.width!, h: b.h / p.height! },
    };
  }

  test('names an unnamed person, keeps user assignments, and respects "not this person"', async () => {
    const kit = fx.faces['kit_with_rose.jpg']!;
    const obama = fx.faces['obama1.jpg']![0]!;
    // Rejecting face 0 of obama_and_biden from Obama: a file must not put it back.
    const corrections = new Corrections(fx.library);
    corrections.rejectFaces([fx.faces['obama_and_biden.jpg']![0]!]);
    const regions = new Map<string, NamedRegion[]>([
      [
        fx.paths['kit_with_rose.jpg']!,
        [regionOver('kit_with_rose.jpg', 0, 'Kit'), regionOver('kit_with_rose.jpg', 1, 'Rose')],
      ],
      [fx.paths['obama1.jpg']!, [regionOver('obama1.jpg', 0, 'Someone Else')]],
      [fx.paths['obama_and_biden.jpg']!, [regionOver('obama_and_biden.jpg', 0, 'Barack Obama')]],
    ]);
    const r = await importRegions(fx.library, [...regions.keys(), '/not/in/library.jpg'], {
      readRegions: async (p) => regions.get(p) ?? [],
    });
    const personOf = (faceId: number) => {
      const a = fx.library.read.getAssignment(faceId);
      return a && { ...fx.library.read.getPersonRecord(a.personId)!, source: a.source };
    };
    // Kit's face was in an unnamed person (user-confirmed): the person takes the name.
    assert.equal(personOf(kit[0]!)?.name, 'Kit');
    // Rose's face was unassigned: a new person named Rose, confirmed.
    assert.equal(personOf(kit[1]!)?.name, 'Rose');
    assert.equal(personOf(kit[1]!)?.source, 'user');
    // The user put this face in Obama: the file's other name does not move it.
    assert.equal(personOf(obama)?.name, 'Barack Obama');
    assert.equal(r.named, 2);
    assert.equal(r.keptUser, 2);
    assert.equal(r.photos, 3);
    assert.equal(fx.library.read.getAssignment(fx.faces['obama_and_biden.jpg']![0]!), undefined);
  });

  test('regions far from every face stay unmatched', async () => {
    const r = await importRegions(fx.library, [fx.paths['obama1.jpg']!], {
      readRegions: async () => [{ name: 'Ghost', source: 'mp', area: { x: 0.9, y: 0.9, w: 0.05, h: 0.05 } }],
    });
    assert.equal(r.named, 0);
    assert.deepEqual(r.unmatched, [{ path: fx.paths['obama1.jpg'], name: 'Ghost' }]);
  });
});
