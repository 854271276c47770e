// Model download against a local HTTP server on 127.0.0.1 serving ../shared/models. No test
// reaches beyond 127.0.0.1.
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DownloadError,
  type DownloadProgress,
  downloadModel,
  sha256File,
} from '../../../ml/models/download.ts';
import { needShared, sharedModelsDir } from '../../helpers/shared.ts';

const MODEL = 'yunet_n_dynamic.onnx';
// From ../shared/models/README.md.
const MODEL_SHA256 = '104ee26c71d5c270ce79a6b3dced91c91013260d29a6bf18f9296c5b8c4c2b12';

describe('downloadModel', { skip: needShared }, () => {
  let server: Server;
  let base = '';
  let work = '';
  let size = 0;
  const stalled = new Set<ServerResponse>();

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'kith-download-'));
    size = (await stat(join(sharedModelsDir, MODEL))).size;
    server = createServer((req, res) => {
      const [, route, file] = (req.url ?? '').split('/');
      const path = join(sharedModelsDir, file ?? '');
      if (!file || file.includes('..') || !file.endsWith('.onnx')) {
        res.writeHead(404).end('not found');
        return;
      }
      stat(path).then(
        (st) => {
          if (route === 'files') {
            res.writeHead(200, { 'content-length': st.size, 'content-type': 'application/octet-stream' });
            createReadStream(path).pipe(res);
          } else if (route === 'chunked') {
            // No Content-Length: Node sends chunked transfer encoding.
            res.writeHead(200, { 'content-type': 'application/octet-stream' });
            createReadStream(path).pipe(res);
          } else if (route === 'stall') {
            // Announce the whole file, send 64 KiB, then hang until the client gives up.
            res.writeHead(200, { 'content-length': st.size });
            createReadStream(path, { end: 65_535 }).on('data', (chunk) => res.write(chunk));
            stalled.add(res);
          } else {
            res.writeHead(404).end('not found');
          }
        },
        () => res.writeHead(404).end('not found'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const res of stalled) res.destroy();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** A fresh empty folder per test, so "nothing left behind" is easy to check. */
  async function folder(name: string): Promise<string> {
    const dir = join(work, name);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async function assertDownloadError(
    promise: Promise<unknown>,
    code: DownloadError['code'],
    url: string,
  ): Promise<DownloadError> {
    let caught: unknown;
    await assert.rejects(promise, (err: unknown) => {
      caught = err;
      return true;
    });
    assert.ok(caught instanceof DownloadError, `expected DownloadError, got ${String(caught)}`);
    assert.equal(caught.code, code, caught.message);
    assert.ok(caught.message.includes(url), `message names the URL: ${caught.message}`);
    return caught;
  }

  it('sha256File matches the published hash', async () => {
    assert.equal(await sha256File(join(sharedModelsDir, MODEL)), MODEL_SHA256);
  });

  it('downloads, reports progress, verifies and moves the file into place', async () => {
    const dir = await folder('ok');
    const dest = join(dir, 'nested', 'models', MODEL);
    const events: DownloadProgress[] = [];
    const result = await downloadModel({
      url: `${base}/files/${MODEL}`,
      sha256: MODEL_SHA256.toUpperCase(), // hex case does not matter
      dest,
      onProgress: (p) => events.push(p),
    });
    assert.deepEqual(result, { path: dest, bytes: size, sha256: MODEL_SHA256, downloaded: true });
    assert.deepEqual(await readFile(dest), await readFile(join(sharedModelsDir, MODEL)));
    assert.deepEqual(await readdir(join(dir, 'nested', 'models')), [MODEL], 'no temp file left');
    assert.ok(events.length >= 2, `${events.length} progress events`);
    assert.deepEqual(events[0], { receivedBytes: 0, totalBytes: size });
    assert.deepEqual(events.at(-1), { receivedBytes: size, totalBytes: size });
    for (let i = 1; i < events.length; i++)
      assert.ok(events[i]!.receivedBytes > events[i - 1]!.receivedBytes);
  });

  it('reports an unknown total when the server sends no Content-Length', async () => {
    const dir = await folder('chunked');
    const events: DownloadProgress[] = [];
    const result = await downloadModel({
      url: `${base}/chunked/${MODEL}`,
      sha256: MODEL_SHA256,
      dest: join(dir, MODEL),
      onProgress: (p) => events.push(p),
    });
    assert.equal(result.bytes, size);
    assert.ok(events.every((e) => e.totalBytes === null));
    assert.equal(events.at(-1)?.receivedBytes, size);
  });

  it('rejects a wrong hash, naming URL, expected and actual hash, and leaves nothing behind', async () => {
    const dir = await folder('bad-hash');
    const url = `${base}/files/${MODEL}`;
    const wrong = '0'.repeat(64);
    const err = await assertDownloadError(
      downloadModel({ url, sha256: wrong, dest: join(dir, MODEL) }),
      'hash-mismatch',
      url,
    );
    assert.ok(err.message.includes(wrong) && err.message.includes(MODEL_SHA256), err.message);
    assert.equal(err.actualSha256, MODEL_SHA256);
    assert.deepEqual(await readdir(dir), []);
  });

  it('reports HTTP 404 and leaves nothing behind', async () => {
    const dir = await folder('missing');
    const url = `${base}/files/no-such-model.onnx`;
    const err = await assertDownloadError(
      downloadModel({ url, sha256: MODEL_SHA256, dest: join(dir, MODEL) }),
      'http',
      url,
    );
    assert.equal(err.status, 404);
    assert.match(err.message, /404/);
    assert.deepEqual(await readdir(dir), []);
  });

  it('aborts mid-way, deletes the partial file and keeps an older dest untouched', async () => {
    const dir = await folder('abort');
    const dest = join(dir, MODEL);
    await writeFile(dest, 'older version');
    const url = `${base}/stall/${MODEL}`;
    const controller = new AbortController();
    let sawBytes = 0;
    let partials: string[] = [];
    await assertDownloadError(
      downloadModel({
        url,
        sha256: MODEL_SHA256,
        dest,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.receivedBytes > 0 && !controller.signal.aborted) {
            sawBytes = p.receivedBytes;
            // The temp file exists while bytes arrive; aborting must remove it.
            readdir(dir).then((names) => {
              partials = names.filter((n) => n.endsWith('.part'));
              controller.abort();
            });
          }
        },
      }),
      'aborted',
      url,
    );
    assert.ok(sawBytes > 0 && sawBytes < size, `aborted after ${sawBytes} of ${size} bytes`);
    assert.equal(partials.length, 1, 'a temp file existed during the download');
    assert.deepEqual(await readdir(dir), [MODEL]);
    assert.equal(await readFile(dest, 'utf8'), 'older version');
  });

  it('rejects at once when the signal is already aborted', async () => {
    const dir = await folder('pre-aborted');
    const url = `${base}/files/${MODEL}`;
    await assertDownloadError(
      downloadModel({ url, sha256: MODEL_SHA256, dest: join(dir, MODEL), signal: AbortSignal.abort() }),
      'aborted',
      url,
    );
    assert.deepEqual(await readdir(dir), []);
  });

  it('does not download when dest already has the right hash', async () => {
    const dir = await folder('present');
    const dest = join(dir, MODEL);
    await writeFile(dest, await readFile(join(sharedModelsDir, MODEL)));
    const fetchImpl: typeof fetch = async () => {
      throw new Error('must not fetch');
    };
    const result = await downloadModel({
      url: `${base}/files/${MODEL}`,
      sha256: MODEL_SHA256,
      dest,
      fetchImpl,
    });
    assert.deepEqual(result, { path: dest, bytes: size, sha256: MODEL_SHA256, downloaded: false });
  });

  it('replaces a dest whose content is wrong', async () => {
    const dir = await folder('stale');
    const dest = join(dir, MODEL);
    await writeFile(dest, 'corrupted model');
    const result = await downloadModel({ url: `${base}/files/${MODEL}`, sha256: MODEL_SHA256, dest });
    assert.equal(result.downloaded, true);
    assert.equal(await sha256File(dest), MODEL_SHA256);
    assert.deepEqual(await readdir(dir), [MODEL]);
  });

  it('reports a refused connection as a network error', async () => {
    // A port that was just free on 127.0.0.1: open a server, note its port, close it.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const dir = await folder('refused');
    const url = `http://127.0.0.1:${port}/files/${MODEL}`;
    await assertDownloadError(
      downloadModel({ url, sha256: MODEL_SHA256, dest: join(dir, MODEL) }),
      'network',
      url,
    );
    assert.deepEqual(await readdir(dir), []);
  });

  it('rejects a malformed expected hash before doing anything', async () => {
    await assert.rejects(
      downloadModel({ url: `${base}/files/${MODEL}`, sha256: 'abc', dest: join(work, 'never', MODEL) }),
      TypeError,
    );
  });
});
