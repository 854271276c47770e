import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  LIBRARY_FILE,
  LibraryTooNewError,
  type Migration,
  migrate,
  migrations,
  openLibrary,
  openLibraryReadonly,
  SCHEMA_VERSION,
  schemaVersion,
} from '../../../electron/core/store/index.ts';
import { tempDir } from './helpers.ts';

/**
 * Per schema version: rows to insert into a database at that version, and checks that must hold after
 * migrating it to the next version. Add an entry with every new migration.
 */
const fixtures: Record<number, { seed(db: Database.Database): void; check(db: Database.Database): void }> = {
  // v0 = an empty file; after v1 every table exists and accepts rows.
  0: {
    seed() {},
    check(db) {
      const tables = db
        .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();
      for (const t of [
        'assignments',
        'constraints',
        'corrections',
        'faces',
        'models',
        'people',
        'photos',
        'scan_jobs',
        'settings',
      ]) {
        assert.ok(tables.includes(t), `table ${t} exists`);
      }
      db.exec(`
        INSERT INTO photos (path, size, mtime_ms, status, created_at, updated_at) VALUES ('/a.jpg', 1, 1, 'pending', 0, 0);
        INSERT INTO people (name, created_at, updated_at) VALUES ('Ann', 0, 0);
        INSERT INTO corrections (op, payload, undo, created_at) VALUES ('rename', '{}', '{}', 0);
        INSERT INTO settings (key, value) VALUES ('k', '{"a":1}');
        INSERT INTO models (id, sha256, file, added_at) VALUES ('m', '${'a'.repeat(64)}', 'm.onnx', 0);
        INSERT INTO scan_jobs (roots, state, started_at, updated_at) VALUES ('["/"]', 'running', 0, 0);
      `);
      assert.throws(
        () =>
          db.exec(
            `INSERT INTO photos (path, size, mtime_ms, status, created_at, updated_at) VALUES ('/b', 1, 1, 'odd', 0, 0)`,
          ),
        /CHECK constraint failed/,
      );
      assert.throws(() => db.exec(`INSERT INTO settings (key, value) VALUES ('bad', 'not json')`), /CHECK/);
    },
  },
  // v1 → v2: review indexes; existing assignments keep working and the review query uses them.
  1: {
    seed(db) {
      db.exec(`
        INSERT INTO photos (id, path, size, mtime_ms, status, created_at, updated_at) VALUES (1, '/a.jpg', 1, 1, 'analyzed', 0, 0);
        INSERT INTO faces (id, photo_id, source, x, y, w, h, created_at) VALUES (1, 1, 'manual', 0, 0, 10, 10, 0);
        INSERT INTO people (id, name, created_at, updated_at) VALUES (1, 'Ann', 0, 0);
        INSERT INTO assignments (face_id, person_id, source, confidence, assigned_at) VALUES (1, 1, 'auto', 0.3, 0);
      `);
    },
    check(db) {
      const plan = db
        .prepare<[], { detail: string }>(
          `EXPLAIN QUERY PLAN SELECT face_id FROM assignments
           WHERE person_id = 1 AND source = 'auto' AND confidence IS NOT NULL ORDER BY confidence LIMIT 10`,
        )
        .all()
        .map((r) => r.detail)
        .join(' | ');
      assert.match(plan, /assignments_auto_by_person_confidence/);
      assert.equal(db.prepare<[], number>('SELECT count(*) FROM assignments').pluck().get(), 1);
    },
  },
  // v2 → v3: faces.noise; existing faces read as not measured (NULL), new ones store it, ≥ 0 only.
  2: {
    seed(db) {
      db.exec(`
        INSERT INTO photos (id, path, size, mtime_ms, status, created_at, updated_at) VALUES (1, '/a.jpg', 1, 1, 'analyzed', 0, 0);
        INSERT INTO faces (id, photo_id, source, x, y, w, h, created_at) VALUES (1, 1, 'manual', 0, 0, 10, 10, 0);
      `);
    },
    check(db) {
      assert.equal(db.prepare<[], number | null>('SELECT noise FROM faces WHERE id = 1').pluck().get(), null);
      db.exec(
        `INSERT INTO faces (id, photo_id, source, x, y, w, h, noise, created_at) VALUES (2, 1, 'manual', 0, 0, 10, 10, 0.05, 0)`,
      );
      assert.equal(db.prepare<[], number>('SELECT noise FROM faces WHERE id = 2').pluck().get(), 0.05);
      assert.throws(() => db.exec(`UPDATE faces SET noise = -1 WHERE id = 2`), /CHECK constraint failed/);
    },
  },
};

function freshDb(t: { after(fn: () => void): void }): Database.Database {
  let db: Database.Database | undefined;
  // Registered first so it runs before tempDir's cleanup: close, then delete.
  t.after(() => db?.close());
  db = new Database(join(tempDir(t), LIBRARY_FILE));
  return db;
}

describe('migrations', () => {
  test('the migration list is 1..N and every version has a fixture', () => {
    assert.equal(SCHEMA_VERSION, migrations.length);
    migrations.forEach((m, i) => {
      assert.equal(m.version, i + 1);
      assert.ok(fixtures[m.version - 1], `fixture for upgrading from v${m.version - 1}`);
    });
  });

  for (const m of migrations) {
    test(`v${m.version - 1} → v${m.version}: rows survive and the new schema holds`, (t) => {
      const db = freshDb(t);
      db.pragma('foreign_keys = ON');
      migrate(db, migrations, m.version - 1);
      const f = fixtures[m.version - 1]!;
      f.seed(db);
      assert.deepEqual(migrate(db, migrations, m.version), { from: m.version - 1, to: m.version });
      assert.equal(schemaVersion(db), m.version);
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys back on');
      f.check(db);
      assert.deepEqual(db.pragma('foreign_key_check'), []);
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    });
  }

  test('pending migrations run in one transaction: a failure leaves the old version untouched', (t) => {
    const db = freshDb(t);
    const good: Migration = { version: 1, up: (d) => d.exec('CREATE TABLE a (x INTEGER)') };
    const bad: Migration = {
      version: 2,
      up: (d) => {
        d.exec('CREATE TABLE b (x INTEGER)');
        throw new Error('boom');
      },
    };
    assert.throws(() => migrate(db, [good, bad]), /boom/);
    assert.equal(schemaVersion(db), 0);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all();
    assert.deepEqual(tables, [], 'neither table was created');
  });

  test('a gap in the migration list is rejected', (t) => {
    const db = freshDb(t);
    const m: Migration = { version: 2, up: () => {} };
    assert.throws(() => migrate(db, [m]), /not 1\.\.N/);
  });

  test('refuses a library from a newer Kith, with a clear error, and leaves it unchanged', (t) => {
    const dir = tempDir(t);
    const raw = new Database(join(dir, LIBRARY_FILE));
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    assert.throws(
      () => openLibrary(dir),
      (err: unknown) =>
        err instanceof LibraryTooNewError &&
        err.dbVersion === SCHEMA_VERSION + 1 &&
        /newer|Update Kith/.test(err.message),
    );
    assert.throws(() => openLibraryReadonly(dir), LibraryTooNewError);
    const after = new Database(join(dir, LIBRARY_FILE), { readonly: true });
    assert.equal(schemaVersion(after), SCHEMA_VERSION + 1);
    after.close();
  });

  test('openLibrary creates the folder, sets WAL and foreign keys, and reopens without migrating', (t) => {
    const dir = join(tempDir(t), 'nested', 'lib');
    const lib = openLibrary(dir, { create: true });
    assert.deepEqual(lib.migrated, { from: 0, to: SCHEMA_VERSION });
    assert.equal(lib.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(lib.db.pragma('foreign_keys', { simple: true }), 1);
    assert.ok((lib.db.pragma('busy_timeout', { simple: true }) as number) > 0);
    lib.close();
    const again = openLibrary(dir);
    assert.deepEqual(again.migrated, { from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    again.close();
    const ro = openLibraryReadonly(dir);
    assert.deepEqual(ro.read.listPeople(), []);
    ro.close();
  });
});
