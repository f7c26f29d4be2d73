/**
 * Export benchmark: builds a warehouse with N follow-ups (default 1,000,000; `BENCH_ROWS` to change) in DuckDB SQL,
 * then times each file format end to end (plan + write + ledger) and prints figures. Targets: CSV and Parquet
 * < 30 s, iCalendar < 2 min. Run: `npm run bench:export` (TZ=UTC). Timings are printed, never asserted.
 * `BENCH_FORMATS=ics` (comma-separated) times only those formats, e.g. to profile one writer with --cpu-prof.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/log.ts';
import { type ExportFormat, runExport } from '../../src/export/index.ts';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { ensureRecommendationTables } from '../../src/warehouse/recommendations.ts';
import { ensureContractTables } from '../../src/warehouse/schema.ts';

const N = Number(process.env.BENCH_ROWS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
const db = join(dir, 'w.duckdb');

const t0 = Date.now();
await withWarehouse(db, async (w) => {
  await ensureContractTables(w);
  await ensureRecommendationTables(w);
  await w.run(`CREATE TEMP TABLE g AS SELECT i,
      printf('L%08d', i) AS loan_id,
      ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Sydney'][i % 5 + 1] AS tz,
      DATE '2026-12-01' + CAST(i % 90 AS INTEGER) AS due, 9 + CAST(i % 8 AS INTEGER) AS h
    FROM range(${N}) t(i)`);
  await w.run(`INSERT INTO loans SELECT loan_id, printf('B%08d', i), 'personal', DATE '2026-01-05',
      DATE '2036-01-05', 500000, 0.045, 120, 'A', 'R1', tz, printf('+86138%08d', i), NULL, NULL FROM g`);
  await w.run(`INSERT INTO recommendation_runs VALUES ('bench', DATE '2026-11-20', TIMESTAMPTZ '2026-11-20 00:00:00+00',
      'policy-1', 'delinquency@1', 'hangup@1', NULL, ${N}, NULL)`);
  await w.run(`INSERT INTO recommendations SELECT 'bench', loan_id, printf('B%08d', i), DATE '2026-11-20',
      ['first', 'mid_term', 'final', 'collection'][i % 4 + 1], 1, due, due - 3, due + 5, i % 5 = 0, 90,
      (i % 1000) / 1000.0, 0.05, tz, h, h + 2, isodow(due),
      timezone(tz, CAST(due AS TIMESTAMP) + to_hours(h)), timezone(tz, CAST(due AS TIMESTAMP) + to_hours(h + 2)),
      'phone', (i % 97) / 100.0, 0.5, i % 3 = 0, CASE WHEN i % 3 = 0 THEN 'sms' END,
      CASE WHEN i % 3 = 0 THEN timezone(tz, CAST(due - 1 AS TIMESTAMP) + to_hours(h)) END,
      CASE WHEN i % 3 = 0 THEN 'High hang-up risk without notice' END, (i % 1000) / 10.0,
      ['RISK_BUDGET', 'CADENCE'], ['Risk ' || (i % 100) || ' % before due date', '首次回访：确认资金到账与用途'],
      false, 'delinquency@1', 'hangup@1', 'policy-1', 'call', 'agent', 'mid_term.default', 'zh-CN',
      ['开场：示例银行贷后回访，了解个人贷款使用与还款情况，约三分钟。', '提醒下一期还款日2026-12-20，应还3,210.55元。'],
      CASE WHEN i % 3 = 0 THEN '【示例银行】将于12月1日（周二）10:00-11:00致电您进行贷后回访。核实请拨官方热线95599，我们不会索要密码或要求转账。' END,
      CASE WHEN i % 3 = 0 THEN 1 END, printf('fu-%016x', i) FROM g`);
});
console.log(
  `built ${N.toLocaleString('en')} follow-ups in ${((Date.now() - t0) / 1000).toFixed(1)} s (${db})`,
);

const clock = fixedClock('2026-11-21T06:00:00Z');
const ALL_FORMATS: ExportFormat[] = ['csv', 'parquet', 'jsonl', 'ics'];
const formats = process.env.BENCH_FORMATS
  ? ALL_FORMATS.filter((f) => process.env.BENCH_FORMATS?.split(',').includes(f))
  : ALL_FORMATS;
for (const format of formats) {
  const out = join(dir, `out.${format}`);
  const t = Date.now();
  const cpu0 = process.cpuUsage();
  const s = await runExport({ log: silentLogger, clock }, { warehouse: db, format, out });
  const sec = (Date.now() - t) / 1000;
  // CPU seconds (JS + DuckDB threads) are the figure that survives a machine shared with other jobs.
  const cpu = process.cpuUsage(cpu0);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  const mb = statSync(out).size / 1e6;
  console.log(
    `${format.padEnd(8)} ${s.written.toLocaleString('en')} rows  wall ${sec.toFixed(1)} s  cpu ${cpuSec.toFixed(1)} s  ${(s.written / sec).toFixed(0)} rows/s  ${mb.toFixed(0)} MB  rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB  load ${loadavg()[0]?.toFixed(1)}`,
  );
}
if (formats.includes('csv')) await sinceLastNoChange();

/** A CSV export --since-last right after a full one: nothing changed, so nothing is written. */
async function sinceLastNoChange(): Promise<void> {
  const t = Date.now();
  const inc = await runExport(
    { log: silentLogger, clock },
    { warehouse: db, format: 'csv', out: join(dir, 'out.csv'), sinceLast: true },
  );
  console.log(
    `csv --since-last with no change: ${inc.written} rows in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );
}
if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
