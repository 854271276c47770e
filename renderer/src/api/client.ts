// The renderer's typed API client. One interface (KithClient: every method of the contract, typed
// both ways, plus events and media URLs) over two transports: the Electron preload (`window.kith`)
// or the HTTP bridge (fetch + token) in a browser. No DOM types here: it runs in Node tests too.

import type { EventName, EventPayload, Events, KithApi, MethodName } from '../../../electron/shared/api.ts';
import { ApiError, type Envelope, isEnvelope } from '../../../electron/shared/api-core.ts';
import { type FaceSize, MEDIA_SCHEME, mediaPath, type PhotoSize } from '../../../electron/shared/media.ts';
import type { KithPreload } from '../../../electron/shared/preload-api.ts';

export interface Transport {
  readonly platform: 'electron' | 'web';
  invoke(method: MethodName, input: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (name: EventName, payload: unknown) => void): () => void;
  /** The URL of a media path such as `face/12?s=160`. */
  mediaUrl(path: string): string;
}

export type EventListener<E extends EventName> = (payload: EventPayload<E>) => void;

export type KithClient = KithApi & {
  readonly platform: 'electron' | 'web';
  on<E extends EventName>(name: E, listener: EventListener<E>): () => void;
  faceUrl(faceId: number, size?: FaceSize): string;
  photoUrl(photoId: number, size?: PhotoSize): string;
};

/**
 * Event schemas, loaded on first subscription: the contract module (zod and every schema) stays out of
 * the renderer's first paint. Events that arrive before it has loaded wait for it, in order.
 */
let eventSchemas: Promise<Events> | null = null;
const loadEventSchemas = () => {
  eventSchemas ??= import('../../../electron/shared/api.ts').then((m) => m.events);
  return eventSchemas;
};

export function createClient(transport: Transport): KithClient {
  const call = async (name: MethodName, input?: unknown) => {
    const envelope = await transport.invoke(name, input ?? {});
    if (envelope.ok) return envelope.value;
    throw new ApiError(envelope.error.code, envelope.error.message, envelope.error.issues);
  };
  const extras = {
    platform: transport.platform,
    on<E extends EventName>(name: E, listener: EventListener<E>): () => void {
      const schemas = loadEventSchemas();
      let chain: Promise<unknown> = Promise.resolve();
      let live = true;
      const off = transport.subscribe((n, payload) => {
        if (n !== name) return;
        // Events are checked like requests: a payload off the contract is dropped, not rendered.
        chain = chain.then(async () => {
          const r = (await schemas)[name].safeParse(payload);
          if (r.success && live) listener(r.data as EventPayload<E>);
        });
      });
      return () => {
        live = false;
        off();
      };
    },
    faceUrl: (faceId: number, size: FaceSize = 160) =>
      transport.mediaUrl(mediaPath({ kind: 'face', id: faceId, size })),
    photoUrl: (photoId: number, size: PhotoSize = 'screen') =>
      transport.mediaUrl(mediaPath({ kind: 'photo', id: photoId, size })),
  };
  // Every other property is a method of the contract (typed by KithApi); the host rejects unknown names.
  const methods = new Map<string, (input?: unknown) => Promise<unknown>>();
  return new Proxy(extras, {
    get(target, prop, receiver) {
      if (typeof prop !== 'string' || prop in target) return Reflect.get(target, prop, receiver);
      if (prop === 'then') return undefined; // not a thenable
      let fn = methods.get(prop);
      if (!fn) {
        fn = (input?: unknown) => call(prop as MethodName, input);
        methods.set(prop, fn);
      }
      return fn;
    },
  }) as unknown as KithClient;
}

/** Electron: the preload's `window.kith`; media through the kith-media:// protocol. */
export function ipcTransport(preload: KithPreload): Transport {
  return {
    platform: 'electron',
    invoke: (method, input) => preload.invoke(method, input),
    subscribe: (listener) => preload.subscribe(listener),
    mediaUrl: (path) => `${MEDIA_SCHEME}://${path}`,
  };
}

/** Event names the stream carries (checked against the contract by a test). */
export const EVENT_NAMES: readonly EventName[] = ['scanProgress', 'libraryChanged', 'menu'];

/** The subset of fetch's Response the client reads. */
interface ResponseLike {
  status: number;
  json(): Promise<unknown>;
}
type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<ResponseLike>;

/** The subset of EventSource the client uses. */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: { data: string }) => void): void;
  close(): void;
}

export interface HttpTransportOptions {
  /** The bridge's origin, e.g. http://127.0.0.1:5123 ('' = the page's own). */
  origin: string;
  token: string;
  fetch: FetchLike;
  /** Opens the event stream (the browser's EventSource); without it there are no events. */
  eventSource?: (url: string) => EventSourceLike;
}

/** Browser: the HTTP bridge (dev/bridge.ts). */
export function httpTransport(options: HttpTransportOptions): Transport {
  const { origin, token } = options;
  const q = `token=${encodeURIComponent(token)}`;
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  let source: EventSourceLike | null = null;

  const open = () => {
    if (source || !options.eventSource) return;
    const s = options.eventSource(`${origin}/api/events?${q}`);
    for (const name of EVENT_NAMES) {
      s.addEventListener(name, (e) => {
        let payload: unknown;
        try {
          payload = JSON.parse(e.data) as unknown;
        } catch {
          return;
        }
        for (const l of listeners) l(name, payload);
      });
    }
    source = s;
  };

  return {
    platform: 'web',
    async invoke(method, input) {
      let res: ResponseLike;
      try {
        res = await options.fetch(`${origin}/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(input ?? {}),
        });
      } catch (err) {
        return {
          ok: false,
          error: {
            code: 'internal',
            message: `Kith is not reachable: ${err instanceof Error ? err.message : err}`,
          },
        };
      }
      const body = await res.json().catch(() => null);
      if (isEnvelope(body)) return body;
      return { ok: false, error: { code: 'internal', message: `Unexpected answer (HTTP ${res.status}).` } };
    },
    subscribe(listener) {
      listeners.add(listener);
      open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
    mediaUrl: (path) => `${origin}/media/${path}${path.includes('?') ? '&' : '?'}${q}`,
  };
}
