// Writes the bundled Electron preload to dist/shell/preload.cjs (scripts/preload-bundle.ts). The main
// and utility processes run their TypeScript through tsx and need no bundle.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../test/helpers/shared.ts';
import { bundlePreload } from './preload-bundle.ts';

const outfile = join(repoRoot, 'dist/shell/preload.cjs');
await mkdir(join(repoRoot, 'dist/shell'), { recursive: true });
await writeFile(outfile, await bundlePreload());
console.log('dist/shell/preload.cjs');
