/**
 * Ensemble members in worker threads vs one after the other in the main thread, on the wasm backend: 3 members
 * on 19,200 training rows × 108 inputs (the Taiwan benchmark's size), synthetic data, fixed epochs, each way
 * `--runs` times in turn. Prints wall and CPU seconds (process CPU: every thread); asserts nothing. Usage:
 *
 *   npm run bench:train-workers -- [--epochs 20] [--runs 2]
 */
import { parseArgs } from 'node:util';
import { silentLogger } from '../../src/core/log.ts';
import { mulberry32 } from '../../src/core/prng.ts';
import { initBackend } from '../../src/models/backend.ts';
import { fitNets } from '../../src/models/train.ts';

const { values } = parseArgs({
  options: { epochs: { type: 'string', default: '20' }, runs: { type: 'string', default: '2' } },
});
await initBackend('wasm');
const N = 24_000;
const D = 108;
const r = mulberry32(1);
const x = Float32Array.from({ length: N * D }, () => r() - 0.5);
const y = Float32Array.from({ length: N }, (_, i) => (x[i * D]! + 0.3 * (r() - 0.5) > 0.1 ? 1 : 0));
const t = { y, m: new Float32Array(N).fill(1), k: 1 };
const idx = Array.from({ length: N }, (_, i) => i);
const train = Int32Array.from(idx.filter((i) => i % 5 !== 0));
const valid = Int32Array.from(idx.filter((i) => i % 5 === 0));
const opts = { members: 3, epochs: Number(values.epochs), patience: 1_000 };
for (let run = 0; run < Number(values.runs); run++) {
  for (const workers of [1, 2]) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await fitNets(x, D, t, train, valid, { ...opts, workers }, silentLogger);
    const c = process.cpuUsage(c0);
    console.log(
      `${workers === 1 ? 'main thread' : '2 workers  '}: ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${((c.user + c.system) / 1e6).toFixed(1)} s CPU`,
    );
  }
}
