// The Electron main process: one window, secure defaults, the contract's IPC, two confined protocols,
// and the library service in a utility process. Kept thin: everything it calls is tested in plain Node.
//
// The rules themselves are plain functions tested without Electron: see [Note: shell security] in
// security.ts, and window.ts for the window's webPreferences.
// First: telemetry of native dependencies off before anything loads them (offline.ts).
import './offline.ts';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron';
import { defaultLibraryDir, userDataDir } from '../core/paths.ts';
import { EVENT_CHANNEL } from '../shared/preload-api.ts';
import { registerIpc } from './ipc.ts';
import { buildMenu } from './menu.ts';
import { handleProtocols, registerSchemes } from './protocols.ts';
import { denyPermissionCheck, denyPermissionRequest, lockDown, withCsp } from './security.ts';
import { ServiceHost } from './service-host.ts';
import { runAsPrimary } from './single-instance.ts';
import { createMainWindow } from './window.ts';

// Runs built (dist/app/main.mjs, `npm run build`): the app root is two folders up, as from the source.
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const RENDERER_DIR = join(repo, 'dist', 'renderer');
const PRELOAD = join(repo, 'dist', 'shell', 'preload.cjs');

// The same data folder as `kith` on the command line, so both see one library.
app.setName('Kith');
app.setPath('userData', userDataDir());
app.enableSandbox();
registerSchemes(protocol);

let win: BrowserWindow | null = null;
let service: ServiceHost | null = null;

function createWindow(): BrowserWindow {
  return createMainWindow(BrowserWindow, {
    preload: PRELOAD,
    icon: join(repo, 'resources', 'icons', '256x256.png'),
    devTools: !app.isPackaged,
  });
}

app.on('web-contents-created', (_event, contents) => lockDown(contents));

function focusWindow(): void {
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
}

async function start(): Promise<void> {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler(denyPermissionRequest);
  ses.setPermissionCheckHandler(denyPermissionCheck);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders) });
  });

  const host = new ServiceHost({
    libraryDir: defaultLibraryDir(),
    modelsDir: process.env.KITH_MODELS_DIR,
    watch: true, // the app's folders watch themselves
  });
  service = host;
  host.onEvent((name, payload) => win?.webContents.send(EVENT_CHANNEL, name, payload));
  handleProtocols(protocol, RENDERER_DIR, (request) => host.media(request));
  registerIpc(
    ipcMain,
    host,
    {
      chooseFolders: async (sender) => {
        const owner = BrowserWindow.fromWebContents(sender);
        const options = {
          title: 'Add photo folders',
          properties: ['openDirectory', 'multiSelections'] as const,
        };
        const r = owner
          ? await dialog.showOpenDialog(owner, { ...options, properties: [...options.properties] })
          : await dialog.showOpenDialog({ ...options, properties: [...options.properties] });
        return { paths: r.canceled ? [] : r.filePaths };
      },
    },
    () => win?.webContents ?? null,
  );
  Menu.setApplicationMenu(buildMenu());
  try {
    await host.ready();
  } catch (err) {
    dialog.showErrorBox('Kith cannot open its library', err instanceof Error ? err.message : String(err));
    app.quit();
    return;
  }
  win = createWindow();
  win.on('closed', () => {
    win = null;
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createWindow();
  });
}

runAsPrimary(app, { start, onSecondInstance: focusWindow });

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !service) return;
  // Let a running scan save the files in flight before the process goes.
  event.preventDefault();
  quitting = true;
  void service.close().finally(() => app.quit());
});
