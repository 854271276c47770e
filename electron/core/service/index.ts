// The service entry: what a host of the library service needs of the core. Electron's utility
// process (electron/shell/service-process.ts) and the dev bridge (dev/bridge.ts) serve the API through
// it; the shell imports nothing else of the core but paths.ts (scripts/import-rules.ts checks it).
export { dispatch, errorEnvelope, toApiError } from './dispatch.ts';
export { LibraryService, type ServiceEvent } from './library-service.ts';
export { isInside } from './media.ts';
