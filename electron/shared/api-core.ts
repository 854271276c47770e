// The zod-free half of the contract (see [Note: the API contract] in api.ts): error codes, the wire
// envelope and ApiError. The renderer imports only this (and types) at start-up, so its first paint
// does not wait for zod and the schemas; api.ts re-exports all of it.

export const ERROR_CODES = [
  /** The payload did not match the contract. */
  'invalid-request',
  /** No such method. */
  'unknown-method',
  /** The person, face or photo does not exist (any more). */
  'not-found',
  /** Refused by a rule: e.g. a scan is already running, or the correction is not allowed. */
  'conflict',
  /** Not available in this host (e.g. the native folder dialog in a browser). */
  'unsupported',
  /** Token missing or wrong (bridge). */
  'unauthorized',
  /** The library's disk refused the change (full, read-only, failing) or another program holds it. */
  'storage',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiErrorShape {
  code: ErrorCode;
  message: string;
  issues?: Array<{ path: string; message: string }> | undefined;
}

/** Every response on the wire (IPC and HTTP): errors travel as data, not as thrown exceptions. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiErrorShape };

/** An error with a code, on both sides of the wire. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly issues: ApiErrorShape['issues'];
  constructor(code: ErrorCode, message: string, issues?: ApiErrorShape['issues']) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.issues = issues;
  }

  toShape(): ApiErrorShape {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
}

const CODES = new Set<string>(ERROR_CODES);

/** Checks the shape of an envelope (the value itself is typed by the method's contract). */
export function isEnvelope(x: unknown): x is Envelope<unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  if (o.ok === true) return 'value' in o;
  if (o.ok !== false || typeof o.error !== 'object' || o.error === null) return false;
  const e = o.error as Record<string, unknown>;
  return typeof e.code === 'string' && CODES.has(e.code) && typeof e.message === 'string';
}

/** HTTP status for an error code (the bridge). */
export const httpStatusOf: Record<ErrorCode, number> = {
  'invalid-request': 400,
  'unknown-method': 404,
  'not-found': 404,
  conflict: 409,
  unsupported: 501,
  unauthorized: 401,
  storage: 507,
  internal: 500,
};
