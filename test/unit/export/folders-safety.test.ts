// The folders export never harms the user's files (issue 12, items 1, 2 and 4): a copy is a copy, a
// symlink or a foreign file in the target is never followed, removed or overwritten, and one bad entry
// (a long non-Latin name, a vanished photo) does not abort the rest.
import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  collectFaces,
  exportFolders,
  MANIFEST_FILE,
  personFolderName,
  runExport,
} from '../../../electron/core/export/index.ts';
import { Corrections } from '../../../electron/core/people/corrections.ts';
import { needShared } from '../../helpers/shared.ts';
import { buildFixture, type Fixture } from './fixture.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('folders export safety', { skip: needShared }, () => {
  let fx: Fixture;
  let scratch: string;
  before(async () => {
    fx = await buildFixture({ people: true });
    scratch = mkdtempSync(join(tmpdir(), 'kith-folders-'));
  });
  after(() => {
    fx?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const obamaDir = () => {
    const f = collectFaces(fx.library.read).find((x) => x.personName === 'Barack Obama')!;
    return personFolderName(f.personId, f.personName);
  };

  test('a copy export after a hard-link export replaces every link: editing a copy leaves the original', () => {
    const out = join(scratch, 'copy-after-hard');
    const faces = collectFaces(fx.library.read);
    const hard = exportFolders(faces, out, 'hard');
    assert.equal(hard.linked.hard, 4);
    const copy = exportFolders(faces, out, 'copy');
    assert.deepEqual(copy.linked, { hard: 0, symlink: 0, copy: 4 });
    for (const f of faces) {
      const exported = join(out, personFolderName(f.personId, f.personName), f.path.split('/').pop()!);
      assert.notEqual(
        statSync(exported).ino,
        statSync(f.path).ino,
        `${exported} shares the original's inode`,
      );
    }
    const original = fx.paths['obama1.jpg']!;
    const before = readFileSync(original);
    writeFileSync(join(out, obamaDir(), 'obama1.jpg'), 'edited copy');
    assert.deepEqual(readFileSync(original), before, 'the original photo was changed through the copy');
    // Back to hard links: Kith's own copies are replaced; the one the user edited is theirs now.
    const back = exportFolders(faces, out, 'hard');
    assert.equal(back.linked.hard, 3);
    assert.deepEqual(
      back.conflicts.map((c) => c.path),
      [join(out, obamaDir(), 'obama1.jpg')],
    );
    assert.equal(readFileSync(join(out, obamaDir(), 'obama1.jpg'), 'utf8'), 'edited copy');
  });

  test('a planted manifest and a symlink in the target never make the export delete outside it', () => {
    const out = join(scratch, 'planted');
    const elsewhere = join(scratch, 'elsewhere');
    mkdirSync(out, { recursive: true });
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(elsewhere, 'important.txt'), 'keep me');
    writeFileSync(join(elsewhere, 'own.txt'), 'also mine');
    symlinkSync(elsewhere, join(out, 'evil'));
    // The user's own file inside the target, listed too: Kith did not write it, so it stays.
    mkdirSync(join(out, 'Notes'));
    writeFileSync(join(out, 'Notes', 'diary.txt'), 'dear diary');
    for (const manifest of [
      { schema: 'kith.folders', version: 1, files: ['evil/important.txt', 'Notes/diary.txt'] },
      {
        schema: 'kith.folders',
        version: 2,
        files: ['evil/own.txt', 'Notes/diary.txt'],
        // evil/own.txt as it is (but through a symlink); Notes/diary.txt as a file Kith once made there,
        // since replaced by the user's.
        entries: [
          { path: 'evil/own.txt', bump: 0n },
          { path: 'Notes/diary.txt', bump: 1n },
        ].map(({ path, bump }) => {
          const s = statSync(join(out, path), { bigint: true });
          return {
            path,
            kind: 'copy',
            src: '/nowhere',
            dev: String(s.dev),
            ino: String(s.ino + bump),
            size: String(s.size),
            mtimeNs: String(s.mtimeNs),
          };
        }),
        dirs: ['evil', 'Notes'],
      },
    ]) {
      writeFileSync(join(out, MANIFEST_FILE), JSON.stringify(manifest));
      const r = exportFolders(collectFaces(fx.library.read), out, 'hard');
      assert.equal(r.files, 4);
    }
    assert.equal(readFileSync(join(elsewhere, 'important.txt'), 'utf8'), 'keep me');
    assert.equal(readFileSync(join(elsewhere, 'own.txt'), 'utf8'), 'also mine');
    assert.ok(lstatSync(join(out, 'evil')).isSymbolicLink(), 'the symlink itself is left alone');
    assert.equal(readFileSync(join(out, 'Notes', 'diary.txt'), 'utf8'), 'dear diary');
  });

  test("stale entries: Kith's own go, a copy the user edited stays, with its folder", () => {
    const out = join(scratch, 'stale');
    const oldDir = obamaDir();
    exportFolders(collectFaces(fx.library.read), out, 'copy');
    writeFileSync(join(out, oldDir, 'obama1.jpg'), 'my edit');
    const corrections = new Corrections(fx.library);
    const obama = collectFaces(fx.library.read).find((x) => x.personName === 'Barack Obama')!;
    corrections.renamePerson(obama.personId, 'Barack H. Obama');
    try {
      const r = exportFolders(collectFaces(fx.library.read), out, 'copy');
      assert.equal(r.removed, 1);
      assert.deepEqual(readdirSync(join(out, oldDir)), ['obama1.jpg']);
      assert.equal(readFileSync(join(out, oldDir, 'obama1.jpg'), 'utf8'), 'my edit');
      assert.equal(r.files, 4);
    } finally {
      corrections.undo();
    }
    // Back to the old name: the edited file is in the way of its photo, reported; the folder is reused.
    const r = exportFolders(collectFaces(fx.library.read), out, 'copy');
    assert.deepEqual(
      r.conflicts.map((c) => c.path),
      [join(out, oldDir, 'obama1.jpg')],
    );
    assert.ok(!readdirSync(out).some((d) => d.startsWith('Barack H. Obama')), 'the renamed folder went');
  });

  test('a symlinked person folder is not written through, and is reported as a conflict', () => {
    const out = join(scratch, 'symlinked-person');
    const elsewhere = join(scratch, 'elsewhere-person');
    mkdirSync(out, { recursive: true });
    mkdirSync(elsewhere, { recursive: true });
    symlinkSync(elsewhere, join(out, obamaDir()));
    const r = exportFolders(collectFaces(fx.library.read), out, 'copy');
    assert.deepEqual(readdirSync(elsewhere), [], 'the export wrote outside --out');
    assert.equal(r.files, 2, 'the other people are exported');
    assert.deepEqual(
      r.conflicts.map((c) => c.path),
      [join(out, obamaDir())],
    );
    assert.match(r.conflicts[0]!.message, /symbolic link/);
  });

  test("a user's own file at an export path is never overwritten: a conflict, and the rest goes on", () => {
    const out = join(scratch, 'user-file');
    const mine = join(out, obamaDir(), 'obama1.jpg');
    mkdirSync(join(out, obamaDir()), { recursive: true });
    writeFileSync(mine, 'my own notes, not a photo');
    for (const mode of ['hard', 'copy'] as const) {
      const r = exportFolders(collectFaces(fx.library.read), out, mode);
      assert.equal(readFileSync(mine, 'utf8'), 'my own notes, not a photo', mode);
      assert.equal(r.files, 3, mode);
      assert.deepEqual(
        r.conflicts.map((c) => c.path),
        [mine],
        mode,
      );
    }
    // Once the user moves their file away, the next export fills the place.
    rmSync(mine);
    const r = exportFolders(collectFaces(fx.library.read), out, 'hard');
    assert.equal(r.files, 4);
    assert.equal(statSync(mine).ino, statSync(fx.paths['obama1.jpg']!).ino);
  });

  test('a long non-Latin name is cut by UTF-8 bytes, keeps its id, and exports', async () => {
    const out = join(scratch, 'long-name');
    const obama = collectFaces(fx.library.read).find((x) => x.personName === 'Barack Obama')!;
    const corrections = new Corrections(fx.library);
    corrections.renamePerson(obama.personId, `${'王'.repeat(100)}😀😀😀`);
    try {
      const r = await runExport(fx.library.read, { format: 'folders', out, link: 'hard' });
      assert.equal(r.format === 'folders' && r.files, 4);
      const dir = readdirSync(out).find((d) => d.startsWith('王'))!;
      assert.ok(dir, 'the long-named person has a folder');
      assert.ok(bytes(dir) <= 255, `${bytes(dir)} bytes`);
      assert.ok(dir.endsWith(` (#${obama.personId})`), dir);
      assert.deepEqual(readdirSync(join(out, dir)).sort(), ['obama1.jpg', 'obama_and_biden.jpg']);
    } finally {
      corrections.undo();
    }
  });

  test('a photo that vanished is one failed entry; the others are exported', () => {
    const out = join(scratch, 'vanished');
    const faces = collectFaces(fx.library.read);
    const gone = join(scratch, 'gone.jpg');
    const withGone = [...faces, { ...faces[0]!, photoId: 999, path: gone }];
    const r = exportFolders(withGone, out, 'hard');
    assert.equal(r.files, 4);
    assert.deepEqual(
      r.failed.map((f) => f.path),
      [join(out, personFolderName(faces[0]!.personId, faces[0]!.personName), 'gone.jpg')],
    );
    assert.match(r.failed[0]!.message, /does not exist/);
    assert.ok(existsSync(join(out, MANIFEST_FILE)));
  });
});
