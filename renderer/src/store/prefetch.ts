// The first screen's requests, started by the page's entry (renderer/src/main.tsx) before the app's
// code has loaded: init (app-store.ts) uses them instead of asking again.
import type { LibraryStatus, Output, Settings } from '../../../electron/shared/api.ts';
import type { KithClient } from '../api/client.ts';

export interface Prefetched {
  status: Promise<LibraryStatus>;
  settings: Promise<Settings>;
  people: Promise<Output<'listPeople'>>;
}

/** Starts the requests the first screen needs (the default People query). */
export function prefetch(api: KithClient): Prefetched {
  const p: Prefetched = {
    status: api.getLibraryStatus(),
    settings: api.getSettings(),
    people: api.listPeople({ sort: 'size', search: '', includeHidden: false }),
  };
  // Failures are reported by init when it awaits them, not as unhandled rejections.
  for (const x of Object.values(p)) (x as Promise<unknown>).catch(() => {});
  return p;
}
