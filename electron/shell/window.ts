// The one app window. The BrowserWindow class comes in as a parameter, so this module never loads
// Electron and a unit test constructs the window with a recording fake: the options it checks are
// exactly the ones the app passes. The webPreferences stay an object literal at the
// `new BrowserWindow` call, where Electronegativity reads them (scripts/security-electronegativity.ts).
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_ORIGIN } from './security.ts';

export interface WindowSetup {
  /** The bundled preload (dist/shell/preload.cjs). */
  preload: string;
  icon: string;
  /** DevTools only in development (not packaged). */
  devTools: boolean;
}

/** What this module uses of a BrowserWindow. */
export interface AppWindow {
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
  loadURL(url: string): Promise<void>;
}

export type WindowClass<W> = new (options: BrowserWindowConstructorOptions) => W;

export function createMainWindow<W extends AppWindow>(BrowserWindow: WindowClass<W>, setup: WindowSetup): W {
  const w = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 760,
    minHeight: 520,
    show: false,
    title: 'Kith',
    backgroundColor: '#00000000',
    icon: setup.icon,
    webPreferences: {
      preload: setup.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Middle-click (auxclick) could open links in new windows; there are none, but be sure.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      devTools: setup.devTools,
    },
  });
  w.once('ready-to-show', () => w.show());
  void w.loadURL(`${APP_ORIGIN}/index.html`);
  return w;
}
