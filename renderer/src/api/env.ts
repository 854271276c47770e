// Picks the transport for where the page runs: the Electron preload's `window.kith`, or the HTTP
// bridge with the token from the URL hash (kept for the tab's session, then removed from the URL).
import type { KithPreload } from '../../../electron/shared/preload-api.ts';
import { createClient, httpTransport, ipcTransport, type KithClient } from './client.ts';

declare global {
  interface Window {
    kith?: KithPreload;
  }
}

const TOKEN_KEY = 'kith.bridge-token';

export function resolveClient(): KithClient | null {
  if (window.kith) return createClient(ipcTransport(window.kith));
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  const token = fromHash ?? sessionStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  return createClient(
    httpTransport({
      origin: window.location.origin,
      token,
      fetch: (url, init) => window.fetch(url, init),
      eventSource: (url) => new EventSource(url),
    }),
  );
}
