// A network guard for the zero-network tests (test/integration/no-network.test.ts) and the
// Electronegativity script: `node --import tsx --import ./scripts/security-netguard.ts …` (or
// importing `installNetGuard`) records every attempt of this JavaScript to reach another machine —
// TCP/TLS/UDP connects, DNS lookups of non-local names, fetch and http(s) requests — and refuses it.
// Loopback addresses and local (Unix) sockets are allowed. Records are appended as JSON lines to
// $KITH_NETGUARD_LOG (one file for a process tree), so a test can read them after the child exits;
// loaded with --import, it installs itself only when that variable is set.
// Native code and worker threads are outside its reach: the test adds strace for those.
import dgram from 'node:dgram';
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

export interface NetAttempt {
  kind: 'connect' | 'udp' | 'dns' | 'fetch' | 'http';
  target: string;
  pid: number;
}

/** True for names and addresses that never leave the machine. */
export function isLocalHost(host: string | undefined | null): boolean {
  if (host === undefined || host === null || host === '') return true; // Node's default is localhost
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h)) return true;
  if (h === '0.0.0.0' || h === '::') return true; // the unspecified address means this host
  return false;
}

function urlHost(url: string): string | null {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

let installed = false;

/**
 * Installs the guard in this process. `onAttempt` sees each refused attempt (default: append to
 * $KITH_NETGUARD_LOG, else print to stderr).
 */
export function installNetGuard(onAttempt?: (a: NetAttempt) => void): void {
  if (installed) return;
  installed = true;
  const log = process.env.KITH_NETGUARD_LOG;
  const record =
    onAttempt ??
    ((a: NetAttempt) => {
      if (log) appendFileSync(log, `${JSON.stringify(a)}\n`);
      else process.stderr.write(`netguard: refused ${a.kind} ${a.target}\n`);
    });
  const refuse = (kind: NetAttempt['kind'], target: string) => {
    record({ kind, target, pid: process.pid });
    return Object.assign(new Error(`netguard: ${kind} to ${target} refused (no network at run time)`), {
      code: 'ENETUNREACH',
    });
  };

  // TCP and TLS (tls.connect and every http(s) agent end up here).
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    let host: string | undefined;
    let port: unknown;
    let local = false;
    if (Array.isArray(first)) {
      // Node's internal normalized form: [options, callback].
      const o = (first[0] ?? {}) as { host?: string; port?: unknown; path?: string };
      local = typeof o.path === 'string';
      host = o.host;
      port = o.port;
    } else if (first !== null && typeof first === 'object') {
      const o = first as { host?: string; port?: unknown; path?: string };
      local = typeof o.path === 'string';
      host = o.host;
      port = o.port;
    } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      port = first;
      host = typeof args[1] === 'string' ? args[1] : undefined;
    } else if (typeof first === 'string') {
      local = true; // a Unix socket or named pipe path
    }
    if (!local && !isLocalHost(host)) {
      const err = refuse('connect', `${host}:${String(port)}`);
      process.nextTick(() => this.destroy(err));
      return this;
    }
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;

  // UDP.
  const send = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function guardedSend(this: dgram.Socket, ...args: unknown[]) {
    const host = args.find((a, i) => i > 0 && typeof a === 'string') as string | undefined;
    if (host !== undefined && !isLocalHost(host)) {
      const cb = args.find((a) => typeof a === 'function') as ((e: Error) => void) | undefined;
      const err = refuse('udp', host);
      if (cb) process.nextTick(() => cb(err));
      return;
    }
    return (send as (...a: unknown[]) => void).apply(this, args);
  } as typeof send;
  const udpConnect = dgram.Socket.prototype.connect;
  dgram.Socket.prototype.connect = function guardedUdpConnect(this: dgram.Socket, ...args: unknown[]) {
    const host = typeof args[1] === 'string' ? args[1] : undefined;
    if (!isLocalHost(host)) throw refuse('udp', `${host}:${String(args[0])}`);
    return (udpConnect as (...a: unknown[]) => void).apply(this, args);
  } as typeof udpConnect;

  // DNS: any lookup of a name that is not local is an attempt to reach out.
  const lookup = dns.lookup;
  dns.lookup = function guardedLookup(hostname: string, ...rest: unknown[]) {
    if (!isLocalHost(hostname)) {
      const cb = rest.find((a) => typeof a === 'function') as ((e: Error) => void) | undefined;
      const err = refuse('dns', hostname);
      if (cb) process.nextTick(() => cb(err));
      return undefined as unknown as ReturnType<typeof lookup>;
    }
    return (lookup as (...a: unknown[]) => unknown).call(dns, hostname, ...rest);
  } as typeof lookup;
  const lookupAsync = dns.promises.lookup;
  dns.promises.lookup = function guardedLookupAsync(hostname: string, ...rest: unknown[]) {
    if (!isLocalHost(hostname)) return Promise.reject(refuse('dns', hostname));
    return (lookupAsync as (...a: unknown[]) => unknown).call(dns.promises, hostname, ...rest);
  } as typeof lookupAsync;
  for (const name of ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveTxt', 'reverse'] as const) {
    (dns as unknown as Record<string, unknown>)[name] = (hostname: string, ...rest: unknown[]) => {
      const cb = rest.find((a) => typeof a === 'function') as ((e: Error) => void) | undefined;
      const err = refuse('dns', String(hostname));
      if (!cb) throw err;
      process.nextTick(() => cb(err));
    };
  }

  // fetch (undici keeps its own sockets, so check the URL up front).
  const fetch_ = globalThis.fetch;
  if (fetch_) {
    globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (!isLocalHost(urlHost(url))) return Promise.reject(refuse('fetch', url));
      return fetch_(input, init);
    }) as typeof fetch;
  }

  // http(s).request/get: recorded by URL as well as by the socket they would open.
  for (const mod of [http, https]) {
    for (const name of ['request', 'get'] as const) {
      const original = mod[name] as (...a: unknown[]) => http.ClientRequest;
      (mod as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        const first = args[0];
        const host =
          typeof first === 'string'
            ? urlHost(first)
            : first instanceof URL
              ? first.hostname
              : ((first as { hostname?: string; host?: string } | undefined)?.hostname ??
                (first as { host?: string } | undefined)?.host);
        if (!isLocalHost(host)) refuse('http', String(host));
        return original.apply(mod, args);
      };
    }
  }
  syncBuiltinESMExports();
  if (log) appendFileSync(log, `${JSON.stringify({ kind: 'installed', target: '', pid: process.pid })}\n`);
}

// Loaded with --import by a test that gave it a log: install at once.
if (process.env.KITH_NETGUARD_LOG) installNetGuard();
