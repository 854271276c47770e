#!/usr/bin/env node
// The `kith` command. Runs the TypeScript sources directly through tsx so that
// `npx kith …` works right after `npm install`, with no build step. `kith bench …` runs the
// checkout's benchmarks (bench/), which are no part of the CLI or the app.
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2] === 'bench' ? '../bench/main.ts' : '../electron/cli/main.ts');
