// Imported first by main.tsx, so it runs before React and the views are evaluated: picks the
// transport and starts the first screen's requests at once — data and code load in parallel.
import { resolveClient } from './api/env.ts';
import { prefetch } from './store/app-store.ts';

export const client = resolveClient();
export const prefetched = client ? prefetch(client) : undefined;
