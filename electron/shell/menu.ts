// The application menu. Commands that belong to the UI (add folder, views, find) are sent to the
// renderer as `menu` events; editing, window and view roles are Electron's own.
import { app, BrowserWindow, Menu, type MenuItemConstructorOptions } from 'electron';
import type { EventPayload } from '../shared/api.ts';
import { EVENT_CHANNEL } from '../shared/preload-api.ts';

type Command = EventPayload<'menu'>['command'];

function send(command: Command): void {
  BrowserWindow.getFocusedWindow()?.webContents.send(EVENT_CHANNEL, 'menu', { command });
}

export function buildMenu(): Menu {
  const isMac = process.platform === 'darwin';
  const item = (label: string, accelerator: string, command: Command): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => send(command),
  });
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        item('Add Folder…', 'CmdOrCtrl+O', 'addFolder'),
        item('Scan Now', 'CmdOrCtrl+Shift+S', 'scan'),
        item('Export…', 'CmdOrCtrl+Shift+E', 'export'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      // Undo/Redo here are the text fields' own; outside a text field the page takes Ctrl/Cmd-Z for
      // undoing corrections before the menu sees it.
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
        { type: 'separator' },
        item('Find Person', 'CmdOrCtrl+F', 'find'),
      ],
    },
    {
      label: 'View',
      submenu: [
        item('People', 'CmdOrCtrl+1', 'people'),
        item('Unassigned Faces', 'CmdOrCtrl+2', 'unassigned'),
        item('Library', 'CmdOrCtrl+3', 'library'),
        item('Photos', 'CmdOrCtrl+4', 'photos'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged
          ? []
          : [
              { type: 'separator' as const },
              { role: 'reload' as const },
              { role: 'toggleDevTools' as const },
            ]),
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [item('Keyboard Shortcuts', 'Shift+/', 'shortcuts')] },
  ];
  return Menu.buildFromTemplate(template);
}
