// The utility-process side of the Electron shell, in plain Node: a fake parentPort stands in for
// Electron's, and the messages of service-protocol.ts go through the real service.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { FromService, ToService } from '../../../electron/shell/service-protocol.ts';

const sent: FromService[] = [];
const listeners: Array<(e: { data: ToService }) => void> = [];
(process as unknown as { parentPort: unknown }).parentPort = {
  on: (_event: 'message', fn: (e: { data: ToService }) => void) => listeners.push(fn),
  postMessage: (m: FromService) => sent.push(m),
};
await import('../../../electron/shell/service-process.ts');

const root = await mkdtemp(join(tmpdir(), 'kith-utility-'));
after(() => rm(root, { recursive: true, force: true }));

const post = (m: ToService) => {
  for (const l of listeners) l({ data: m });
};
async function next<T extends FromService['type']>(
  type: T,
  match: (m: Extract<FromService, { type: T }>) => boolean = () => true,
): Promise<Extract<FromService, { type: T }>> {
  const end = Date.now() + 5000;
  for (;;) {
    const i = sent.findIndex((m) => m.type === type && match(m as Extract<FromService, { type: T }>));
    if (i >= 0) return sent.splice(i, 1)[0] as Extract<FromService, { type: T }>;
    if (Date.now() > end) throw new Error(`no ${type} message`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('init, calls (valid and malformed), events and media over the utility protocol', async () => {
  post({ type: 'init', libraryDir: join(root, 'library') });
  await next('ready');

  post({ type: 'call', id: 1, method: 'getLibraryStatus', input: {} });
  const status = await next('result', (m) => m.id === 1);
  assert.equal(status.envelope.ok, true);

  post({ type: 'call', id: 2, method: 'getPerson', input: { personId: 'x' } });
  const bad = await next('result', (m) => m.id === 2);
  assert.equal(bad.envelope.ok, false);
  if (!bad.envelope.ok) assert.equal(bad.envelope.error.code, 'invalid-request');

  const folder = join(root, 'photos');
  await mkdir(folder);
  post({ type: 'call', id: 3, method: 'addFolder', input: { path: folder } });
  assert.equal((await next('result', (m) => m.id === 3)).envelope.ok, true);
  const event = await next('event');
  assert.deepEqual(event, {
    type: 'event',
    name: 'libraryChanged',
    payload: { reason: 'folders', personIds: [] },
  });

  post({ type: 'media', id: 4, request: { kind: 'face', id: 12345, size: 160 } });
  const media = await next('media', (m) => m.id === 4);
  assert.equal(media.ok, false);
  if (!media.ok) assert.equal(media.error.code, 'not-found');
});
