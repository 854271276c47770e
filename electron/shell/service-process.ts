// The library service in Electron's utility process (started by service-host.ts): scanning, inference
// (worker threads below it), clustering, SQLite and thumbnails all run here, off the main process, so
// the window never stalls. Electron-specific only through `process.parentPort`; no `electron` import.
// First: telemetry of native dependencies off before onnxruntime loads (offline.ts).
import './offline.ts';
import { dispatch, errorEnvelope, LibraryService } from '../core/service/index.ts';
import type { FromService, ToService } from './service-protocol.ts';

const port = process.parentPort;
let service: LibraryService | null = null;
const send = (m: FromService) => port.postMessage(m);

port.on('message', (e: { data: ToService }) => {
  const m = e.data;
  switch (m.type) {
    case 'init':
      try {
        service = LibraryService.open({
          libraryDir: m.libraryDir,
          pipeline: m.pipeline,
          modelsDir: m.modelsDir,
          // The app makes its library on its first run.
          create: true,
          watch: m.watch,
        });
        service.on((event) => send({ type: 'event', name: event.name, payload: event.payload }));
        send({ type: 'ready' });
      } catch (err) {
        send({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
      }
      return;
    case 'call':
      if (!service) {
        send({ type: 'result', id: m.id, envelope: errorEnvelope(new Error('The library is not open.')) });
        return;
      }
      void dispatch(service.handlers, m.method, m.input, {
        onInternalError: (method, err) => console.error(`kith service: ${method}:`, err),
      }).then((envelope) => send({ type: 'result', id: m.id, envelope }));
      return;
    case 'media': {
      const s = service;
      if (!s)
        return send({ type: 'media', id: m.id, ok: false, error: { code: 'internal', message: 'not open' } });
      s.media
        .get(m.request)
        .then((file) =>
          send({
            type: 'media',
            id: m.id,
            ok: true,
            body: new Uint8Array(file.body),
            contentType: file.contentType,
          }),
        )
        .catch((err: unknown) =>
          send({ type: 'media', id: m.id, ok: false, error: errorEnvelope(err).error }),
        );
      return;
    }
    case 'close':
      void (service?.close() ?? Promise.resolve()).finally(() => {
        send({ type: 'closed' });
        process.exit(0);
      });
      return;
  }
});
