// The IPC handlers, generated from the contract in one place: one ipcMain.handle per method, each
// checking the sender and validating the payload before it goes anywhere. Host methods (the native
// folder dialog) are answered here; the rest by the library service in its utility process.
import { type IpcMainInvokeEvent, ipcMain, type WebContents } from 'electron';
import { type HostMethod, hostMethods, methodNames, parseInput, type ServiceMethod } from '../shared/api.ts';
import { ApiError, type Envelope } from '../shared/api-core.ts';
import { channelOf } from '../shared/preload-api.ts';
import { APP_ORIGIN } from './protocols.ts';
import type { ServiceHost } from './service-host.ts';

export type HostHandlers = {
  [M in HostMethod]: (sender: WebContents, input: unknown) => Promise<unknown>;
};

const HOST = new Set<string>(hostMethods);

/** Only the app's own page, in its top frame, may call (cf. GitHub Desktop's trusted-ipc-sender). */
export function isTrustedSender(event: IpcMainInvokeEvent, trusted: () => WebContents | null): boolean {
  const frame = event.senderFrame;
  if (!frame || event.sender !== trusted()) return false;
  if (frame.parent !== null) return false;
  try {
    return new URL(frame.url).origin === APP_ORIGIN;
  } catch {
    return false;
  }
}

export function registerIpc(
  service: ServiceHost,
  host: HostHandlers,
  trusted: () => WebContents | null,
): void {
  for (const method of methodNames) {
    ipcMain.handle(channelOf(method), async (event, raw: unknown): Promise<Envelope<unknown>> => {
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
    });
  }
}
