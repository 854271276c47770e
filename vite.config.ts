// Vite builds the React renderer (renderer/ → dist/renderer). No React plugin: Vite 8's Oxc transform
// compiles TSX with the automatic runtime; the dev server runs inside the bridge (dev/vite.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  publicDir: fileURLToPath(new URL('./renderer/public', import.meta.url)),
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    // No inline scripts or data: modules, so the strict CSP (script-src 'self') holds.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  // The dev server runs behind the bridge's token (dev/vite.ts). It serves renderer/ and
  // what renderer code imports (Vite allows the modules it resolved), nothing else of the disk.
  server: { fs: { strict: true, allow: [root] }, cors: false },
  clearScreen: false,
});
