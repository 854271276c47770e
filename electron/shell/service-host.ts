// Starts the library service in a utility process and talks to it: calls, media, events.
import { join } from 'node:path';
import { type UtilityProcess, utilityProcess } from 'electron';
import type { Envelope, EventName, ServiceMethod } from '../shared/api.ts';
import { ApiError } from '../shared/api-core.ts';
import type { MediaRequest } from '../shared/media.ts';
import type { FromService, ServiceInit, ToService } from './service-protocol.ts';

export interface MediaBytes {
  body: Uint8Array;
  contentType: string;
}

type Pending =
  | { kind: 'call'; resolve: (e: Envelope<unknown>) => void }
  | { kind: 'media'; resolve: (m: MediaBytes) => void; reject: (err: ApiError) => void };

export class ServiceHost {
  readonly #child: UtilityProcess;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #ready: Promise<void>;
  #onEvent: (name: EventName, payload: unknown) => void = () => {};

  constructor(init: Omit<ServiceInit, 'type'>) {
    this.#child = utilityProcess.fork(join(import.meta.dirname, 'service-process.mjs'), [], {
      serviceName: 'Kith library',
      stdio: 'inherit',
    });
    this.#ready = new Promise((resolve, reject) => {
      const onMessage = (m: FromService) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'fatal') reject(new Error(m.message));
      };
      this.#child.on('message', onMessage);
    });
    this.#child.on('message', (m: FromService) => this.#receive(m));
    this.#child.on('exit', (code) => {
      for (const [, p] of this.#pending) {
        const error = new ApiError('internal', `The library service stopped (exit ${code}).`);
        if (p.kind === 'call') p.resolve({ ok: false, error: error.toShape() });
        else p.reject(error);
      }
      this.#pending.clear();
    });
    this.#post({ type: 'init', ...init });
  }

  /** Resolves once the library is open; rejects with why it could not be. */
  ready(): Promise<void> {
    return this.#ready;
  }

  onEvent(fn: (name: EventName, payload: unknown) => void): void {
    this.#onEvent = fn;
  }

  call(method: ServiceMethod, input: unknown): Promise<Envelope<unknown>> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, { kind: 'call', resolve });
      this.#post({ type: 'call', id, method, input });
    });
  }

  media(request: MediaRequest): Promise<MediaBytes> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { kind: 'media', resolve, reject });
      this.#post({ type: 'media', id, request });
    });
  }

  /** Asks the service to finish (a running scan saves the files in flight) and waits, at most `ms`. */
  async close(ms = 5000): Promise<void> {
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#post({ type: 'close' });
    const timer = setTimeout(() => this.#child.kill(), ms);
    await exited;
    clearTimeout(timer);
  }

  #post(m: ToService): void {
    this.#child.postMessage(m);
  }

  #receive(m: FromService): void {
    if (m.type === 'event') {
      this.#onEvent(m.name, m.payload);
      return;
    }
    if (m.type !== 'result' && m.type !== 'media') return;
    const p = this.#pending.get(m.id);
    if (!p) return;
    this.#pending.delete(m.id);
    if (m.type === 'result' && p.kind === 'call') p.resolve(m.envelope);
    else if (m.type === 'media' && p.kind === 'media') {
      if (m.ok) p.resolve({ body: m.body, contentType: m.contentType });
      else p.reject(new ApiError(m.error.code, m.error.message));
    }
  }
}
