// What the UI is served with, in the browser bridge and in the Electron shell alike.

/**
 * The renderer's Content-Security-Policy: its own code only; images also from `extraImageSources`;
 * `styleNonce` also allows <style> tags with that nonce (Vite's dev server injects the CSS so).
 */
export function uiCsp(extraImageSources: readonly string[] = [], styleNonce?: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    styleNonce === undefined ? "style-src 'self'" : `style-src 'self' 'nonce-${styleNonce}'`,
    `img-src 'self' ${[...extraImageSources, 'data:', 'blob:'].join(' ')}`,
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Content types of the built renderer's files. */
export const UI_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
