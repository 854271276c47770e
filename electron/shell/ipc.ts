// The IPC handlers, generated from the contract in one place: one ipcMain.handle per method, each
// checking the sender and validating the payload before it goes anywhere. Host methods (the native
// folder dialog) are answered here; the rest by the library service in its utility process.
// Electron's ipcMain is passed in, so tests drive the real handlers with a fake one.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import {
  type HostMethod,
  hostMethods,
  type MethodName,
  methodNames,
  parseInput,
  type ServiceMethod,
} from '../shared/api.ts';
import { ApiError, type Envelope } from '../shared/api-core.ts';
import { channelOf } from '../shared/preload-api.ts';
import { isTrustedSender } from './security.ts';

export { isTrustedSender } from './security.ts';

export type HostHandlers = {
  [M in HostMethod]: (sender: WebContents, input: unknown) => Promise<unknown>;
};

/** What the handlers need from the library service (ServiceHost.call). */
export interface ServiceCaller {
  call(method: ServiceMethod, input: unknown): Promise<Envelope<unknown>>;
}

type InvokeEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

const HOST = new Set<string>(hostMethods);

/** The handler of one method's channel: sender check, then validation, then host or service. */
export function ipcHandler(
  method: MethodName,
  service: ServiceCaller,
  host: HostHandlers,
  trusted: () => WebContents | null,
): (event: InvokeEvent, raw: unknown) => Promise<Envelope<unknown>> {
  return async (event, raw) => {
    if (!isTrustedSender(event, trusted)) {
      return { ok: false, error: { code: 'unauthorized', message: 'Untrusted sender.' } };
    }
    try {
      const input = parseInput(method, raw);
      if (HOST.has(method)) {
        return { ok: true, value: await host[method as HostMethod](event.sender, input) };
      }
      return await service.call(method as ServiceMethod, input);
    } catch (err) {
      const e =
        err instanceof ApiError
          ? err
          : new ApiError('internal', err instanceof Error ? err.message : String(err));
      return { ok: false, error: e.toShape() };
    }
  };
}

export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  service: ServiceCaller,
  host: HostHandlers,
  trusted: () => WebContents | null,
): void {
  for (const method of methodNames) {
    ipcMain.handle(channelOf(method), ipcHandler(method, service, host, trusted));
  }
}
