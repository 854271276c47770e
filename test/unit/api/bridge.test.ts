import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Bridge, startBridge } from '../../../dev/bridge.ts';
import { type ApiFixture, buildApiFixture } from './fixtures.ts';
import { fetchEventSource } from './sse.ts';

let fx: ApiFixture;
let bridge: Bridge;
let staticDir: string;

before(async () => {
  fx = await buildApiFixture();
  staticDir = join(fx.root, 'dist');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Kith</title>');
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(fx.root, 'secret.txt'), 'secret');
  bridge = await startBridge({ service: fx.service, staticDir, validateOutput: true, onError: () => {} });
});
after(async () => {
  await bridge.close();
  await fx.close();
});

const auth = () => ({ authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json' });

async function post(method: string, body: string | undefined, headers: Record<string, string> = auth()) {
  const res = await fetch(`${bridge.origin}/api/${method}`, {
    method: 'POST',
    headers,
    ...(body === undefined ? {} : { body }),
  });
  return {
    status: res.status,
    json: (await res.json()) as {
      ok: boolean;
      value?: unknown;
      error?: { code: string; message: string; issues?: unknown[] };
    },
  };
}

/** A raw request with a chosen Host header (fetch does not allow setting it). */
function rawGet(path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP bridge', () => {
  test('listens on 127.0.0.1 with a long random token', () => {
    assert.match(bridge.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(bridge.token, /^[0-9a-f]{64}$/);
    assert.equal(bridge.url, `${bridge.origin}/#token=${bridge.token}`);
  });

  test('every API call and image needs the token', async () => {
    assert.equal((await post('getLibraryStatus', '{}', { 'content-type': 'application/json' })).status, 401);
    const wrong = await post('getLibraryStatus', '{}', {
      authorization: `Bearer ${'0'.repeat(64)}`,
      'content-type': 'application/json',
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error?.code, 'unauthorized');
    const face = fx.faces[0]![0]!;
    assert.equal((await fetch(`${bridge.origin}/media/face/${face}?s=96`)).status, 401);
    assert.equal((await fetch(`${bridge.origin}/api/events`)).status, 401);
    const ok = await fetch(`${bridge.origin}/media/face/${face}?s=96&token=${bridge.token}`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'image/webp');
  });

  test('requests for another host name are refused (DNS rebinding)', async () => {
    assert.equal(await rawGet('/', 'evil.example:80'), 421);
    assert.equal(await rawGet('/', `localhost:${bridge.port}`), 200);
  });

  test('malformed requests are 400s with an error, and the server keeps serving', async () => {
    const notJson = await post('getPerson', '{"personId":');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.json.error?.code, 'invalid-request');
    const wrongType = await post('getPerson', '{"personId":"1"}');
    assert.equal(wrongType.status, 400);
    assert.ok(Array.isArray(wrongType.json.error?.issues));
    const noJsonType = await post('getLibraryStatus', '{}', {
      authorization: `Bearer ${bridge.token}`,
      'content-type': 'text/plain',
    });
    assert.equal(noJsonType.status, 400);
    const huge = await post(
      'renamePerson',
      JSON.stringify({ personId: 1, name: 'x'.repeat(2 * 1024 * 1024) }),
    );
    assert.equal(huge.status, 400);
    assert.equal((await post('dropTables', '{}')).status, 404);
    assert.equal((await post('toString', '{}')).status, 404);
    assert.equal((await post('__proto__', '{}')).status, 404);
    const get = await fetch(`${bridge.origin}/api/getLibraryStatus`, { headers: auth() });
    assert.equal(get.status, 405);
    const status = await post('getLibraryStatus', undefined);
    assert.equal(status.status, 200);
    assert.equal(status.json.ok, true);
  });

  test('errors from the core keep their meaning: not-found 404, conflict 409, unsupported 501', async () => {
    assert.equal((await post('getPerson', '{"personId":4242}')).status, 404);
    const p = fx.service.library.read.getAssignment(fx.faces[0]![0]!)!.personId;
    assert.equal((await post('mergePeople', JSON.stringify({ targetId: p, sourceIds: [p] }))).status, 409);
    assert.equal((await post('chooseFolders', '{}')).status, 501);
  });

  test('media is served by id only: no path, no traversal, no unknown ids', async () => {
    const t = `token=${bridge.token}`;
    for (const path of [
      `/media/face/abc?${t}`,
      `/media/face/1?s=1000&${t}`,
      `/media/file/1?${t}`,
      `/media/photo/..%2F..%2Fsecret.txt?${t}`,
      `/media/photo/${encodeURIComponent(join(fx.root, 'secret.txt'))}?${t}`,
    ]) {
      const res = await fetch(`${bridge.origin}${path}`);
      assert.ok(res.status === 400 || res.status === 404, `${path}: ${res.status}`);
      assert.doesNotMatch(await res.text(), /secret/);
    }
    assert.equal((await fetch(`${bridge.origin}/media/photo/999999?${t}`)).status, 404);
    const photo = await fetch(`${bridge.origin}/media/photo/${fx.photoIds[0]}?size=thumb&${t}`);
    assert.equal(photo.status, 200);
    assert.equal(photo.headers.get('content-type'), 'image/jpeg');
  });

  test('the static UI is served with a strict CSP, confined to its folder', async () => {
    const index = await fetch(`${bridge.origin}/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'none'.*script-src 'self'/);
    assert.equal((await fetch(`${bridge.origin}/assets/app.js`)).status, 200);
    assert.equal(
      (await fetch(`${bridge.origin}/people/3`)).status,
      200,
      'app routes fall back to index.html',
    );
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/missing.js']) {
      const res = await fetch(`${bridge.origin}${p}`);
      assert.equal(res.status, 404, p);
    }
    assert.equal(await rawGet('/../secret.txt', `127.0.0.1:${bridge.port}`), 404);
  });

  test('events stream over SSE with the token', async () => {
    const es = fetchEventSource(`${bridge.origin}/api/events?token=${bridge.token}`);
    await es.ready;
    const got = new Promise<string>((resolve) =>
      es.addEventListener('libraryChanged', (e) => resolve(e.data)),
    );
    const p = fx.service.library.read.getAssignment(fx.faces[1]![0]!)!.personId;
    assert.equal((await post('renamePerson', JSON.stringify({ personId: p, name: 'Bo' }))).status, 200);
    assert.deepEqual(JSON.parse(await got), { reason: 'correction', personIds: [p] });
    es.close();
  });
});
