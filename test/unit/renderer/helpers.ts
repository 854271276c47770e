// A transport straight into a LibraryService (no HTTP), for store tests.
import { dispatch } from '../../../electron/core/service/dispatch.ts';
import type { LibraryService } from '../../../electron/core/service/library-service.ts';
import type { EventName } from '../../../electron/shared/api.ts';
import type { Transport } from '../../../renderer/src/api/client.ts';

export function inProcessTransport(service: LibraryService): Transport & { calls: string[] } {
  const calls: string[] = [];
  return {
    platform: 'web',
    calls,
    invoke: (method, input) => {
      calls.push(method);
      // Through JSON, like the wire, so nothing relies on shared object identity.
      return dispatch(service.handlers, method, JSON.parse(JSON.stringify(input ?? {})), {
        validateOutput: true,
      });
    },
    subscribe: (listener) =>
      service.on((e) => listener(e.name as EventName, JSON.parse(JSON.stringify(e.payload)) as unknown)),
    mediaUrl: (path) => `/media/${path}`,
  };
}
