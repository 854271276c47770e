// The shell's security policy as plain functions and data, so every rule is unit-tested in plain Node
// (test/unit/shell-security.test.ts) without the Electron binary; main.ts, ipc.ts and protocols.ts
// only wire them to Electron. Type-only Electron imports: this module never loads Electron.
//
// [Note: shell security] The page gets contextIsolation, the sandbox and no Node (window.ts); the
// preload exposes one object; every IPC sender is checked (isTrustedSender) and every payload
// validated (ipc.ts); a strict CSP is set on the page (protocols.ts) and on every response
// (withCsp); nothing navigates away from the app or opens a window (lockDown); no permission
// (camera, notifications…) is granted; no remote content is loaded. The app has no links to the
// web, so shell.openExternal is never used; test/unit/shell-security.test.ts asserts it.
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { MEDIA_SCHEME } from '../shared/media.ts';
import { uiCsp } from '../shared/web.ts';

export const APP_SCHEME = 'kith-app';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** The renderer's Content-Security-Policy: its own code only, images from itself and kith-media. */
export const APP_CSP = uiCsp([`${MEDIA_SCHEME}:`]);

/** True only for a page of the app itself (kith-app://app/…); anything unparsable is not. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'app' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** Only the app's own page, in its top frame, may call (cf. GitHub Desktop's trusted-ipc-sender). */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  trusted: () => WebContents | null,
): boolean {
  const frame = event.senderFrame;
  if (!frame || event.sender !== trusted()) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

/**
 * Every WebContents: navigation and redirects only within the app, no <webview>, no new windows
 * (the app opens none, and has no links to the web).
 */
export function lockDown(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** session.setPermissionRequestHandler: nothing is ever granted. */
export function denyPermissionRequest(
  _wc: unknown,
  _permission: string,
  callback: (granted: boolean) => void,
): void {
  callback(false);
}

/** session.setPermissionCheckHandler: nothing is ever granted. */
export function denyPermissionCheck(): boolean {
  return false;
}

/** Response headers with the app's CSP set (replacing any other, whatever its case). */
export function withCsp(
  headers: Record<string, string | string[]> | undefined,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() !== 'content-security-policy') out[k] = v;
  }
  out['Content-Security-Policy'] = [APP_CSP];
  return out;
}
