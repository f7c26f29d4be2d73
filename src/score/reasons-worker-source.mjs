// The reason-code worker's entry when followup runs from its TypeScript sources (tests, a stale dist/): a worker
// thread does not inherit the tsx loader of the thread that starts it, so it registers tsx and then loads the
// worker. From dist/ the compiled reasons-worker.js is started directly.
import { register } from 'tsx/esm/api';

register();
await import('./reasons-worker.ts');
