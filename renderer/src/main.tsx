// boot.ts first (module order is evaluation order; a side-effect import keeps its place): the first
// requests start before React and the views are evaluated.
import './boot.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, NoConnection } from './App.tsx';
import { client, prefetched } from './boot.ts';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing');

createRoot(root).render(
  <StrictMode>{client ? <App client={client} prefetched={prefetched} /> : <NoConnection />}</StrictMode>,
);
