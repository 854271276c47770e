// Electron's entry: the main process runs the TypeScript sources through tsx (as bin/kith.js does).
const { register } = require('tsx/esm/api');

register();
import('./main.ts').catch((err) => {
  console.error(err);
  process.exit(1);
});
