/**
 * Ensemble members trained side by side in worker threads. One wasm backend runs on one core, so on a 2-core
 * machine three members take the time of two instead of three. Each worker initializes the parent's backend and
 * trains whole members (train-worker.ts → train.ts `fitOne`, the same code as in this thread), so a member's
 * weights do not depend on where it ran. The inputs go to the workers once, in shared memory; the weights come
 * back as arrays and are set on a network built here with the member's seed.
 */
import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { InterruptedError } from '../core/errors.ts';
import { signalName } from '../core/interrupt.ts';
import type { Logger } from '../core/log.ts';
import { startModuleWorker } from '../core/worker.ts';
import { type FitOptions, type Member, type Targets, TRAINING_INTERRUPTED } from './fit-options.ts';
import { buildNet } from './network.ts';

/** What the worker gets: shared inputs once, then one member (seed) per job. */
export interface PoolInit {
  backend: string;
  x: Float32Array;
  d: number;
  y: Float32Array;
  m: Float32Array;
  k: number;
  train: Int32Array;
  valid: Int32Array;
  opts: Omit<FitOptions, 'workers'>;
}

/** What a worker sends back for one member, or for a log line. */
export type PoolReply =
  | {
      kind: 'done';
      seed: number;
      weights: { shape: number[]; data: Float32Array }[];
      epochs: number;
      bestEpoch: number;
      validLoss: number;
    }
  | { kind: 'log'; msg: string; fields: Record<string, unknown> }
  | { kind: 'error'; message: string; stack?: string };

/** A copy of `a` in shared memory, so every worker reads the same bytes without a copy of its own. */
function shared<T extends Float32Array | Int32Array>(a: T): T {
  const buf = new SharedArrayBuffer(a.byteLength);
  const out = (a instanceof Float32Array ? new Float32Array(buf) : new Int32Array(buf)) as T;
  out.set(a);
  return out;
}

/** Trains one member per seed on `workers` threads; results in seed order. */
export async function fitInWorkers(a: {
  x: Float32Array;
  d: number;
  t: Targets;
  train: Int32Array;
  valid: Int32Array;
  opts: FitOptions;
  seeds: number[];
  workers: number;
  log: Logger;
  signal?: AbortSignal | undefined;
}): Promise<Member[]> {
  const { workers: _w, ...opts } = a.opts;
  const init: PoolInit = {
    backend: tf.getBackend(),
    x: shared(a.x),
    d: a.d,
    y: shared(a.t.y),
    m: shared(a.t.m),
    k: a.t.k,
    train: shared(a.train),
    valid: shared(a.valid),
    opts,
  };
  const done = new Map<number, Extract<PoolReply, { kind: 'done' }>>();
  const queue = [...a.seeds];
  const pool: Worker[] = [];
  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      onAbort = () => reject(new InterruptedError(signalName(a.signal!), TRAINING_INTERRUPTED));
      if (a.signal?.aborted) return onAbort();
      a.signal?.addEventListener('abort', onAbort, { once: true });
      const next = (w: Worker) => {
        const seed = queue.shift();
        if (seed === undefined) {
          if (--running === 0) resolve();
          return;
        }
        w.postMessage({ seed });
      };
      for (let i = 0; i < Math.min(a.workers, a.seeds.length); i++) {
        const w = startModuleWorker(import.meta.url, 'train-worker');
        pool.push(w);
        running++;
        w.on('message', (r: PoolReply) => {
          if (r.kind === 'log') a.log.debug(r.msg, r.fields);
          else if (r.kind === 'error')
            reject(Object.assign(new Error(`training worker: ${r.message}`), { stack: r.stack }));
          else {
            done.set(r.seed, r);
            next(w);
          }
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (code !== 0) reject(new Error(`training worker exited with code ${code}`));
        });
        w.postMessage({ init });
        next(w);
      }
    });
  } finally {
    if (onAbort) a.signal?.removeEventListener('abort', onAbort);
    await Promise.all(pool.map((w) => w.terminate()));
  }
  const hidden = opts.hidden ?? [64, 32];
  return a.seeds.map((seed) => {
    const r = done.get(seed)!;
    // Every weight is set from the worker's, biases too: the initializers here only give the layers their shapes.
    const net = buildNet({ inputDim: a.d, hidden, outputs: a.t.k, seed, wide: opts.wide ?? true });
    const ws = r.weights.map((w) => tf.tensor(w.data, w.shape));
    net.setWeights(ws);
    for (const w of ws) w.dispose();
    return { net, epochs: r.epochs, bestEpoch: r.bestEpoch, validLoss: r.validLoss };
  });
}
