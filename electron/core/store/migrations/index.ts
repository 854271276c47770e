// The ordered list of schema migrations. Add a file per version and list it here; versions are 1..N
// with no gaps (the runner checks). Never edit a migration that has shipped: add a new one.
import type { Migration } from '../migrate.ts';
import * as m0001 from './0001_initial.ts';
import * as m0002 from './0002_review_indexes.ts';
import * as m0003 from './0003_face_noise.ts';

export const migrations: readonly Migration[] = [m0001, m0002, m0003];

/** Schema version this build of Kith writes. */
export const SCHEMA_VERSION: number = migrations.length;
