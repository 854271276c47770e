// What the preload exposes as `window.kith`, built over an ipcRenderer that is passed in (the real one
// in preload.ts, a fake in tests). Method names are checked here, payloads in the main process.
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import type { EventName, MethodName } from '../shared/api.ts';
import type { Envelope } from '../shared/api-core.ts';
import { channelOf, EVENT_CHANNEL, type KithPreload } from '../shared/preload-api.ts';

const METHOD_NAME = /^[a-z][A-Za-z]{1,40}$/;

export function createKithPreload(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): KithPreload {
  return {
    platform: 'electron',
    invoke(method: MethodName, input: unknown): Promise<Envelope<unknown>> {
      if (typeof method !== 'string' || !METHOD_NAME.test(method)) {
        return Promise.resolve({ ok: false, error: { code: 'unknown-method', message: 'Unknown method.' } });
      }
      return ipc
        .invoke(channelOf(method), input)
        .then((envelope: Envelope<unknown>) => envelope)
        .catch(() => ({
          ok: false,
          error: { code: 'unknown-method', message: `Unknown method ${method}.` },
        }));
    },
    subscribe(listener: (name: EventName, payload: unknown) => void): () => void {
      const handler = (_event: IpcRendererEvent, name: EventName, payload: unknown) =>
        listener(name, payload);
      ipc.on(EVENT_CHANNEL, handler);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, handler);
      };
    },
  };
}
