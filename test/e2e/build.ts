// Builds the renderer for a test run into a folder of its own (never the developer's dist/).
import { join } from 'node:path';
import { build } from 'vite';
import { repoRoot } from '../helpers/shared.ts';

export async function buildRenderer(outDir: string): Promise<string> {
  await build({
    configFile: join(repoRoot, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  return outDir;
}
