// Locates ../shared (benchmark data and models beside the checkout). Tests that need it
// skip with a clear message when it is absent; CI always has it.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedDir = process.env.KITH_SHARED_DIR ?? resolve(repoRoot, '../shared');
export const hasShared = existsSync(join(sharedDir, 'data')) && existsSync(join(sharedDir, 'models'));
export const sharedModelsDir = join(sharedDir, 'models');
export const sharedDataDir = join(sharedDir, 'data');

/** Pass as `{ skip: needShared }` to node:test so a missing ../shared skips instead of failing. */
export const needShared: string | false = hasShared ? false : `../shared not found at ${sharedDir}`;
