// `node --import tsx scripts/security-utility.ts`: the app's utility process (electron/shell/
// service-process.ts, the module Electron forks for the library service) in plain Node, with its
// parentPort carried over stdin/stdout as JSON lines (one message each way per line). The
// zero-network test (test/integration/no-network.test.ts) drives a real scan, grouping and exports
// through it while watching the process. Media replies (bytes) are not supported.
import { createInterface } from 'node:readline';

type Listener = (e: { data: unknown }) => void;
const listeners: Listener[] = [];
(process as unknown as { parentPort: unknown }).parentPort = {
  on: (_event: 'message', fn: Listener) => listeners.push(fn),
  postMessage: (m: unknown) => process.stdout.write(`${JSON.stringify(m)}\n`),
};
await import('../electron/shell/service-process.ts');

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue;
  const data = JSON.parse(line) as unknown;
  for (const l of listeners) l({ data });
}
