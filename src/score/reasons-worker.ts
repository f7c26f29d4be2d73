/**
 * The reason-code worker (reasons-aside.ts): initializes the parent's backend, loads the champion from its folder
 * and explains the table chunk by chunk with the same `explain` as the parent thread, sending each chunk's texts
 * back as it goes (so the parent holds the strings, not a second copy of them here).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sliceTable } from '../features/slice.ts';
import { type BackendName, initBackend } from '../models/backend.ts';
import { explain, loadModel } from '../models/index.ts';
import type { AsideJob, AsideReply } from './reasons-aside.ts';

const port = parentPort!;
const job = workerData as AsideJob;
const send = (r: AsideReply) => port.postMessage(r);

try {
  const t0 = performance.now();
  await initBackend(job.backend as BackendName);
  const model = await loadModel(job.modelDir);
  const { table, chunk, k } = job;
  for (let a = 0; a < table.n; a += chunk) {
    const b = Math.min(table.n, a + chunk);
    const why = explain(model, sliceTable(table, a, b), k);
    send({ kind: 'part', from: a, texts: why.map((r) => r.map((x) => x.text)) });
  }
  for (const net of model.nets) net.dispose();
  send({ kind: 'done', seconds: (performance.now() - t0) / 1000 });
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  send({ kind: 'error', message: err.message, ...(err.stack ? { stack: err.stack } : {}) });
}
