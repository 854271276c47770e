// The Electron preload bundled into one CommonJS file: a sandboxed preload cannot load other
// modules, so its few imports (channel names) are inlined. One set of build options for the app
// build (scripts/ui-build-shell.ts), the Electronegativity run and the shell security test.
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../test/helpers/shared.ts';

/** The bundled preload's source text. */
export async function bundlePreload(): Promise<string> {
  const out = await build({
    entryPoints: [join(repoRoot, 'electron/shell/preload.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron'],
    write: false,
    logLevel: 'warning',
  });
  return out.outputFiles[0]!.text;
}
