/**
 * Benchmark of `followup ingest` against DuckDB reading the same files alone, in the same run. Prints figures,
 * asserts nothing. Usage:
 *
 *   npm run bench:ingest -- [--borrowers 200000] [--data DIR] [--keep]
 *
 * Without --data a world is generated first (not timed) into a temporary folder. Figures:
 *   baseline_s  `CREATE TABLE t AS SELECT * FROM read_csv(file)` per file, fresh warehouse file, summed; run
 *               before and after the ingest;
 *   ingest_s    runIngest of the same folder into a fresh warehouse file (validate, rejects, merge, ledger);
 *   rerun_s     the same folder again (idempotent: every row compared, none written);
 *   ratio       ingest_s / mean(baseline_s) (target ≤ 1.5);
 *   peak_rss_mb sampled every 100 ms during the ingest (DuckDB's native memory included).
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

// 1. DuckDB alone: the floor any loader built on it can reach. Run before and after the ingest (step 4) so a
// machine shared with other work does not tilt the ratio one way.
async function baselineSeconds(name: string): Promise<number> {
  const t = performance.now();
  await withWarehouse(join(work, name), async (w) => {
    for (const f of files)
      await w.run(`CREATE TABLE ${ident(f.table)} AS SELECT * FROM read_csv(${literal(f.path)})`);
  });
  return (performance.now() - t) / 1000;
}
const baseline1 = await baselineSeconds('baseline1.duckdb');

// 2. followup ingest, with the RSS sampled while it runs.
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
const deps = { log: silentLogger, clock: fixedClock('2026-01-01T00:00:00Z') };
const path = join(work, 'ingest.duckdb');
const t1 = performance.now();
const summary = await withWarehouse(path, (w) => runIngest(w, { paths: [data] }, deps));
const ingest = (performance.now() - t1) / 1000;
clearInterval(sampler);
const t2 = performance.now();
const rerun = await withWarehouse(path, (w) => runIngest(w, { paths: [data] }, deps));
const rerunS = (performance.now() - t2) / 1000;

const baseline2 = await baselineSeconds('baseline2.duckdb');
const baseline = (baseline1 + baseline2) / 2;
const r = (x: number, d = 2) => Number(x.toFixed(d));
console.log(
  JSON.stringify(
    {
      data,
      files: files.map((f) => f.path.split('/').at(-1)),
      input_mb: r(bytes / 1048576, 1),
      rows: summary.totals.rows_in,
      rejected: summary.totals.rejected,
      baseline_s: [r(baseline1), r(baseline2)],
      ingest_s: r(ingest),
      ratio: r(ingest / baseline),
      rerun_s: r(rerunS),
      rerun_inserted_updated: rerun.totals.inserted + rerun.totals.updated,
      rows_per_s: Math.round(summary.totals.rows_in / ingest),
      peak_rss_mb: Math.round(peakRss / 1048576),
      warehouse_mb: r((await stat(path)).size / 1048576, 1),
    },
    null,
    2,
  ),
);
if (!values.keep) await rm(work, { recursive: true, force: true });
else console.error(`kept ${work} (${(await readdir(work)).join(', ')})`);
