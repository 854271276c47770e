// The Electron main process: one window, secure defaults, the contract's IPC, two confined protocols,
// and the library service in a utility process. Kept thin: everything it calls is tested in plain Node.
//
// [Note: shell security] contextIsolation, sandbox and no nodeIntegration for the page; the preload
// exposes one object; every IPC sender is checked and every payload validated (ipc.ts); a strict CSP
// on the page (protocols.ts) and on every response; no navigation away from the app, no new windows,
// no webviews, no permissions (camera, notifications…) granted; no remote content is ever loaded.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, Menu, session, shell, type WebContents } from 'electron';
import { defaultLibraryDir, userDataDir } from '../core/paths.ts';
import { EVENT_CHANNEL } from '../shared/preload-api.ts';
import { registerIpc } from './ipc.ts';
import { buildMenu } from './menu.ts';
import { APP_CSP, APP_ORIGIN, handleProtocols, registerSchemes } from './protocols.ts';
import { ServiceHost } from './service-host.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const RENDERER_DIR = join(repo, 'dist', 'renderer');
const PRELOAD = join(repo, 'dist', 'shell', 'preload.cjs');

// The same data folder as `kith` on the command line, so both see one library.
app.setName('Kith');
app.setPath('userData', userDataDir());
app.enableSandbox();
registerSchemes();

if (!app.requestSingleInstanceLock()) app.quit();

let win: BrowserWindow | null = null;
let service: ServiceHost | null = null;

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 760,
    minHeight: 520,
    show: false,
    title: 'Kith',
    backgroundColor: '#00000000',
    icon: join(repo, 'resources', 'icons', '256x256.png'),
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  w.once('ready-to-show', () => w.show());
  void w.loadURL(`${APP_ORIGIN}/index.html`);
  return w;
}

function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the web (none today) open in the user's browser, never in the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

app.on('web-contents-created', (_event, contents) => lockDown(contents));

app.on('second-instance', () => {
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});

app.whenReady().then(async () => {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [APP_CSP] } });
  });

  service = new ServiceHost({
    libraryDir: defaultLibraryDir(),
    modelsDir: process.env.KITH_MODELS_DIR,
  });
  service.onEvent((name, payload) => win?.webContents.send(EVENT_CHANNEL, name, payload));
  handleProtocols(RENDERER_DIR, service);
  registerIpc(
    service,
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
    await service.ready();
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
});

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
