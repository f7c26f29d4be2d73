/**
 * Reason codes computed in a worker thread, beside whatever the calling thread does next. `explain` is synchronous
 * JavaScript and WebAssembly on one core (~35 s for 750,000 loans); recommend's planning that follows is another
 * core's worth of JavaScript and needs no reason codes until it writes its follow-ups out, so on two cores the two
 * run side by side instead of one after the other.
 *
 * The worker (reasons-worker.ts) initializes the parent's backend and loads the champion from its folder, then
 * runs the same `explain` on the same chunks: its texts equal the parent thread's (tested).
 */
import * as tf from '@tensorflow/tfjs';
import { InterruptedError } from '../core/errors.ts';
import { interner } from '../core/intern.ts';
import { signalName } from '../core/interrupt.ts';
import { startModuleWorker } from '../core/worker.ts';
import type { FeatureTable } from '../features/types.ts';

/** What the worker gets (structured-cloned once; the numeric feature columns are in shared memory, so not copied). */
export interface AsideJob {
  backend: string;
  modelDir: string;
  table: FeatureTable;
  k: number;
  chunk: number;
}

/** What the worker sends back: one chunk's texts, the end, or its error. */
export type AsideReply =
  | { kind: 'part'; from: number; texts: string[][] }
  | { kind: 'done'; seconds: number }
  | { kind: 'error'; message: string; stack?: string };

export interface Aside {
  /** One list of texts per row of the table, in row order; rejects on the worker's error or an aborted signal. */
  reasons: Promise<string[][]>;
  /** Seconds the worker spent (backend, model and explanations), once `reasons` resolved. */
  seconds: () => number;
  /** Ends the worker if it still runs (a failed or stopped run); `reasons` then rejects, handled or not. */
  stop: () => Promise<void>;
}

/**
 * Starts explaining `table` with the model in `modelDir` (top `k` reasons per row, `chunk` rows per `explain`
 * call). `signal`: the run's interrupt signal; once aborted the worker ends and `reasons` rejects with
 * InterruptedError (`what` says what was running).
 */
export function explainAside(a: {
  modelDir: string;
  table: FeatureTable;
  k: number;
  chunk: number;
  signal?: AbortSignal | undefined;
  what: string;
}): Aside {
  // The worker needs the feature columns only: the row keys (a string per loan) stay here.
  const table: FeatureTable = { ...a.table, keys: { loan_id: [] } };
  const job: AsideJob = { backend: tf.getBackend(), modelDir: a.modelDir, table, k: a.k, chunk: a.chunk };
  const worker = startModuleWorker(import.meta.url, 'reasons-worker', { workerData: job });
  const out: string[][] = new Array(a.table.n);
  // The texts arrive as fresh strings, one per loan and reason, but repeat across the book: one copy of each.
  const one = interner();
  let seconds = Number.NaN;
  let ended = false;
  let onAbort: (() => void) | undefined;
  const reasons = new Promise<string[][]>((resolve, reject) => {
    const fail = (e: Error) => {
      ended = true;
      reject(e);
      void worker.terminate();
    };
    onAbort = () => fail(new InterruptedError(signalName(a.signal!), a.what));
    if (a.signal?.aborted) return onAbort();
    a.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (r: AsideReply) => {
      if (r.kind === 'part') {
        for (let j = 0; j < r.texts.length; j++) out[r.from + j] = r.texts[j]!.map(one);
      } else if (r.kind === 'error') {
        fail(Object.assign(new Error(`reason-code worker: ${r.message}`), { stack: r.stack }));
      } else {
        ended = true;
        seconds = r.seconds;
        resolve(out);
        void worker.terminate();
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!ended) fail(new Error(`reason-code worker exited with code ${code} before it was done`));
    });
  }).finally(() => {
    if (onAbort) a.signal?.removeEventListener('abort', onAbort);
  });
  // A caller that stops the worker may never await the reasons: their rejection must not count as unhandled.
  reasons.catch(() => {});
  return {
    reasons,
    seconds: () => seconds,
    stop: async () => {
      if (ended) return;
      await worker.terminate();
    },
  };
}
