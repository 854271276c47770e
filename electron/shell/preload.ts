// The preload (sandboxed; bundled to dist/shell/preload.cjs by scripts/ui-build-shell.ts). It exposes
// exactly one object, `window.kith`: invoke a method of the contract, subscribe to its events. No
// ipcRenderer, no Node: method names are checked here, payloads in the main process.
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import type { EventName, MethodName } from '../shared/api.ts';
import type { Envelope } from '../shared/api-core.ts';
import { channelOf, EVENT_CHANNEL, type KithPreload } from '../shared/preload-api.ts';

const METHOD_NAME = /^[a-z][A-Za-z]{1,40}$/;

const kith: KithPreload = {
  platform: 'electron',
  invoke(method: MethodName, input: unknown): Promise<Envelope<unknown>> {
    if (typeof method !== 'string' || !METHOD_NAME.test(method)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown-method', message: 'Unknown method.' } });
    }
    return ipcRenderer
      .invoke(channelOf(method), input)
      .then((envelope: Envelope<unknown>) => envelope)
      .catch(() => ({ ok: false, error: { code: 'unknown-method', message: `Unknown method ${method}.` } }));
  },
  subscribe(listener: (name: EventName, payload: unknown) => void): () => void {
    const handler = (_event: IpcRendererEvent, name: EventName, payload: unknown) => listener(name, payload);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('kith', kith);
