// Messages between the Electron main process and the library service's utility process.
// Plain data (structured clone); one request id per call, answered exactly once.
import type { Envelope, EventName, ServiceMethod } from '../shared/api.ts';
import type { ApiErrorShape } from '../shared/api-core.ts';
import type { MediaRequest } from '../shared/media.ts';

export interface ServiceInit {
  type: 'init';
  libraryDir: string;
  pipeline?: string | undefined;
  modelsDir?: string | undefined;
  /** Watch the library's folders and scan what changes (LibraryServiceOptions.watch). */
  watch?: boolean | undefined;
}

export type ToService =
  | ServiceInit
  | { type: 'call'; id: number; method: ServiceMethod; input: unknown }
  | { type: 'media'; id: number; request: MediaRequest }
  | { type: 'close' };

export type FromService =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; envelope: Envelope<unknown> }
  | { type: 'media'; id: number; ok: true; body: Uint8Array; contentType: string }
  | { type: 'media'; id: number; ok: false; error: ApiErrorShape }
  | { type: 'event'; name: EventName; payload: unknown }
  | { type: 'closed' };
