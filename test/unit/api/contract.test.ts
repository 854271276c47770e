import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ApiError,
  eventNames,
  events,
  hostMethods,
  methodNames,
  methods,
  parseInput,
} from '../../../electron/shared/api.ts';
import { mediaPath, parseMediaPath } from '../../../electron/shared/media.ts';

function rejects(name: Parameters<typeof parseInput>[0], raw: unknown, path?: string) {
  assert.throws(
    () => parseInput(name, raw),
    (err: unknown) => {
      assert.ok(err instanceof ApiError, 'an ApiError');
      assert.equal(err.code, 'invalid-request');
      assert.match(err.message, new RegExp(`^${name}: invalid request`));
      if (path !== undefined)
        assert.ok(
          err.issues?.some((i) => i.path === path),
          JSON.stringify(err.issues),
        );
      return true;
    },
  );
}

describe('the API contract', () => {
  test('every method has an input and an output schema; channels are unique', () => {
    assert.ok(methodNames.length >= 25);
    for (const name of methodNames) {
      assert.ok(methods[name].input, `${name} input`);
      assert.ok(methods[name].output, `${name} output`);
    }
    for (const h of hostMethods) assert.ok(methodNames.includes(h));
    assert.deepEqual(eventNames.sort(), Object.keys(events).sort());
  });

  test('parameterless methods accept nothing or {}, and reject extra keys', () => {
    assert.deepEqual(parseInput('getLibraryStatus', undefined), {});
    assert.deepEqual(parseInput('startScan', {}), {});
    rejects('startScan', { force: true });
    rejects('undo', []);
    rejects('undo', 'undo');
  });

  test('defaults are applied', () => {
    assert.deepEqual(parseInput('listPeople', {}), { sort: 'size', search: '', includeHidden: false });
    assert.deepEqual(parseInput('listSkipped', { limit: 5 }), { offset: 0, limit: 5 });
    assert.deepEqual(parseInput('history', {}), { limit: 50 });
  });

  test('malformed payloads are rejected with the path of each problem', () => {
    rejects('getPerson', {}, 'personId');
    rejects('getPerson', { personId: '3' }, 'personId');
    rejects('getPerson', { personId: 1.5 }, 'personId');
    rejects('getPerson', { personId: -1 }, 'personId');
    rejects('getPerson', { personId: 2 ** 40 }, 'personId');
    rejects('getPerson', null);
    rejects('listPeople', { sort: 'age' }, 'sort');
    rejects('listPeople', { search: 'x'.repeat(201) }, 'search');
    rejects('renamePerson', { personId: 1 }, 'name');
    rejects('renamePerson', { personId: 1, name: 42 }, 'name');
    rejects('mergePeople', { targetId: 1, sourceIds: [] }, 'sourceIds');
    rejects('mergePeople', { targetId: 1, sourceIds: [2, 'x'] }, 'sourceIds.1');
    rejects('moveFaces', { faceIds: [1], to: 'old' }, 'to');
    rejects('moveFaces', { faceIds: [], to: 'new' }, 'faceIds');
    rejects('splitFaces', { faceIds: [1], extra: 1 });
    rejects('setHidden', { personId: 1, hidden: 'yes' }, 'hidden');
    rejects('addFolder', { path: '   ' }, 'path');
    rejects('addFolder', { path: 7 }, 'path');
    rejects('setSettings', { threshold: 99 }, 'threshold');
    rejects('setSettings', { providers: ['cuda'] });
    rejects('listUnassigned', { limit: 0 }, 'limit');
  });

  test('valid corrections parse to exactly what the service receives', () => {
    assert.deepEqual(parseInput('moveFaces', { faceIds: [3, 4], to: 'new' }), { faceIds: [3, 4], to: 'new' });
    assert.deepEqual(parseInput('moveFaces', { faceIds: [3], to: 9 }), { faceIds: [3], to: 9 });
    assert.deepEqual(parseInput('renamePerson', { personId: 2, name: '  Ann ' }), {
      personId: 2,
      name: 'Ann',
    });
    assert.deepEqual(parseInput('renamePerson', { personId: 2, name: null }), { personId: 2, name: null });
    assert.deepEqual(parseInput('renamePerson', { personId: 2, name: '  ' }), { personId: 2, name: null });
    assert.deepEqual(parseInput('renamePerson', { personId: 2, name: 'Jose\u0301' }), {
      personId: 2,
      name: 'Jos\u00e9',
    });
  });

  test('renamePerson refuses names outside the name rule, saying why', () => {
    rejects('renamePerson', { personId: 1, name: '\u001b]0;pwned\u0007Ann' }, 'name');
    rejects('renamePerson', { personId: 1, name: 'a\u001fb' }, 'name');
    rejects('renamePerson', { personId: 1, name: 'Ann\u0000' }, 'name');
    rejects('renamePerson', { personId: 1, name: '\ud800' }, 'name');
    rejects('renamePerson', { personId: 1, name: 'x'.repeat(201) }, 'name');
    // 200 characters are 200 code points: 200 emoji (400 UTF-16 units) are a valid name.
    assert.equal(parseInput('renamePerson', { personId: 1, name: '😀'.repeat(200) }).name, '😀'.repeat(200));
    assert.throws(
      () => parseInput('renamePerson', { personId: 1, name: 'Ann\u001b[2J' }),
      (err: unknown) =>
        err instanceof ApiError &&
        /name: A name cannot contain a control character \(U\+001B\)/.test(err.message),
    );
  });

  test('media addresses are ids and known sizes only', () => {
    assert.deepEqual(parseMediaPath('face/12?s=96'), { kind: 'face', id: 12, size: 96 });
    assert.deepEqual(parseMediaPath('/photo/3?size=thumb'), { kind: 'photo', id: 3, size: 'thumb' });
    assert.deepEqual(parseMediaPath('photo/3'), { kind: 'photo', id: 3, size: 'screen' });
    for (const bad of [
      'face/12?s=97',
      'face/0',
      'face/-1',
      'face/1e3',
      'face/..%2F..%2Fetc%2Fpasswd',
      'photo/../../etc/passwd',
      'photo/3?size=huge',
      'file/3',
      'face/99999999999',
    ]) {
      assert.equal(parseMediaPath(bad), null, bad);
    }
    assert.equal(mediaPath({ kind: 'face', id: 5, size: 256 }), 'face/5?s=256');
  });
});
