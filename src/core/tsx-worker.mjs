// The entry of a worker thread started by ./worker.ts while followup runs from its TypeScript sources (tests, a
// stale dist/): a worker does not inherit the tsx loader of the thread that starts it, so this registers tsx and
// then imports the module whose URL worker.ts put last on the worker's argv.
import { register } from 'tsx/esm/api';

register();
await import(process.argv.at(-1));
