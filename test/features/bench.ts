/**
 * Benchmark: time to build snapshot features (and labels) for one as-of date on a generated world, beside DuckDB's
 * bare aggregate over the same tables. Prints figures; never asserts timings.
 *
 *   node src/cli/followup.mjs generate --borrowers 200000 --out /tmp/g200k
 *   [FRESH=1] npx tsx test/features/bench.ts /tmp/g200k [as-of=2025-01-01] [threads]
 * Loads the CSVs straight into the contract tables (the ingest stage is measured elsewhere).
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildBorrowerState,
  buildHangupRows,
  buildSnapshots,
  readSnapshotFeatures,
  type Slot,
  slotRowBatches,
} from '../../src/features/index.ts';
import { literal, openWarehouse } from '../../src/warehouse/db.ts';
import { ensureContractTables } from '../../src/warehouse/schema.ts';

const [dir = '/tmp/g200k', asOf = '2025-01-01', threads] = process.argv.slice(2);
const db = join(dir, 'bench-features.duckdb');
// Loading 5 M CSV rows takes a minute; reuse the warehouse of an earlier run unless FRESH=1.
if (process.env.FRESH === '1') await rm(db, { force: true });
const w = await openWarehouse(db, threads ? { threads: Number(threads) } : {});
const t = () => performance.now();
const secs = (t0: number) => ((performance.now() - t0) / 1000).toFixed(2);
try {
  await ensureContractTables(w);
  let t0 = t();
  const loaded = await w.one<{ n: bigint }>('SELECT count(*) AS n FROM loans');
  if (Number(loaded?.n ?? 0) === 0)
    for (const table of ['loans', 'repayments', 'contacts', 'market'])
      await w.run(
        `INSERT INTO ${table} BY NAME SELECT * FROM read_csv(${literal(join(dir, `${table}.csv`))})`,
      );
  const counts = await w.one<Record<string, bigint>>(
    'SELECT (SELECT count(*) FROM loans) AS loans, (SELECT count(*) FROM repayments) AS repayments, (SELECT count(*) FROM contacts) AS contacts',
  );
  console.log(
    `load: ${secs(t0)} s`,
    JSON.stringify(counts, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)),
  );

  t0 = t();
  await w.all(
    'SELECT loan_id, sum(amount_paid) AS s, count(*) AS n, max(due_on) AS d FROM repayments WHERE due_on <= $1::DATE GROUP BY loan_id',
    [asOf],
  );
  console.log(`bare GROUP BY loan_id over repayments: ${secs(t0)} s`);
  t0 = t();
  await w.run(
    `CREATE OR REPLACE TEMP TABLE bare AS SELECT loan_id, count(*) AS n, max(started_at) AS last FROM contacts
     WHERE started_at < $1::DATE GROUP BY loan_id`,
    [asOf],
  );
  console.log(`bare GROUP BY loan_id over contacts: ${secs(t0)} s`);

  t0 = t();
  const res = await buildSnapshots(w, { asOf: [asOf] });
  console.log(`buildSnapshots (1 as-of, ${res.rows} rows, ${res.features} features + labels): ${secs(t0)} s`);
  t0 = t();
  const ft = await readSnapshotFeatures(w);
  console.log(`readSnapshotFeatures (${ft.n} rows into typed arrays): ${secs(t0)} s`);
  t0 = t();
  const h = await buildHangupRows(w, { from: '2024-07-01', to: '2024-10-01' });
  console.log(`buildHangupRows (3 months, ${h.rows} attempts): ${secs(t0)} s`);
  t0 = t();
  const state = await buildBorrowerState(w, asOf);
  console.log(`buildBorrowerState (${state.n} loans): ${secs(t0)} s`);
  const slots: Slot[] = [];
  for (let weekday = 1; weekday <= 7; weekday++)
    for (let hour = 8; hour <= 20; hour++)
      for (const prenotified of [false, true]) slots.push({ weekday, hour, prenotified });
  t0 = t();
  let rows = 0;
  for (const batch of slotRowBatches(state, slots)) rows += batch.n;
  console.log(
    `slotRowBatches (${state.n} loans × ${slots.length} slots = ${rows} rows, 16k-row batches): ${secs(t0)} s`,
  );
  // Labels beside the generator's truth: first-ever onset hazards, so the truth misses re-onsets after a cure.
  const truth = join(dir, 'truth', 'hazard.csv');
  if (existsSync(truth)) {
    const cmp = await w.one<{ n: bigint; label_rate: number; true_rate: number }>(`
      WITH h AS (SELECT * FROM read_csv(${literal(truth)})),
      s AS (SELECT * FROM features_snapshot WHERE (NOT delinquent AND observed = horizon) OR event > 0)
      SELECT count(*) AS n, avg((s.event > 0)::INTEGER) AS label_rate,
        avg(1 - coalesce((SELECT exp(sum(ln(1 - h.hazard))) FROM h WHERE h.loan_id = s.loan_id
          AND h.month >= s.as_of AND h.month < s.as_of + INTERVAL 6 MONTH), 1)) AS true_rate
      FROM s`);
    console.log(
      `6-month onset rate over ${Number(cmp?.n)} fully observed rows: labels ${cmp?.label_rate.toFixed(4)}, generator truth ${cmp?.true_rate.toFixed(4)}`,
    );
  }
  console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
} finally {
  w.close();
}
