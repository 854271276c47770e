// A full or failing disk under the library: thumbnails are still served when their cache cannot be
// written, and a refused write is a clear 'storage' error that changed nothing (never 'internal').
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dispatch } from '../../../electron/core/service/dispatch.ts';
import { MediaService } from '../../../electron/core/service/media.ts';
import { httpStatusOf } from '../../../electron/shared/api.ts';
import { type ApiFixture, buildApiFixture } from './fixtures.ts';

let fx: ApiFixture;
before(async () => {
  fx = await buildApiFixture();
});
after(async () => {
  await fx.close();
});

describe('storage failures', () => {
  test('a face thumbnail whose cache write fails is still served', async () => {
    // The cache folder cannot be made: its parent is a file (as a full disk refuses the write).
    const blocked = join(fx.root, 'not-a-folder');
    await writeFile(blocked, 'x');
    const media = new MediaService(fx.service.library, {
      cacheDir: join(blocked, 'thumbnails'),
      allowedRoots: () => [fx.photosDir],
    });
    const face = await media.face(fx.faces[0]![0]!, 96);
    assert.equal(face.contentType, 'image/webp');
    assert.equal(face.body.subarray(8, 12).toString('latin1'), 'WEBP');
  });

  test('a correction on a full disk is a storage error (HTTP 507) and changes nothing', async () => {
    const db = fx.service.library.db;
    const personId = fx.service.library.read.listPeople()[0]!.id;
    // The database may not grow by a page: SQLite's own "database or disk is full" (SQLITE_FULL).
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    try {
      let saved: string | null = fx.service.library.read.getPerson(personId)!.name;
      let refused: { code: string; message: string } | null = null;
      for (let i = 0; i < 200 && refused === null; i++) {
        const name = `${i} ${'n'.repeat(190)}`;
        const r = await dispatch(fx.service.handlers, 'renamePerson', { personId, name });
        if (r.ok) saved = name;
        else refused = r.error;
      }
      assert.ok(refused, 'the disk filled up');
      assert.equal(refused.code, 'storage');
      assert.match(refused.message, /^The disk that holds the library is full\. Free some space/);
      assert.equal(httpStatusOf.storage, 507);
      assert.equal(
        fx.service.library.read.getPerson(personId)!.name,
        saved,
        'the refused rename left nothing',
      );
      const listed = (await fx.service.handlers.listPeople({ search: '', sort: 'size', includeHidden: true }))
        .people;
      assert.equal(listed.find((p) => p.id === personId)?.name, saved, 'the People list agrees');
    } finally {
      db.pragma('max_page_count = 1073741823');
    }
  });
});
