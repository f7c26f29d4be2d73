/**
 * How many loans' model inputs change from one as-of date to the next — the premise of an incremental daily run
 * (re-score only the loans whose inputs changed). Builds the delinquency model's point-in-time features at both
 * dates and compares every column of every loan active on both, numbers at float32 (the precision the model
 * reads). Prints the share changed, the share changed only through `days_since_*` columns, and the columns that
 * changed most often.
 *
 *   npm run bench:day-change -- --warehouse W --from 2025-12-30 --to 2025-12-31
 */
import { parseArgs } from 'node:util';
import { buildBorrowerState } from '../../src/features/slots.ts';
import type { FeatureTable } from '../../src/features/types.ts';
import { openWarehouse } from '../../src/warehouse/db.ts';

const { values: a } = parseArgs({
  options: { warehouse: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
});
if (!a.warehouse || !a.from || !a.to) {
  process.stderr.write(
    'usage: npm run bench:day-change -- --warehouse W --from YYYY-MM-DD --to YYYY-MM-DD\n',
  );
  process.exit(2);
}

/** The columns of row j of `b` that differ from row i of `a` (NaN equals NaN; numbers compared at float32). */
function changed(x: FeatureTable, i: number, y: FeatureTable, j: number): string[] {
  const out: string[] = [];
  for (const [k, col] of Object.entries(y.numeric)) {
    const u = Math.fround(x.numeric[k]![i]!);
    const v = Math.fround(col[j]!);
    if (!(u === v || (Number.isNaN(u) && Number.isNaN(v)))) out.push(k);
  }
  for (const [k, col] of Object.entries(y.categorical)) if (x.categorical[k]![i] !== col[j]) out.push(k);
  return out;
}

// Read-write: the feature builder stages its rows in scratch tables, which it drops again (as `followup score` does).
const w = await openWarehouse(a.warehouse);
try {
  const x = await buildBorrowerState(w, a.from);
  const y = await buildBorrowerState(w, a.to);
  const at = new Map(x.keys.loan_id.map((id, i) => [id, i]));
  const byColumn = new Map<string, number>();
  let both = 0;
  let moved = 0;
  let onlyRecency = 0;
  for (let j = 0; j < y.n; j++) {
    const i = at.get(y.keys.loan_id[j]!);
    if (i === undefined) continue;
    both++;
    const cols = changed(x, i, y, j);
    if (cols.length === 0) continue;
    moved++;
    if (cols.every((c) => c.startsWith('days_since'))) onlyRecency++;
    for (const c of cols) byColumn.set(c, (byColumn.get(c) ?? 0) + 1);
  }
  const top = [...byColumn].sort((p, q) => q[1] - p[1]).slice(0, 12);
  const pct = (n: number) => `${((100 * n) / Math.max(1, both)).toFixed(1)} %`;
  process.stdout.write(
    `${JSON.stringify(
      {
        from: a.from,
        to: a.to,
        loans_on_both: both,
        inputs_changed: moved,
        share_changed: pct(moved),
        changed_only_through_days_since: pct(onlyRecency),
        columns_most_often_changed: Object.fromEntries(top.map(([c, n]) => [c, pct(n)])),
      },
      null,
      2,
    )}\n`,
  );
} finally {
  w.close();
}
