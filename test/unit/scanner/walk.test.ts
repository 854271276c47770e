import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { type WalkEvent, walkImages } from '../../../electron/core/scanner/index.ts';
import { tempDir } from '../store/helpers.ts';

async function collect(roots: string[]): Promise<WalkEvent[]> {
  const out: WalkEvent[] = [];
  for await (const ev of walkImages(roots)) out.push(ev);
  return out;
}

function touch(path: string, body = 'x'): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, body);
}

describe('walkImages', () => {
  test('picks images by extension (any case), skips hidden and system folders, sorted depth-first', async (t) => {
    const root = tempDir(t, 'kith-walk-');
    for (const p of [
      'b.JPG',
      'a.jpeg',
      'notes.txt',
      '._a.jpg', // AppleDouble sidecar, not an image
      'sub/c.HEIC',
      'sub/deeper/d.webp',
      '.hidden/e.jpg',
      '.Trashes/f.jpg',
      '$RECYCLE.BIN/g.jpg',
      'System Volume Information/h.png',
      '@eaDir/i.jpg',
      'node_modules/j.jpg',
      'z.Tiff',
    ]) {
      touch(join(root, p));
    }
    const events = await collect([root]);
    const files = events.filter((e) => e.type === 'file').map((e) => relative(root, e.path));
    assert.deepEqual(files, ['a.jpeg', 'b.JPG', 'z.Tiff', 'sub/c.HEIC', 'sub/deeper/d.webp']);
    const first = events[0]!;
    assert.ok(first.type === 'file' && first.size === 1 && first.mtimeMs > 0 && first.root === root);
  });

  test('picks up camera RAW files (CR2, CR3, NEF, ARW, RAF, ORF, RW2, DNG) in any case', async (t) => {
    const root = tempDir(t, 'kith-walk-');
    const raws = ['a.CR2', 'b.cr3', 'c.NEF', 'd.arw', 'e.RAF', 'f.orf', 'g.RW2', 'h.dng'];
    for (const p of [...raws, 'i.xmp', 'j.thm']) touch(join(root, p));
    const events = await collect([root]);
    assert.deepEqual(
      events.filter((e) => e.type === 'file').map((e) => relative(root, e.path)),
      raws,
    );
  });

  test('follows symlinks but survives loops and never walks a folder twice', async (t) => {
    const root = tempDir(t, 'kith-walk-');
    const outside = tempDir(t, 'kith-walk-out-');
    touch(join(root, 'a/1.jpg'));
    touch(join(outside, '2.jpg'));
    symlinkSync(root, join(root, 'a/loop')); // a/loop → root
    symlinkSync(join(root, 'a'), join(root, 'b-again')); // second path to a/
    symlinkSync(outside, join(root, 'c-linked')); // a folder outside the root
    symlinkSync(join(root, 'missing.jpg'), join(root, 'dangling.jpg'));
    const events = await collect([root, join(root, 'a')]); // overlapping roots too
    const files = events.filter((e) => e.type === 'file').map((e) => relative(root, e.path));
    assert.deepEqual(files, ['a/1.jpg', 'c-linked/2.jpg']);
    const errors = events.filter((e) => e.type === 'error');
    assert.deepEqual(
      errors.map((e) => [relative(root, e.path), e.type === 'error' && e.code]),
      [['dangling.jpg', 'ENOENT']],
    );
  });

  test('a root that is missing or not a folder is reported, and the walk goes on', async (t) => {
    const root = tempDir(t, 'kith-walk-');
    touch(join(root, 'ok.png'));
    touch(join(root, 'file.jpg'));
    const events = await collect([join(root, 'nope'), join(root, 'file.jpg'), root]);
    assert.deepEqual(
      events.map((e) => (e.type === 'error' ? `${e.target}:${e.code}` : relative(root, e.path))),
      ['root:ENOENT', 'root:ENOTDIR', 'file.jpg', 'ok.png'],
    );
  });

  test('an unreadable folder is reported, not fatal', {
    skip: process.getuid?.() === 0 && 'root reads any folder',
  }, async (t) => {
    const { chmodSync } = await import('node:fs');
    const root = tempDir(t, 'kith-walk-');
    touch(join(root, 'locked/x.jpg'));
    touch(join(root, 'open/y.jpg'));
    chmodSync(join(root, 'locked'), 0);
    t.after(() => chmodSync(join(root, 'locked'), 0o755));
    const events = await collect([root]);
    assert.deepEqual(
      events.map((e) => (e.type === 'error' ? `${e.target}:${e.code}` : relative(root, e.path))),
      ['dir:EACCES', 'open/y.jpg'],
    );
  });
});
