import { afterEach, describe, expect, it } from 'vitest';
import {
  buildHangupRows,
  buildSnapshots,
  type FeatureTable,
  readHangupRows,
  readSnapshotFeatures,
} from '../../src/features/index.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { randomWorld, split, type World } from './random-world.ts';
import { emptyWorld } from './world.ts';

let w: Warehouse;
afterEach(() => w?.close());

/** Bulk-inserts a world's rows: one INSERT per table, rows passed as one JSON parameter and cast on insert. */
async function load(w: Warehouse, world: World): Promise<void> {
  for (const [table, rows] of Object.entries(world) as [string, Record<string, unknown>[]][]) {
    if (rows.length === 0) continue;
    await w.run(`INSERT INTO ${table} BY NAME SELECT unnest(from_json($1::JSON, $2), recursive := true)`, [
      JSON.stringify(rows),
      JSON.stringify([schemaOf(rows[0] as Record<string, unknown>)]),
    ]);
  }
}

function schemaOf(row: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.keys(row).map((k) => [k, 'VARCHAR']));
}

/** Exact equality of two feature tables, NaN equal to NaN, with the first difference in the message. */
function expectSameTable(a: FeatureTable, b: FeatureTable): void {
  expect(b.n).toBe(a.n);
  expect(b.keys).toEqual(a.keys);
  expect(b.manifest.hash).toBe(a.manifest.hash);
  for (const [name, col] of Object.entries(a.numeric)) {
    const other = b.numeric[name] as Float64Array;
    const diff = col.findIndex((v, i) => !Object.is(v, other[i]));
    expect(diff, `${name} differs at row ${diff}: ${col[diff]} vs ${other[diff]}`).toBe(-1);
  }
  expect(b.categorical).toEqual(a.categorical);
}

describe('no leakage: features at as_of ignore everything that happened later', () => {
  it.each(['2023-09-01', '2024-03-15'])(
    'snapshot and hang-up features at %s are unchanged by later events',
    async (asOf) => {
      const world = randomWorld(7, 60);
      const { past, future, paidLater } = split(world, asOf);
      expect(
        future.repayments.length * future.contacts.length * paidLater.length * future.market.length,
      ).toBeGreaterThan(0);
      w = await emptyWorld();
      await load(w, past);
      const opts = { asOf: [asOf], dataEnd: '2025-12-31' };
      await buildSnapshots(w, opts);
      const before = await readSnapshotFeatures(w);
      await buildHangupRows(w, { to: asOf });
      const hangBefore = await readHangupRows(w);
      expect(before.n).toBeGreaterThan(10);
      expect(hangBefore.table.n).toBeGreaterThan(50);

      // Everything after as_of arrives: new loans, installments, late payments of old installments, contacts, market.
      await load(w, future);
      for (const p of paidLater)
        await w.run(
          'UPDATE repayments SET paid_on = $1, amount_paid = $2 WHERE loan_id = $3 AND installment_no = $4',
          [p.paid_on, p.amount_paid, p.loan_id, p.installment_no],
        );
      const counts = await w.one<{ n: bigint }>(
        'SELECT count(*) AS n FROM repayments WHERE paid_on > $1::DATE',
        [asOf],
      );
      expect(Number(counts?.n)).toBeGreaterThan(0);

      await buildSnapshots(w, opts);
      expectSameTable(before, await readSnapshotFeatures(w));
      await buildHangupRows(w, { to: asOf });
      const hangAfter = await readHangupRows(w);
      expectSameTable(hangBefore.table, hangAfter.table);
      expect(hangAfter.y).toEqual(hangBefore.y);
    },
  );
});
