// Bundles the Electron preload into one CommonJS file (dist/shell/preload.cjs): a sandboxed preload
// cannot load other modules, so its few imports (channel names) are inlined. The main and utility
// processes run their TypeScript through tsx and need no bundle.
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../test/helpers/shared.ts';

await build({
  entryPoints: [join(repoRoot, 'electron/shell/preload.ts')],
  outfile: join(repoRoot, 'dist/shell/preload.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  logLevel: 'warning',
});
console.log('dist/shell/preload.cjs');
