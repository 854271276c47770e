// The React app, loaded by the entry (main.tsx) once the first paint is on screen.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, NoConnection } from './App.tsx';
import type { KithClient } from './api/client.ts';
import type { Prefetched } from './store/prefetch.ts';

performance.mark('kith-app-loaded');

export function start(client: KithClient | null, prefetched: Prefetched | undefined): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('#root missing');
  createRoot(root).render(
    <StrictMode>{client ? <App client={client} prefetched={prefetched} /> : <NoConnection />}</StrictMode>,
  );
}
