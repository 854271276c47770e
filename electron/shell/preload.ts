// The preload (sandboxed; bundled to dist/shell/preload.cjs by scripts/ui-build-shell.ts). It exposes
// exactly one object, `window.kith` (preload-core.ts): invoke a method of the contract, subscribe to
// its events. No ipcRenderer, no Node reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { createKithPreload } from './preload-core.ts';

contextBridge.exposeInMainWorld('kith', createKithPreload(ipcRenderer));
