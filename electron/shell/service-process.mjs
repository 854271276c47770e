// Entry of the library service's utility process: TypeScript through tsx, like bin/kith.js.
import { register } from 'tsx/esm/api';

register();
await import('./service-process.ts');
