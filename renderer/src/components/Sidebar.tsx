// Navigation, the scan at a glance, and undo/redo.
import type { ReactNode } from 'react';
import { useActions, useApp } from '../context.ts';
import { num } from '../format.ts';
import type { Route } from '../store/app-store.ts';
import {
  FolderIcon,
  KeyboardIcon,
  PeopleIcon,
  PhotoIcon,
  RedoIcon,
  UndoIcon,
  UnknownFaceIcon,
} from './icons.tsx';
import { isScanActive, ScanProgress } from './LibraryView.tsx';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
export const MOD = isMac ? '⌘' : 'Ctrl+';

export function Sidebar() {
  const route = useApp((s) => s.route);
  const status = useApp((s) => s.status);
  const scan = useApp((s) => s.scan);
  const busy = useApp((s) => s.busy);
  const actions = useActions();
  const go = (r: Route) => void actions.navigate(r);
  const current = route.view === 'person' ? 'people' : route.view;

  return (
    <nav className="sidebar" aria-label="Kith">
      <div className="brand">
        <img src="./icon.svg" alt="" width={28} height={28} />
        <span>Kith</span>
      </div>
      <ul className="nav">
        <NavItem
          active={current === 'people'}
          onClick={() => go({ view: 'people' })}
          icon={<PeopleIcon />}
          label="People"
          count={status?.people}
          shortcut={`${MOD}1`}
        />
        <NavItem
          active={current === 'unassigned'}
          onClick={() => go({ view: 'unassigned' })}
          icon={<UnknownFaceIcon />}
          label="Unassigned"
          count={status?.unassignedFaces}
          shortcut={`${MOD}2`}
        />
        <NavItem
          active={current === 'photos'}
          onClick={() => go({ view: 'photos' })}
          icon={<PhotoIcon />}
          label="Photos"
          count={undefined}
          shortcut={`${MOD}4`}
        />
        <NavItem
          active={current === 'library'}
          onClick={() => go({ view: 'library' })}
          icon={<FolderIcon />}
          label="Library"
          count={undefined}
          shortcut={`${MOD}3`}
        />
      </ul>
      <div className="sidebar-spacer" />
      {scan && isScanActive(scan) && (
        <button type="button" className="sidebar-scan" onClick={() => go({ view: 'library' })}>
          <ScanProgress scan={scan} compact />
        </button>
      )}
      <button
        type="button"
        className="button is-quiet sidebar-help"
        onClick={() => actions.setDialog('export')}
        title="Export names and faces"
      >
        Export…
      </button>
      <button
        type="button"
        className="button is-quiet sidebar-help"
        onClick={() => actions.setShortcutsOpen(true)}
        aria-keyshortcuts="?"
        title="Keyboard shortcuts (?)"
      >
        <KeyboardIcon size={16} /> Shortcuts
      </button>
      <div className="history-buttons" role="toolbar" aria-label="History">
        <button
          type="button"
          className="button is-quiet"
          disabled={busy || !status?.canUndo}
          onClick={() => void actions.undo()}
          title={`Undo (${MOD}Z)`}
        >
          <UndoIcon size={16} /> Undo
        </button>
        <button
          type="button"
          className="button is-quiet"
          disabled={busy || !status?.canRedo}
          onClick={() => void actions.redo()}
          title={`Redo (${isMac ? '⇧⌘Z' : 'Ctrl+Shift+Z'})`}
        >
          <RedoIcon size={16} /> Redo
        </button>
      </div>
    </nav>
  );
}

function NavItem(props: {
  active: boolean;
  onClick: () => void;
  icon: ReactNode;
  label: string;
  count: number | undefined;
  shortcut: string;
}) {
  return (
    <li>
      <button
        type="button"
        className={`nav-item${props.active ? ' is-active' : ''}`}
        aria-current={props.active ? 'page' : undefined}
        onClick={props.onClick}
        title={`${props.label} (${props.shortcut})`}
      >
        {props.icon}
        <span className="nav-label">{props.label}</span>
        {props.count !== undefined && props.count > 0 && (
          <span className="nav-count">{num(props.count)}</span>
        )}
      </button>
    </li>
  );
}
