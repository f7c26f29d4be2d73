/**
 * Ensemble members trained in worker threads (src/models/train-pool.ts) learn exactly what they learn in this
 * thread: same weights, same epochs, same validation loss — only where they ran differs. Real workers, each with
 * its own wasm backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/log.ts';
import { initBackend } from '../../src/models/backend.ts';
import { fitNets, type Targets } from '../../src/models/train.ts';
import { gaussian, sigmoid } from './synthetic.ts';

const N = 4000;
const D = 6;
/** Rows with a known logistic truth over the first two columns; the rest is noise. */
function data(): { x: Float32Array; t: Targets; train: Int32Array; valid: Int32Array } {
  const g = gaussian(7);
  const x = Float32Array.from({ length: N * D }, () => g());
  const u = gaussian(8);
  const y = Float32Array.from({ length: N }, (_, i) =>
    sigmoid(-1.5 + 1.2 * x[i * D]! - 0.7 * x[i * D + 1]!) > 0.5 + 0.25 * u() ? 1 : 0,
  );
  const idx = Array.from({ length: N }, (_, i) => i);
  return {
    x,
    t: { y, m: new Float32Array(N).fill(1), k: 1 },
    train: Int32Array.from(idx.filter((i) => i % 5 !== 0)),
    valid: Int32Array.from(idx.filter((i) => i % 5 === 0)),
  };
}

const opts = { hidden: [16, 8], members: 3, epochs: 4, batchSize: 512, seed: 11 };

describe('members in worker threads', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('give the same members as training them one after the other in this thread', async () => {
    const { x, t, train, valid } = data();
    const here = await fitNets(x, D, t, train, valid, { ...opts, workers: 1 }, silentLogger);
    const pool = await fitNets(x, D, t, train, valid, { ...opts, workers: 2 }, silentLogger);
    expect(pool.nets).toHaveLength(3);
    expect(pool.epochs).toEqual(here.epochs);
    expect(pool.bestEpoch).toEqual(here.bestEpoch);
    expect(pool.validLoss).toEqual(here.validLoss);
    for (let m = 0; m < 3; m++) {
      const a = here.nets[m]!.getWeights().map((w) => Array.from(w.dataSync()));
      const b = pool.nets[m]!.getWeights().map((w) => Array.from(w.dataSync()));
      expect(b).toEqual(a);
    }
    // Members differ from each other (each its own seed), so equal weights above are not one member thrice.
    expect(Array.from(pool.nets[1]!.getWeights()[0]!.dataSync())).not.toEqual(
      Array.from(pool.nets[0]!.getWeights()[0]!.dataSync()),
    );
  });

  it('stop with the interrupt error when the run is interrupted', async () => {
    const { x, t, train, valid } = data();
    const ac = new AbortController();
    const run = fitNets(x, D, t, train, valid, { ...opts, epochs: 200, workers: 2 }, silentLogger, ac.signal);
    setTimeout(() => ac.abort('SIGTERM'), 300);
    const e = await run.catch((err: unknown) => err);
    expect(e).toBeInstanceOf(InterruptedError);
    expect((e as InterruptedError).message).toMatch(/training/);
  });
});
