// `npm run dev:web [-- --library DIR] [--port N] [--pipeline ID] [--models-dir DIR] [--built]`
// The real UI on the real core in a browser: the library service and the HTTP bridge in this process,
// the renderer from Vite's dev server (mounted in the bridge, same origin; `--built` serves
// dist/renderer instead). Prints the URL with this run's token.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultLibraryDir } from '../electron/core/paths.ts';
import { LibraryService } from '../electron/core/service/library-service.ts';
import { repoRoot } from '../test/helpers/shared.ts';
import { startBridge } from './bridge.ts';

const { values } = parseArgs({
  options: {
    library: { type: 'string' },
    port: { type: 'string' },
    pipeline: { type: 'string' },
    'models-dir': { type: 'string' },
    built: { type: 'boolean', default: false },
  },
});

const libraryDir = resolve(values.library ?? defaultLibraryDir());
const service = LibraryService.open({
  libraryDir,
  pipeline: values.pipeline,
  modelsDir: values['models-dir'] ?? process.env.KITH_MODELS_DIR,
});
const staticDir = resolve(repoRoot, 'dist/renderer');
if (values.built && !existsSync(staticDir)) {
  console.error('dist/renderer is missing: run `npm run build:renderer` first.');
  process.exit(1);
}
const bridge = await startBridge({
  service,
  port: values.port === undefined ? 0 : Number(values.port),
  ...(values.built ? { staticDir } : {}),
});

let vite: { close(): Promise<void> } | null = null;
if (!values.built) {
  const { createServer } = await import('vite');
  const server = await createServer({
    configFile: resolve(repoRoot, 'vite.config.ts'),
    server: { middlewareMode: true, ws: { server: bridge.server } },
    appType: 'spa',
  });
  bridge.setFallback((req, res, next) => server.middlewares(req, res, next));
  vite = server;
}

console.log(`Kith library: ${libraryDir}`);
console.log(`Open: ${bridge.url}`);

let closing = false;
const stop = async () => {
  if (closing) return;
  closing = true;
  await vite?.close();
  await bridge.close();
  await service.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
