// The page's entry, kept small (a few KB): it picks the transport, starts the first screen's requests,
// draws the first screenful of people into index.html's static shell (first-paint.ts), and only then
// loads the React app (react-dom alone is ~190 KB: parsing and evaluating it before the first cards
// would hold them back by hundreds of ms on a busy machine).
import { resolveClient } from './api/env.ts';
import { firstPaint } from './first-paint.ts';
import { prefetch } from './store/prefetch.ts';
import './styles.css';

const client = resolveClient();
let app: Promise<typeof import('./app-main.tsx')> | undefined;
const loadApp = () => {
  app ??= import('./app-main.tsx');
  return app;
};
// The app's code is requested in the frame that paints the first cards, before their covers.
const drawn = client ? firstPaint(client, loadApp) : Promise.resolve();
const prefetched = client ? prefetch(client) : undefined;
void drawn.then(loadApp).then((m) => m.start(client, prefetched));
