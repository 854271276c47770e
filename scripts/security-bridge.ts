// `node --import tsx scripts/security-bridge.ts --library DIR --static DIR`: the HTTP bridge over a
// library, serving an already built renderer, in a process of its own, so the zero-network test
// (test/integration/no-network.test.ts) can watch everything it does (network guard, strace) while
// a browser drives the UI. Prints one JSON line {"url","origin","pid"} when it listens; SIGTERM
// closes it.
// As the app's utility process does (electron/shell/service-process.ts): no third-party telemetry.
import '../electron/shell/offline.ts';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBridge } from '../dev/bridge.ts';
import { LibraryService } from '../electron/core/service/library-service.ts';

const { values } = parseArgs({
  options: { library: { type: 'string' }, static: { type: 'string' }, pipeline: { type: 'string' } },
});
if (!values.library || !values.static) {
  console.error('usage: security-bridge.ts --library DIR --static DIR [--pipeline ID]');
  process.exit(2);
}

const service = LibraryService.open({
  libraryDir: resolve(values.library),
  pipeline: values.pipeline,
  create: true,
});
const bridge = await startBridge({ service, staticDir: resolve(values.static), validateOutput: true });
process.stdout.write(`${JSON.stringify({ url: bridge.url, origin: bridge.origin, pid: process.pid })}\n`);

let closing = false;
const stop = async () => {
  if (closing) return;
  closing = true;
  await bridge.close();
  await service.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
