// The local bridge: the same API as the Electron preload, over HTTP on 127.0.0.1, for `npm run dev:web`
// (the real UI on the real core in a browser) and for the Playwright tests.
//
// [Note: bridge security]
// - Listens on 127.0.0.1 only, on a random port, and answers only requests whose Host header names
//   that address (a DNS-rebinding page cannot reach it under another name).
// - A per-run random token is required on every API call (`Authorization: Bearer …`), every image
//   and the event stream (`?token=…`, because <img> and EventSource cannot send headers). The static
//   UI bundle holds no user data and is served without it; the page reads the token from its URL hash
//   (never sent to the server, not in logs).
// - API calls are POST with a JSON body (so a cross-site form cannot forge one), at most 1 MiB, parsed
//   and validated by the contract's zod schemas: anything malformed is a 400 with an error, never a crash.
// - Media is served by photo or face id only, confined to the library's folders (see media.ts).
// - A dev server (Vite, `dev:web --hot`) sees only requests under `/<token>/`: it can read source
//   files, so a page that does not know the token (another local port, a foreign Origin) reaches
//   nothing of it, not even its HMR socket (its path is that base too). Its editor launcher is refused.
//   Every answer under it carries the UI's CSP (styles allowed by the page's nonce, for Vite's
//   injected <style> tags) and no-referrer.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import {
  dispatch,
  errorEnvelope,
  isInside,
  type LibraryService,
  type ServiceEvent,
  toApiError,
} from '../electron/core/service/index.ts';
import { ApiError, type Envelope, eventNames, httpStatusOf } from '../electron/shared/api.ts';
import { parseMediaRequest } from '../electron/shared/media.ts';
import { UI_CONTENT_TYPES, uiCsp } from '../electron/shared/web.ts';

export interface BridgeOptions {
  service: LibraryService;
  /** Default 0: a random free port. */
  port?: number;
  /** Default: 32 random bytes, hex. */
  token?: string;
  /** A built renderer (vite build output) to serve at /. */
  staticDir?: string;
  /** Check every result against the contract (tests). Default false. */
  validateOutput?: boolean;
  /** Unexpected errors (answered as 500). Default: console.error. */
  onError?: (context: string, err: unknown) => void;
}

export interface Bridge {
  readonly server: Server;
  readonly port: number;
  readonly token: string;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** The page URL with the token in its hash. */
  readonly url: string;
  /** The path a dev server is mounted at: `/<token>/` (see [Note: bridge security]). */
  readonly devBase: string;
  /** Mounts a dev server (Vite's middleware, configured with `base: devBase`) behind the token. */
  setDevServer(dev: DevServer): void;
  close(): Promise<void>;
}

/** A dev server behind the bridge: its connect-style handler and the nonce its HTML gives styles. */
export interface DevServer {
  handle(req: IncomingMessage, res: ServerResponse, next: () => void): void;
  styleNonce: string;
}

const MAX_BODY = 1024 * 1024;

/** The Content-Security-Policy of the UI (the Electron shell sets the same for its own scheme). */
export const BRIDGE_CSP = uiCsp();

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: Envelope<unknown>): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(json);
}

function sendError(res: ServerResponse, err: unknown): void {
  const e = toApiError(err);
  sendJson(res, httpStatusOf[e.code], { ok: false, error: e.toShape() });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Past the limit the rest is read and dropped (so the client gets the answer, not a reset);
    // far past it the connection is cut.
    if (size > 16 * MAX_BODY) req.destroy();
    else if (size <= MAX_BODY) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY) throw new ApiError('invalid-request', 'Request body too large (1 MiB at most).');
  return Buffer.concat(chunks).toString('utf8');
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { service } = options;
  const token = options.token ?? randomBytes(32).toString('hex');
  const onError =
    options.onError ?? ((context: string, err: unknown) => console.error(`bridge: ${context}:`, err));
  const staticDir = options.staticDir ? resolve(options.staticDir) : null;
  let dev: DevServer | null = null;
  const streams = new Set<ServerResponse>();
  let port = 0;

  const unsubscribe = service.on((event: ServiceEvent) => {
    const frame = `event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`;
    for (const s of streams) s.write(frame);
  });

  const authorized = (req: IncomingMessage, url: URL): boolean => {
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7) : null;
    return sameToken(bearer ?? url.searchParams.get('token'), token);
  };

  async function api(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJson(res, 405, errorEnvelope(new ApiError('invalid-request', 'Use POST.')));
    }
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('application/json')) {
      return sendError(res, new ApiError('invalid-request', 'Send a JSON body (application/json).'));
    }
    let input: unknown;
    try {
      const text = await readBody(req);
      input = text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
    } catch (err) {
      return sendError(
        res,
        err instanceof ApiError ? err : new ApiError('invalid-request', 'The body is not valid JSON.'),
      );
    }
    const envelope = await dispatch(service.handlers, method, input, {
      validateOutput: options.validateOutput ?? false,
      onInternalError: (m, err) => onError(m, err),
    });
    sendJson(res, envelope.ok ? 200 : httpStatusOf[envelope.error.code], envelope);
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    res.write(`retry: 1000\n: kith events ${eventNames.join(',')}\n\n`);
    streams.add(res);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      streams.delete(res);
    });
  }

  async function media(res: ServerResponse, kind: string, id: string, url: URL): Promise<void> {
    const request = parseMediaRequest(kind, id, url.searchParams);
    if (!request) return sendError(res, new ApiError('invalid-request', 'Bad media address.'));
    try {
      const file = await service.media.get(request);
      res.writeHead(200, {
        'content-type': file.contentType,
        'content-length': file.body.length,
        'cache-control': 'private, max-age=300',
        'x-content-type-options': 'nosniff',
      });
      res.end(file.body);
    } catch (err) {
      const e = toApiError(err);
      if (e.code === 'internal') onError(`media ${kind}/${id}`, err);
      sendError(res, e);
    }
  }

  async function serveStatic(res: ServerResponse, pathname: string): Promise<boolean> {
    if (!staticDir) return false;
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return false;
    }
    let file = resolve(join(staticDir, rel));
    if (!isInside(staticDir, file)) return false;
    let s = await stat(file).catch(() => null);
    if (!s?.isFile()) {
      if (extname(rel) !== '') return false;
      file = join(staticDir, 'index.html'); // the app's own routes
      s = await stat(file).catch(() => null);
      if (!s?.isFile()) return false;
    }
    const body = await readFile(file);
    const isHtml = file.endsWith('.html');
    res.writeHead(200, {
      'content-type': UI_CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': isHtml ? 'no-store' : 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      ...(isHtml ? { 'content-security-policy': BRIDGE_CSP } : {}),
    });
    res.end(body);
    return true;
  }

  const notFound = (res: ServerResponse) => {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not found');
  };

  function devServer(d: DevServer, req: IncomingMessage, res: ServerResponse, path: string): void {
    const m = /^\/([^/]*)(\/.*)?$/.exec(path);
    // Vite matches its routes without regard to case (connect), so the check does too.
    if (!m || !sameToken(m[1], token) || /^\/__open-in-editor/i.test(m[2] ?? '')) {
      notFound(res);
      return;
    }
    res.setHeader('content-security-policy', uiCsp([], d.styleNonce));
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-content-type-options', 'nosniff');
    d.handle(req, res, () => notFound(res));
  }

  const server = createServer((req, res) => {
    void (async () => {
      const host = req.headers.host ?? '';
      if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
        res.writeHead(421, { 'content-type': 'text/plain' });
        res.end('Misdirected request');
        return;
      }
      const url = new URL(req.url ?? '/', `http://${host}`);
      const path = url.pathname;
      if (path.startsWith('/api/') || path.startsWith('/media/')) {
        if (!authorized(req, url)) {
          return sendError(res, new ApiError('unauthorized', 'Missing or wrong token.'));
        }
        // The event stream is a GET (EventSource); a POST there is an unknown method, not a stream.
        if (path === '/api/events' && req.method === 'GET') return events(req, res);
        const m = /^\/api\/([A-Za-z]+)$/.exec(path);
        if (m) return api(req, res, m[1]!);
        const media_ = /^\/media\/([a-z]+)\/([^/]+)$/.exec(path);
        if (media_ && req.method === 'GET') return media(res, media_[1]!, media_[2]!, url);
        return sendError(res, new ApiError('unknown-method', `No route ${path}.`));
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        if (await serveStatic(res, path)) return;
      }
      if (dev) devServer(dev, req, res, path);
      else notFound(res);
    })().catch((err: unknown) => {
      onError(`${req.method} ${req.url}`, err);
      if (!res.headersSent) sendError(res, err);
      else res.end();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', fail);
      ok();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    server,
    port,
    token,
    origin,
    url: `${origin}/#token=${token}`,
    devBase: `/${token}/`,
    setDevServer(d) {
      dev = d;
    },
    close: async () => {
      unsubscribe();
      for (const s of streams) s.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
