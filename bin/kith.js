#!/usr/bin/env node
// The `kith` command. Runs the TypeScript sources directly through tsx so that
// `npx kith …` works right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../electron/cli/main.ts');
