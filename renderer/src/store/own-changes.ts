// Tells the store's own corrections apart from other `libraryChanged` events, so one correction
// reloads the UI once. The service emits the event for every correction, undo and redo, with the same
// person ids the call returns; over the HTTP bridge the event may arrive before or after that
// response. The store refreshes what its own call changed, and this drops the matching event
// whichever comes first; an event that matches none of its calls (another window, the CLI) is
// handed back to be refreshed once the store's own calls are done.
export type ChangeReason = 'correction' | 'undo' | 'redo';

export interface Change {
  reason: ChangeReason;
  personIds: readonly number[];
}

const key = (c: Change) => `${c.reason}:${[...c.personIds].sort((a, b) => a - b).join(',')}`;

export class OwnChanges {
  #inFlight = 0;
  /** Events that came while own calls were in flight, not matched yet. */
  #early: Change[] = [];
  /** Own results whose event has not come yet (dropped after `ttlMs`, in case it never does). */
  readonly #expected = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs = 10_000, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** An own correction, undo or redo is being sent. */
  start(): void {
    this.#inFlight++;
  }

  /**
   * The own call ended (`result`: what it changed; null when it failed or changed nothing). Returns
   * the foreign changes that waited for it, to be refreshed now.
   */
  finish(result: Change | null): Change[] {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (result) {
      const k = key(result);
      const i = this.#early.findIndex((c) => key(c) === k);
      if (i >= 0) this.#early.splice(i, 1);
      else this.#expected.set(k, this.#now() + this.#ttlMs);
    }
    if (this.#inFlight > 0) return [];
    const rest = this.#early;
    this.#early = [];
    return rest;
  }

  /** An event came: true when it needs a refresh now (it is nobody's own, and none is in flight). */
  event(change: Change): boolean {
    const now = this.#now();
    for (const [k, until] of this.#expected) if (until < now) this.#expected.delete(k);
    const k = key(change);
    if (this.#expected.delete(k)) return false;
    if (this.#inFlight > 0) {
      this.#early.push(change);
      return false;
    }
    return true;
  }
}
