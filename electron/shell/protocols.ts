// Two privileged schemes, both confined:
// - kith-app://app/… serves the built renderer (dist/renderer) and nothing outside it, with the CSP;
// - kith-media://face/<id>, kith-media://photo/<id> serve thumbnails and photos by id through the
//   library service, which only reads files inside the library's folders (see [Note: media confinement]).
// Electron's `protocol` is passed in, so the handlers run in plain Node in the unit tests.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Protocol } from 'electron';
import { ApiError, httpStatusOf } from '../shared/api-core.ts';
import { MEDIA_SCHEME, type MediaRequest, parseMediaRequest } from '../shared/media.ts';
import { UI_CONTENT_TYPES } from '../shared/web.ts';
import { APP_CSP, APP_SCHEME } from './security.ts';

export { APP_CSP, APP_ORIGIN, APP_SCHEME } from './security.ts';

/** What the media scheme needs from the service (ServiceHost.media). */
export type MediaSource = (request: MediaRequest) => Promise<{ body: Uint8Array; contentType: string }>;

/** Must run before the app is ready. */
export function registerSchemes(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    {
      scheme: MEDIA_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    },
  ]);
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
}

/** kith-app://app/<path>: a file of the built renderer, never anything outside `rendererDir`. */
export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const root = resolve(rendererDir);
  return async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return notFound();
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return notFound();
    }
    if (rel.includes('\0')) return notFound();
    const file = normalize(join(root, rel === '/' ? 'index.html' : rel));
    if (file !== root && !file.startsWith(root + sep)) return notFound();
    const body = await readFile(file).catch(() => null);
    if (!body) return notFound();
    const headers: Record<string, string> = {
      'content-type': UI_CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
    };
    if (file.endsWith('.html')) headers['content-security-policy'] = APP_CSP;
    return new Response(new Uint8Array(body), { headers });
  };
}

/** kith-media://face/<id>?s=…, kith-media://photo/<id>?size=…: by id only, through the service. */
export function mediaProtocolHandler(media: MediaSource): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const parsed = parseMediaRequest(url.host, url.pathname.replace(/^\//, ''), url.searchParams);
    if (!parsed) return new Response('Bad media address', { status: 400 });
    try {
      const file = await media(parsed);
      return new Response(file.body as Uint8Array<ArrayBuffer>, {
        headers: {
          'content-type': file.contentType,
          'cache-control': 'private, max-age=300',
          'x-content-type-options': 'nosniff',
        },
      });
    } catch (err) {
      const code = err instanceof ApiError ? err.code : 'internal';
      return new Response('Unavailable', { status: httpStatusOf[code] });
    }
  };
}

export function handleProtocols(
  protocol: Pick<Protocol, 'handle'>,
  rendererDir: string,
  media: MediaSource,
): void {
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir));
  protocol.handle(MEDIA_SCHEME, mediaProtocolHandler(media));
}
