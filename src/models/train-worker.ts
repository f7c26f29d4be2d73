/**
 * A training worker (train-pool.ts): initializes the parent's backend, then trains one member per message with
 * train.ts `fitOne` and sends its weights back. Debug lines go to the parent's logger.
 */
import { parentPort } from 'node:worker_threads';
import type { Logger } from '../core/log.ts';
import { type BackendName, initBackend } from './backend.ts';
import { fitOne, takeRows } from './train.ts';
import type { PoolInit, PoolReply } from './train-pool.ts';

const port = parentPort!;
const send = (r: PoolReply, transfer: ArrayBuffer[] = []) => port.postMessage(r, transfer);
const log: Logger = {
  debug: (msg, fields = {}) => send({ kind: 'log', msg, fields }),
  info: () => {},
  warn: () => {},
  error: () => {},
};
let init: PoolInit | undefined;
let xv: Float32Array | undefined;

/** Messages are handled one after the other: a member must not start before the backend is up. */
let queue = Promise.resolve();
port.on('message', (m: { init?: PoolInit; seed?: number }) => {
  queue = queue.then(() => handle(m));
});

async function handle(m: { init?: PoolInit; seed?: number }): Promise<void> {
  try {
    if (m.init) {
      init = m.init;
      await initBackend(init.backend as BackendName);
      xv = takeRows(init.x, init.d, init.valid);
      return;
    }
    const c = init!;
    const t = { y: c.y, m: c.m, k: c.k };
    const one = await fitOne(
      c.x,
      c.d,
      t,
      c.train,
      c.valid,
      xv!,
      { ...c.opts, seed: m.seed! },
      log,
      undefined,
    );
    // Copies: dataSync may be a view of the backend's memory, which must not be transferred away.
    const weights = one.net
      .getWeights()
      .map((w) => ({ shape: w.shape, data: new Float32Array(w.dataSync()) }));
    send(
      {
        kind: 'done',
        seed: m.seed!,
        weights,
        epochs: one.epochs,
        bestEpoch: one.bestEpoch,
        validLoss: one.validLoss,
      },
      weights.map((w) => w.data.buffer as ArrayBuffer),
    );
    one.net.dispose();
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    send({ kind: 'error', message: err.message, ...(err.stack ? { stack: err.stack } : {}) });
  }
}
