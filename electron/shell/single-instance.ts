// Kith runs once per user: a second launch hands over to the first (which shows its window) and
// quits without starting anything of its own; in particular not a second library service on the
// same library. A plain function over the few `app` calls it needs, so it is tested without Electron.

export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
  whenReady(): Promise<unknown>;
}

export interface PrimaryHooks {
  /** The app's start-up, run once Electron is ready; only in the first instance. */
  start(): void | Promise<void>;
  /** Another launch was handed to this instance (bring the window forward). */
  onSecondInstance(): void;
}

/**
 * Takes the single-instance lock and starts the app when ready; a second instance quits instead and
 * starts nothing. Returns whether this is the primary instance.
 */
export function runAsPrimary(app: SingleInstanceApp, hooks: PrimaryHooks): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', hooks.onSecondInstance);
  void app.whenReady().then(hooks.start);
  return true;
}
