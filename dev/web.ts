// `npm run dev:web [-- --library DIR] [--port N] [--pipeline ID] [--models-dir DIR] [--renderer DIR] [--hot]`
// The real UI on the real core in a browser: the library service and the HTTP bridge in this process.
// By default the bridge serves the built renderer (`--renderer`, default dist/renderer from
// `npm run build:renderer`); `--hot`
// mounts Vite's dev server behind the bridge's token instead (hot reload; see dev/vite.ts).
// Prints the URL with this run's token.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultLibraryDir } from '../electron/core/paths.ts';
import { LibraryService } from '../electron/core/service/library-service.ts';
import { repoRoot } from '../test/helpers/shared.ts';
import { startBridge } from './bridge.ts';
import { type MountedVite, mountVite } from './vite.ts';

const { values } = parseArgs({
  options: {
    library: { type: 'string' },
    port: { type: 'string' },
    pipeline: { type: 'string' },
    'models-dir': { type: 'string' },
    renderer: { type: 'string' },
    hot: { type: 'boolean', default: false },
    // The default since --hot exists; still accepted.
    built: { type: 'boolean', default: false },
  },
});

const libraryDir = resolve(values.library ?? defaultLibraryDir());
let service: LibraryService;
try {
  // Like the app: a folder without a library starts a new one; a damaged one is reported, not traced.
  service = LibraryService.open({
    libraryDir,
    pipeline: values.pipeline,
    modelsDir: values['models-dir'] ?? process.env.KITH_MODELS_DIR,
    create: true,
    watch: true, // like the app: folders watch themselves
  });
} catch (err) {
  console.error(`dev:web: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
const staticDir = resolve(values.renderer ?? join(repoRoot, 'dist/renderer'));
if (!values.hot && !existsSync(join(staticDir, 'index.html'))) {
  console.error(`${staticDir} holds no built UI: run \`npm run build:renderer\` first (or use --hot).`);
  process.exit(1);
}
const bridge = await startBridge({
  service,
  port: values.port === undefined ? 0 : Number(values.port),
  ...(values.hot ? {} : { staticDir }),
});
const vite: MountedVite | null = values.hot ? await mountVite(bridge) : null;

console.log(`Kith library: ${libraryDir}`);
console.log(`Open: ${vite ? `${bridge.origin}${bridge.devBase}#token=${bridge.token}` : bridge.url}`);

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
