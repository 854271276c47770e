// The store and the API client, provided once at the root.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { KithClient } from './api/client.ts';
import type { AppState, AppStore } from './store/app-store.ts';

export interface AppContextValue {
  store: AppStore;
  client: KithClient;
}

export const AppContext = createContext<AppContextValue | null>(null);

function useAppContext(): AppContextValue {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('AppContext missing');
  return ctx;
}

/** A slice of the app state; re-renders only when the slice changes (Object.is). */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

export function useActions(): AppState['actions'] {
  return useStore(useAppContext().store, (s) => s.actions);
}

export function useClient(): KithClient {
  return useAppContext().client;
}

/** Reads the current state without subscribing (for event handlers). */
export function useAppState(): () => AppState {
  return useAppContext().store.getState;
}
