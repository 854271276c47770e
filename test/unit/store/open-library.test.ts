// What opening a library refuses, and that refusing writes nothing: a library from a newer Kith, a
// folder with no library (only `create` makes one), an empty or damaged library.sqlite.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  LIBRARY_FILE,
  LibraryDamagedError,
  LibraryMissingError,
  LibraryTooNewError,
  openLibrary,
  openLibraryReadonly,
  SCHEMA_VERSION,
} from '../../../electron/core/store/index.ts';
import { tempDir } from './helpers.ts';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('opening a library', () => {
  test('a library from a newer Kith is refused before anything is written to it', (t) => {
    const dir = tempDir(t);
    const file = join(dir, LIBRARY_FILE);
    // A newer Kith's library as it lies on disk after that Kith closed it (rollback journal).
    const raw = new Database(file);
    raw.exec('CREATE TABLE future (x INTEGER); INSERT INTO future VALUES (1);');
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = sha256(file);
    assert.throws(() => openLibrary(dir), LibraryTooNewError);
    assert.throws(() => openLibrary(dir, { create: true }), LibraryTooNewError);
    assert.throws(() => openLibraryReadonly(dir), LibraryTooNewError);
    assert.equal(sha256(file), before, 'the file is byte for byte what it was');
    assert.deepEqual(readdirSync(dir), [LIBRARY_FILE], 'no WAL or journal left beside it');
  });

  test('a folder without a library is an error unless asked to create one, and stays untouched', (t) => {
    const dir = join(tempDir(t), 'typo');
    assert.throws(
      () => openLibrary(dir),
      (err: unknown) =>
        err instanceof LibraryMissingError && /No Kith library at .*kith scan/.test(err.message),
    );
    assert.throws(() => openLibraryReadonly(dir), LibraryMissingError);
    assert.equal(existsSync(dir), false, 'no folder was made');
    const lib = openLibrary(dir, { create: true });
    assert.deepEqual(lib.migrated, { from: 0, to: SCHEMA_VERSION });
    lib.close();
    assert.deepEqual(readdirSync(dir), [LIBRARY_FILE], 'only the library, no temporary file left');
  });

  test('an empty (0-byte) library.sqlite is reported, never replaced by a new library', (t) => {
    const dir = tempDir(t);
    const file = join(dir, LIBRARY_FILE);
    writeFileSync(file, '');
    for (const open of [
      () => openLibrary(dir),
      () => openLibrary(dir, { create: true }),
      () => openLibraryReadonly(dir),
    ]) {
      assert.throws(
        open,
        (err: unknown) => err instanceof LibraryDamagedError && /empty \(0 bytes\)/.test(err.message),
      );
    }
    assert.equal(readFileSync(file).length, 0, 'still the same empty file');
  });

  test('a damaged file or another program’s database is reported with what to do', (t) => {
    const dir = tempDir(t);
    const file = join(dir, LIBRARY_FILE);
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    const before = sha256(file);
    for (const open of [() => openLibrary(dir, { create: true }), () => openLibraryReadonly(dir)]) {
      assert.throws(
        open,
        (err: unknown) =>
          err instanceof LibraryDamagedError &&
          /not a library or is damaged.*Restore it from a backup/.test(err.message),
      );
    }
    assert.equal(sha256(file), before);

    const other = join(tempDir(t), LIBRARY_FILE);
    const db = new Database(other);
    db.exec('CREATE TABLE notes (body TEXT)');
    db.close();
    assert.throws(() => openLibrary(join(other, '..')), /not a Kith library/);
  });
});
