// The Export and "Improve recognition" methods of the service, on a real temp library.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type FacesJson, JSON_FILE } from '../../../electron/core/export/index.ts';
import { dispatch } from '../../../electron/core/service/dispatch.ts';
import type { ServiceEvent } from '../../../electron/core/service/library-service.ts';
import type { MethodName } from '../../../electron/shared/api.ts';
import { type ApiFixture, apiCaller, buildApiFixture, THRESHOLD } from './fixtures.ts';

let fx: ApiFixture;
before(async () => {
  fx = await buildApiFixture();
});
after(async () => {
  await fx.close();
});

const { call } = apiCaller(() => fx);

async function failure(name: MethodName, input: unknown): Promise<{ code: string; message: string }> {
  const r = await dispatch(fx.service.handlers, name, input, { validateOutput: true });
  assert.equal(r.ok, false, `${name} should fail`);
  return r.ok ? { code: '', message: '' } : r.error;
}

const personOf = (faceId: number) => fx.service.library.read.getAssignment(faceId)!.personId;

describe('exportLibrary', () => {
  test('json writes every labeled face into the folder and says so', async () => {
    const out = join(fx.root, 'export-json');
    const r = await call('exportLibrary', { format: 'json', out });
    assert.equal(r.format, 'json');
    assert.equal(r.path, join(out, JSON_FILE));
    assert.equal(r.people, 3);
    assert.equal(r.items, 11);
    assert.deepEqual(r.errors, []);
    assert.match(r.message, /11 faces of 3 people/);
    const json = JSON.parse(await readFile(join(out, JSON_FILE), 'utf8')) as FacesJson;
    assert.equal(json.people.length, 3);
    assert.equal(
      json.people.reduce((n, p) => n + p.faces.length, 0),
      11,
    );

    const named = await call('exportLibrary', { format: 'json', out, namedOnly: true });
    assert.equal(named.items, 0);
  });

  test('a bad path or a missing folder is an invalid request with a message', async () => {
    const file = join(fx.root, 'not-a-folder');
    await writeFile(file, 'x');
    const bad = await failure('exportLibrary', { format: 'json', out: join(file, 'sub') });
    assert.equal(bad.code, 'invalid-request');
    assert.ok(bad.message.length > 0);
    const none = await failure('exportLibrary', { format: 'csv' });
    assert.equal(none.code, 'invalid-request');
    const wrong = await failure('exportLibrary', { format: 'pdf', out: fx.root });
    assert.equal(wrong.code, 'invalid-request');
  });
});

describe('improveRecognition', () => {
  test('with nothing to learn from it answers, keeps nothing and does not throw', async () => {
    await call('setSettings', { threshold: THRESHOLD });
    const r = await call('improveRecognition');
    assert.equal(r.kept, false);
    assert.equal(r.regrouped, false);
    assert.equal(r.before, null);
    assert.equal(r.confirmedFaces, 0);
    assert.match(r.reason, /Not enough to learn from/);
  });

  test('with confirmed people it reports before/after held-out scores; undo regroups', async () => {
    for (const identity of [0, 1, 2]) {
      const faceIds = fx.faces[identity]!;
      await call('confirmFaces', { faceIds, personId: personOf(faceIds[0]!) });
    }
    const seen: ServiceEvent[] = [];
    const off = fx.service.on((e) => seen.push(e));
    const r = await call('improveRecognition');
    assert.ok(r.before && r.after, r.reason);
    assert.equal(r.people, 3);
    assert.equal(r.confirmedFaces, 11);
    assert.equal(typeof r.kept, 'boolean');
    assert.equal(r.regrouped, r.kept);
    if (r.kept)
      assert.ok(seen.some((e) => e.name === 'libraryChanged' && e.payload.reason === 'recognition'));

    const undone = await call('undoImproveRecognition');
    assert.equal(undone.regrouped, true);
    off();
    // Confirmed faces stay with their people through the regrouping.
    const status = await call('getLibraryStatus');
    assert.equal(status.people, 3);
  });
});
