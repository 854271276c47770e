// Shared argument handling for the `kith` CLI.

import { type ParseArgsConfig, parseArgs } from 'node:util';
import { storageProblem } from '../core/store/errors.ts';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export const commonOptions = {
  library: { type: 'string' },
  'models-dir': { type: 'string' },
  pipeline: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies Options;

/** parseArgs with a friendly error for unknown flags. */
export function parse<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

/** Progress on stderr that rewrites one line on a terminal and prints sparse lines otherwise. */
export function progressLine(): (text: string) => void {
  let last = 0;
  return (text: string) => {
    if (process.stderr.isTTY) {
      process.stderr.write(`\r\x1b[K${text}`);
      return;
    }
    const now = Date.now();
    if (now - last > 2000) {
      last = now;
      process.stderr.write(`${text}\n`);
    }
  };
}

export function endProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}

/** Runs a command's main: its exit status, usage errors with the usage text (2), other errors (1). */
export async function runCli(main: (argv: string[]) => Promise<number>, usage: string): Promise<void> {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (err) {
    endProgress();
    if (err instanceof UsageError) {
      process.stderr.write(`kith: ${err.message}\n\n${usage}`);
      process.exitCode = 2;
    } else {
      // A full or failing disk reads as what to do, not as SQLite's "database or disk is full".
      const message = storageProblem(err) ?? (err instanceof Error ? err.message : String(err));
      process.stderr.write(`kith: ${message}\n`);
      if (process.env.KITH_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      process.exitCode = 1;
    }
  }
}
