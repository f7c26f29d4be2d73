/**
 * Worker threads running one of this project's modules: from dist/ the compiled `<name>.js` beside the caller; from
 * the TypeScript sources (tests, a stale dist/) `<name>.ts` through ./tsx-worker.mjs, because a worker thread does
 * not inherit the tsx loader of the thread that starts it.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts module `name` (no extension) of the folder of `here` (the caller's `import.meta.url`) in a worker. */
export function startModuleWorker(
  here: string,
  name: string,
  options: Omit<WorkerOptions, 'argv'> = {},
): Worker {
  if (!here.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, here), options);
  const module = new URL(`./${name}.ts`, here).href;
  return new Worker(new URL('./tsx-worker.mjs', import.meta.url), { ...options, argv: [module] });
}
