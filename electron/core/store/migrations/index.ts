// The ordered list of schema migrations. Add a file per version and list it here; versions are 1..N
// with no gaps (the runner checks). Never edit a migration that has shipped: add a new one.
import type { Migration } from '../migrate.ts';
import * as m0001 from './0001_initial.ts';

export const migrations: readonly Migration[] = [m0001];

/** Schema version this build of Kith writes. */
export const SCHEMA_VERSION: number = migrations.length;
