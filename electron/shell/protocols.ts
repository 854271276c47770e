// Two privileged schemes, both confined:
// - kith-app://app/… serves the built renderer (dist/renderer) and nothing outside it, with the CSP;
// - kith-media://face/<id>, kith-media://photo/<id> serve thumbnails and photos by id through the
//   library service, which only reads files inside the library's folders (see [Note: media confinement]).
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { protocol } from 'electron';
import { ApiError, httpStatusOf } from '../shared/api-core.ts';
import { MEDIA_SCHEME, parseMediaRequest } from '../shared/media.ts';
import { UI_CONTENT_TYPES, uiCsp } from '../shared/web.ts';
import type { ServiceHost } from './service-host.ts';

export const APP_SCHEME = 'kith-app';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** The renderer's Content-Security-Policy: its own code only, images from itself and kith-media. */
export const APP_CSP = uiCsp([`${MEDIA_SCHEME}:`]);

/** Must run before the app is ready. */
export function registerSchemes(): void {
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

export function handleProtocols(rendererDir: string, service: ServiceHost): void {
  const root = resolve(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return notFound();
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return notFound();
    }
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
  });

  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    const media = parseMediaRequest(url.host, url.pathname.replace(/^\//, ''), url.searchParams);
    if (!media) return new Response('Bad media address', { status: 400 });
    try {
      const file = await service.media(media);
      return new Response(file.body as Uint8Array<ArrayBuffer>, {
        headers: { 'content-type': file.contentType, 'cache-control': 'private, max-age=300' },
      });
    } catch (err) {
      const code = err instanceof ApiError ? err.code : 'internal';
      return new Response('Unavailable', { status: httpStatusOf[code] });
    }
  });
}
