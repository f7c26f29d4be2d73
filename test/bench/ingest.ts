/**
 * Benchmark of `followup ingest` against DuckDB reading the same files alone, side by side in one run. Prints
 * figures, asserts nothing. Usage:
 *
 *   npm run bench:ingest -- [--borrowers 200000] [--data DIR] [--pairs 3] [--keep]
 *
 * Without --data a world is generated first (not timed) into a temporary folder. Each pair runs, back to back in
 * this process (same files, same machine moment):
 *   bare    `CREATE TABLE t AS SELECT * FROM read_csv(file)` per file into a fresh warehouse file;
 *   ingest  runIngest of the same folder into a fresh warehouse file (validate, rejects, merge, ledger);
 * each timed in wall seconds and CPU seconds of this process (DuckDB's threads included). Figures:
 *   pairs          per pair: bare and ingest wall/CPU, and ingest / bare for both;
 *   wall_ratio, cpu_ratio   min and median over the pairs (target ≤ 1.5);
 *   rerun_s        the same folder again into the last ingest's warehouse (every row compared, none written);
 *   peak_rss_mb    sampled every 100 ms during the ingests (DuckDB's native memory included).
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EMPTY_MAPPING } from '../../src/contract/mapping.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/log.ts';
import { discover } from '../../src/ingest/discover.ts';
import { runIngest } from '../../src/ingest/run.ts';
import { ident, literal, withWarehouse } from '../../src/warehouse/db.ts';

const { values } = parseArgs({
  options: {
    borrowers: { type: 'string', default: '200000' },
    data: { type: 'string' },
    pairs: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});

const work = await mkdtemp(join(tmpdir(), 'followup-bench-ingest-'));
let data = values.data;
if (!data) {
  const { runGenerate } = await import('../../src/generate/run.ts');
  data = join(work, 'world');
  await runGenerate({ borrowers: Number(values.borrowers), out: data }, silentLogger);
}

const { files } = await discover([data], EMPTY_MAPPING);
let bytes = 0;
for (const f of files) bytes += (await stat(f.path)).size;

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
async function timed(fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const t = performance.now();
  const c = cpu();
  await fn();
  return { wall: (performance.now() - t) / 1000, cpu: cpu() - c };
}

// DuckDB alone: the floor any loader built on it can reach.
async function bare(name: string): Promise<void> {
  await withWarehouse(join(work, name), async (w) => {
    for (const f of files)
      await w.run(`CREATE TABLE ${ident(f.table)} AS SELECT * FROM read_csv(${literal(f.path)})`);
  });
}

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
const deps = { log: silentLogger, clock: fixedClock('2026-01-01T00:00:00Z') };
const r = (x: number, d = 2) => Number(x.toFixed(d));
const pairs: { bare: { wall: number; cpu: number }; ingest: { wall: number; cpu: number } }[] = [];
let summary: Awaited<ReturnType<typeof runIngest>> | undefined;
let path = '';
for (let i = 0; i < Number(values.pairs); i++) {
  const b = await timed(() => bare(`bare${i}.duckdb`));
  await rm(join(work, `bare${i}.duckdb`), { force: true });
  path = join(work, `ingest${i}.duckdb`);
  const g = await timed(async () => {
    summary = await withWarehouse(path, (w) => runIngest(w, { paths: [data] }, deps));
  });
  pairs.push({ bare: b, ingest: g });
  process.stderr.write(
    `pair ${i + 1}: bare ${r(b.wall)} s (${r(b.cpu)} s CPU), ingest ${r(g.wall)} s (${r(g.cpu)} s CPU) → ${r(g.wall / b.wall)}× wall, ${r(g.cpu / b.cpu)}× CPU\n`,
  );
  if (i < Number(values.pairs) - 1) await rm(path, { force: true });
}
clearInterval(sampler);
const t2 = performance.now();
const rerun = await withWarehouse(path, (w) => runIngest(w, { paths: [data] }, deps));
const rerunS = (performance.now() - t2) / 1000;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return {
    min: r(s[0] ?? Number.NaN),
    median: r(s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2),
  };
};
const totals = summary?.totals ?? { rows_in: 0, rejected: 0 };
console.log(
  JSON.stringify(
    {
      data,
      files: files.map((f) => f.path.split('/').at(-1)),
      input_mb: r(bytes / 1048576, 1),
      rows: totals.rows_in,
      rejected: totals.rejected,
      pairs: pairs.map((p) => ({
        bare_s: r(p.bare.wall),
        bare_cpu_s: r(p.bare.cpu),
        ingest_s: r(p.ingest.wall),
        ingest_cpu_s: r(p.ingest.cpu),
        wall_ratio: r(p.ingest.wall / p.bare.wall),
        cpu_ratio: r(p.ingest.cpu / p.bare.cpu),
      })),
      wall_ratio: stats(pairs.map((p) => p.ingest.wall / p.bare.wall)),
      cpu_ratio: stats(pairs.map((p) => p.ingest.cpu / p.bare.cpu)),
      rerun_s: r(rerunS),
      rerun_inserted_updated: rerun.totals.inserted + rerun.totals.updated,
      rows_per_s: Math.round(totals.rows_in / Math.min(...pairs.map((p) => p.ingest.wall))),
      peak_rss_mb: Math.round(peakRss / 1048576),
      warehouse_mb: r((await stat(path)).size / 1048576, 1),
    },
    null,
    2,
  ),
);
if (!values.keep) await rm(work, { recursive: true, force: true });
else console.error(`kept ${work} (${(await readdir(work)).join(', ')})`);
