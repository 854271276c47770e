// Calls one API method on the service from untrusted input (an IPC message, an HTTP body): checks the
// method name, validates the payload with the contract's schema, runs the handler and turns every
// outcome into an Envelope. Shared by the Electron utility process and the HTTP bridge, so both
// answer a malformed request, a refused correction or a bug the same way.
import {
  ApiError,
  type ApiErrorShape,
  type Envelope,
  hostMethods,
  isMethodName,
  type MethodName,
  methods,
  parseInput,
  type ServiceHandlers,
  type ServiceMethod,
} from '../../shared/api.ts';
import { CorrectionError } from '../people/corrections.ts';
import { storageProblem } from '../store/errors.ts';
import { ScanAlreadyRunningError } from '../store/writer.ts';

export interface DispatchOptions {
  /** Also check each result against the contract's output schema (tests, development). */
  validateOutput?: boolean;
  /** Called with unexpected errors (a bug, a disk error) before they are answered as 'internal'. */
  onInternalError?: (method: string, err: unknown) => void;
}

const HOST = new Set<string>(hostMethods);

/** The contract's error for anything a handler throws. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof CorrectionError) return new ApiError(err.category, err.message);
  if (err instanceof ScanAlreadyRunningError) return new ApiError('conflict', err.message);
  const storage = storageProblem(err);
  if (storage !== null) return new ApiError('storage', storage);
  return new ApiError('internal', err instanceof Error ? err.message : String(err));
}

export function errorEnvelope(err: unknown): { ok: false; error: ApiErrorShape } {
  return { ok: false, error: toApiError(err).toShape() };
}

export async function dispatch(
  handlers: ServiceHandlers,
  method: unknown,
  rawInput: unknown,
  options: DispatchOptions = {},
): Promise<Envelope<unknown>> {
  if (!isMethodName(method)) {
    return errorEnvelope(new ApiError('unknown-method', `Unknown method ${JSON.stringify(method)}.`));
  }
  if (HOST.has(method)) {
    return errorEnvelope(new ApiError('unsupported', `${method} is not available here.`));
  }
  const name = method as ServiceMethod;
  try {
    const input = parseInput(name, rawInput);
    const handler = handlers[name] as (input: unknown) => unknown;
    const value = await handler(input);
    if (options.validateOutput) {
      const r = methods[name as MethodName].output.safeParse(value);
      if (!r.success) throw new Error(`${name}: result does not match the contract: ${r.error.message}`);
    }
    return { ok: true, value };
  } catch (err) {
    const e = toApiError(err);
    if (e.code === 'internal') options.onInternalError?.(name, err);
    return { ok: false, error: e.toShape() };
  }
}
