// Another process writes to the library while the service runs (the `kith` CLI renaming or merging
// while the app is open): the service notices, reads again, and tells the window.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { ServiceEvent } from '../../../electron/core/service/library-service.ts';
import { repoRoot } from '../../helpers/shared.ts';
import { type ApiFixture, apiCaller, buildApiFixture } from './fixtures.ts';

const run = promisify(execFile);
const kith = (args: string[]) =>
  run(process.execPath, [join(repoRoot, 'bin/kith.js'), ...args, '--library', fx.libraryDir]);

let fx: ApiFixture;
before(async () => {
  fx = await buildApiFixture();
});
after(async () => {
  await fx.close();
});

const { call } = apiCaller(() => fx);

test('renames and merges by the kith CLI reach the running service and its window', {
  timeout: 60_000,
}, async () => {
  const before = await call('listPeople', {});
  assert.equal(before.total, 3);
  const [a, b, c] = before.people.map((p) => p.id) as [number, number, number];
  const events: ServiceEvent[] = [];
  fx.service.on((e) => events.push(e));

  // Nobody asks: the service notices by itself and pushes libraryChanged.
  await kith(['person', 'rename', String(a), 'Ann']);
  const deadline = Date.now() + 5000;
  while (!events.some((e) => e.name === 'libraryChanged') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(
    events.filter((e) => e.name === 'libraryChanged').map((e) => e.payload),
    [{ reason: 'outside', personIds: [] }],
  );
  assert.equal((await call('getPerson', { personId: a })).person.name, 'Ann');
  assert.equal((await call('listPeople', { search: 'ann' })).people[0]?.id, a);

  // Asked at once after the write: the answer is already the new one.
  await kith(['person', 'merge', String(b), String(c)]);
  const after = await call('listPeople', {});
  assert.equal(after.total, 2);
  assert.equal((await call('getLibraryStatus')).people, 2);
  assert.ok(!after.people.some((p) => p.id === c));
});
