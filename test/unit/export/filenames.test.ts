import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tempPathFor } from '../../../electron/core/export/atomic.ts';
import { cutUtf8, safeFileName, safeName } from '../../../electron/core/export/filenames.ts';
import { personFolderName } from '../../../electron/core/export/folders.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('file names', () => {
  test('cutUtf8 cuts by bytes on a character boundary, never inside a character or an emoji', () => {
    assert.equal(cutUtf8('abc', 2), 'ab');
    assert.equal(cutUtf8('王王王', 8), '王王'); // 3 bytes each: a third would need 9
    const family = '👨‍👩‍👧'; // one grapheme of 18 bytes (three emoji joined by ZWJ)
    assert.equal(cutUtf8(`a${family}`, 18), 'a');
    assert.equal(cutUtf8(`a${family}`, 19), `a${family}`);
    assert.equal(cutUtf8('é', 1), ''); // e + combining acute: cut whole or not at all
  });

  test('person folders: 84 CJK characters and more fit 255 bytes and keep the id', () => {
    for (const name of ['王'.repeat(84), '王'.repeat(300), '😀'.repeat(100), 'a'.repeat(400)]) {
      const dir = personFolderName(123456, name);
      assert.ok(bytes(dir) <= 255, `${bytes(dir)} bytes`);
      assert.ok(dir.endsWith(' (#123456)'), dir);
      assert.ok(bytes(dir) > 240, 'uses the room there is');
    }
    assert.equal(personFolderName(7, 'Ann'), 'Ann (#7)');
    assert.equal(personFolderName(7, null), 'Person 7 (#7)');
    assert.equal(personFolderName(7, '../..'), '_ (#7)');
  });

  test('safeName strips separators and reserved characters; safeFileName keeps extension and tag', () => {
    assert.equal(safeName('a/b\\c:d*e?'), 'a_b_c_d_e_');
    const long = `${'写真'.repeat(80)}.jpeg`;
    const f = safeFileName(long, '-42');
    assert.ok(bytes(f) <= 255);
    assert.ok(f.endsWith('-42.jpeg'), f);
    assert.equal(safeFileName('IMG_1.jpg'), 'IMG_1.jpg');
  });

  test('a temp name for a 255-byte target fits 255 bytes too', () => {
    const target = `/x/${'写'.repeat(85)}`; // 255 bytes
    const name = tempPathFor(target).slice(3);
    assert.ok(bytes(name) <= 255, `${bytes(name)} bytes`);
    assert.match(name, /^\.写+\.kith-tmp-\d+-\d+$/);
  });
});
