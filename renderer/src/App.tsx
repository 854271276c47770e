// The window: sidebar + the current view, the photo viewer on top, toasts; global shortcuts.
import { useEffect, useMemo } from 'react';
import type { EventPayload } from '../../electron/shared/api.ts';
import type { KithClient } from './api/client.ts';
import { dismissBootScreen } from './boot-screen.ts';
import { ExportDialog } from './components/ExportDialog.tsx';
import { ImproveDialog } from './components/ImproveDialog.tsx';
import { LibraryView } from './components/LibraryView.tsx';
import { MergeSuggestionsDialog } from './components/MergeSuggestionsDialog.tsx';
import { PeopleView } from './components/PeopleView.tsx';
import { PersonView } from './components/PersonView.tsx';
import { PhotosView } from './components/PhotosView.tsx';
import { PhotoViewer } from './components/PhotoViewer.tsx';
import { ShortcutsHelp } from './components/ShortcutsHelp.tsx';
import { Sidebar } from './components/Sidebar.tsx';
import { Toasts } from './components/Toasts.tsx';
import { UnassignedView } from './components/UnassignedView.tsx';
import { AppContext, useActions, useApp, useAppState, useClient } from './context.ts';
import { type AppStore, createAppStore, type Prefetched } from './store/app-store.ts';

export function App({
  client,
  store: given,
  prefetched,
}: {
  client: KithClient;
  store?: AppStore;
  prefetched?: Prefetched | undefined;
}) {
  const store = useMemo(() => given ?? createAppStore(client, { prefetched }), [client, given, prefetched]);
  useEffect(() => {
    void store.getState().actions.init();
  }, [store]);
  return (
    <AppContext.Provider value={{ store, client }}>
      <Shell />
    </AppContext.Provider>
  );
}

/** Shown when the page was opened without the bridge's token. */
export function NoConnection() {
  useEffect(dismissBootScreen, []);
  return (
    <div className="fatal" role="alert">
      <h1>Open Kith from its link</h1>
      <p>
        This page needs the address printed by <code>npm run dev:web</code> (it carries the session’s token).
      </p>
    </div>
  );
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable);
}

function useShortcuts() {
  const actions = useActions();
  const client = useClient();
  const state = useAppState();
  useEffect(() => {
    const command = (c: EventPayload<'menu'>['command']) => {
      switch (c) {
        case 'undo':
          return void actions.undo();
        case 'redo':
          return void actions.redo();
        case 'people':
          return void actions.navigate({ view: 'people' });
        case 'unassigned':
          return void actions.navigate({ view: 'unassigned' });
        case 'photos':
          return void actions.navigate({ view: 'photos' });
        case 'shortcuts':
          return actions.setShortcutsOpen();
        case 'library':
          return void actions.navigate({ view: 'library' });
        case 'addFolder':
          return void actions.chooseFolders();
        case 'scan':
          return void actions.startScan();
        case 'export':
          return actions.setDialog('export');
        case 'find':
          void actions
            .navigate({ view: 'people' })
            .then(() => document.getElementById('people-search')?.focus());
          return;
      }
    };
    const onKey = (e: KeyboardEvent) => {
      const mod = e.metaKey || e.ctrlKey;
      if (isTyping(e.target)) return; // text fields keep their own undo and keys
      const key = e.key.toLowerCase();
      if (e.altKey && !mod && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
        e.preventDefault();
        void actions.goHistory(e.key === 'ArrowLeft' ? -1 : 1);
      } else if (e.key === 'Escape' && !e.defaultPrevented && !mod && !e.altKey) {
        // Out of a person, back to People (a dialog or a selection takes Escape first).
        const s = state();
        if (s.route.view === 'person' && !s.photo && !s.dialog && !s.shortcutsOpen && !s.review)
          void actions.navigate({ view: 'people' });
      } else if (mod && key === 'z') {
        e.preventDefault();
        command(e.shiftKey ? 'redo' : 'undo');
      } else if (mod && key === 'y') {
        e.preventDefault();
        command('redo');
      } else if (mod && (key === '1' || key === '2' || key === '3' || key === '4')) {
        e.preventDefault();
        command(key === '1' ? 'people' : key === '2' ? 'unassigned' : key === '3' ? 'library' : 'photos');
      } else if (!mod && !e.altKey && e.key === '?') {
        e.preventDefault();
        command('shortcuts');
      } else if ((mod && key === 'f') || (!mod && key === '/')) {
        e.preventDefault();
        command('find');
      }
    };
    window.addEventListener('keydown', onKey);
    const off = client.on('menu', ({ command: c }) => command(c));
    return () => {
      window.removeEventListener('keydown', onKey);
      off();
    };
  }, [actions, client, state]);
}

function Shell() {
  const phase = useApp((s) => s.phase);
  const fatal = useApp((s) => s.fatal);
  const route = useApp((s) => s.route);
  const photoOpen = useApp((s) => s.photo !== null);
  const dialog = useApp((s) => s.dialog);
  useShortcuts();
  // The first paint's static shell covers the window until this view has its data.
  useEffect(() => {
    if (phase !== 'loading') dismissBootScreen();
  }, [phase]);

  if (phase === 'error') {
    return (
      <div className="fatal" role="alert">
        <h1>Kith cannot open the library</h1>
        <p>{fatal}</p>
      </div>
    );
  }
  return (
    <div className="app" aria-busy={phase === 'loading'}>
      <Sidebar />
      <main className="main">
        {route.view === 'people' && <PeopleView />}
        {route.view === 'person' && <PersonView key={route.personId} />}
        {route.view === 'unassigned' && <UnassignedView />}
        {route.view === 'photos' && <PhotosView />}
        {route.view === 'library' && <LibraryView />}
      </main>
      {photoOpen && <PhotoViewer />}
      {dialog === 'export' && <ExportDialog />}
      {dialog === 'improve' && <ImproveDialog />}
      {dialog === 'merges' && <MergeSuggestionsDialog />}
      <ShortcutsHelp />
      <Toasts />
    </div>
  );
}
