// In-app back/forward over the views (Alt+← / Alt+→, Escape from a person): two stacks of routes,
// like a browser's, without touching the page's URL (the Electron window has none to show).
import type { Route } from './app-store.ts';

export interface RouteHistory {
  back: readonly Route[];
  forward: readonly Route[];
}

export const emptyHistory: RouteHistory = { back: [], forward: [] };

/** At most this many steps back are kept. */
const MAX_BACK = 100;

export const sameRoute = (a: Route, b: Route): boolean =>
  a.view === b.view && (a.view !== 'person' || (b.view === 'person' && a.personId === b.personId));

/** Going from `from` to a new route: `from` goes on the back stack and forward is forgotten. */
export function pushRoute(h: RouteHistory, from: Route, to: Route): RouteHistory {
  if (sameRoute(from, to)) return h;
  return { back: [...h.back, from].slice(-MAX_BACK), forward: [] };
}

/** One step back (or forward, `delta` 1) from `current`: the route to show and the new history. */
export function stepRoute(
  h: RouteHistory,
  current: Route,
  delta: -1 | 1,
): { route: Route; history: RouteHistory } | null {
  const from = delta < 0 ? h.back : h.forward;
  const route = from.at(-1);
  if (!route) return null;
  const rest = from.slice(0, -1);
  return delta < 0
    ? { route, history: { back: rest, forward: [...h.forward, current] } }
    : { route, history: { back: [...h.back, current], forward: rest } };
}

/** A person that no longer exists (merged away) is dropped from both stacks. */
export function forgetPeople(h: RouteHistory, personIds: readonly number[]): RouteHistory {
  const keep = (r: Route) => r.view !== 'person' || !personIds.includes(r.personId);
  const back = h.back.filter(keep);
  const forward = h.forward.filter(keep);
  return back.length === h.back.length && forward.length === h.forward.length ? h : { back, forward };
}
