// The installed package's root folder (for scripts shipped beside the sources).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRootDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../..');
}
