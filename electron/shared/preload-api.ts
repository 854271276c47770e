// What the Electron preload exposes to the page as `window.kith` (through contextBridge). It is a
// thin pipe: the renderer's typed client (renderer/src/api/client.ts) gives it its types, and the
// main process validates every payload (see [Note: the API contract] in api.ts).
import type { Envelope, EventName, MethodName } from './api.ts';

export interface KithPreload {
  readonly platform: 'electron';
  /** Calls one API method; resolves with its envelope (errors are data, never rejections). */
  invoke(method: MethodName, input: unknown): Promise<Envelope<unknown>>;
  /** Receives every pushed event; returns the unsubscribe function. */
  subscribe(listener: (name: EventName, payload: unknown) => void): () => void;
}

/** IPC channel of one method (`kith:getPerson`). Requests use ipcRenderer.invoke / ipcMain.handle. */
export const channelOf = (method: MethodName): string => `kith:${method}`;

/** The one channel main → renderer events travel on: (name, payload). */
export const EVENT_CHANNEL = 'kith:event';
