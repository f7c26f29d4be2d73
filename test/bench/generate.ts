/**
 * Benchmark of `followup generate`: wall time, throughput and peak RSS for a large world, printed as figures
 * (never asserted). Usage:
 *
 *   npm run bench:generate -- [--borrowers 200000] [--months 36] [--gzip] [--out DIR] [--keep]
 *
 * Output goes to a temporary directory that is removed afterwards unless --keep or --out is given.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { silentLogger } from '../../src/core/log.ts';
import { runGenerate } from '../../src/generate/run.ts';

const { values } = parseArgs({
  options: {
    borrowers: { type: 'string', default: '200000' },
    months: { type: 'string', default: '36' },
    seed: { type: 'string', default: '7' },
    gzip: { type: 'boolean', default: false },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

const out = values.out ?? (await mkdtemp(join(tmpdir(), 'followup-bench-gen-')));
let peakHeap = 0;
let peakRss = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss);
}, 200);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const result = await runGenerate(
  {
    borrowers: Number(values.borrowers),
    months: Number(values.months),
    seed: Number(values.seed),
    gzip: values.gzip,
    out,
  },
  silentLogger,
);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
let bytes = 0;
for (const f of await readdir(out, { recursive: true })) {
  const s = await stat(join(out, f));
  if (s.isFile()) bytes += s.size;
}
const rows = Object.values(result.rows).reduce((a, b) => a + b, 0);
const mb = (x: number) => Math.round(x / 1048576);
console.log(
  JSON.stringify(
    {
      borrowers: Number(values.borrowers),
      months: Number(values.months),
      gzip: values.gzip,
      seconds: Math.round(seconds * 10) / 10,
      cpuSeconds: Math.round((cpu.user + cpu.system) / 1e5) / 10,
      rowsPerSecond: Math.round(rows / seconds),
      rows: result.rows,
      outputMB: mb(bytes),
      // maxRSS from the kernel (KiB) is the true peak; the sampled heap shows what JS itself held.
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      sampledPeakRssMB: mb(peakRss),
      sampledPeakHeapMB: mb(peakHeap),
      node: process.version,
    },
    null,
    2,
  ),
);
if (!values.keep && !values.out) await rm(out, { recursive: true, force: true });
