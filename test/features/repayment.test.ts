import { afterEach, describe, expect, it } from 'vitest';
import { buildSnapshots, readSnapshotFeatures } from '../../src/features/index.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { addLoans, addRepayments, emptyWorld, schedule } from './world.ts';

let w: Warehouse;
afterEach(() => w?.close());

/** Builds snapshots and returns numeric features per as_of for loan L1. */
async function featuresAt(asOf: string[], loanId = 'L1') {
  await buildSnapshots(w, { asOf, dataEnd: '2025-06-01' });
  const t = await readSnapshotFeatures(w, { loanIds: [loanId] });
  return asOf.map((d) => {
    const i = t.keys.as_of?.indexOf(d) ?? -1;
    expect(i, `row for ${loanId} at ${d}`).toBeGreaterThanOrEqual(0);
    return Object.fromEntries(Object.entries(t.numeric).map(([k, v]) => [k, v[i] as number]));
  });
}

describe('repayment family: DPD and lateness derived from due_on / paid_on as known at as_of', () => {
  it('counts a payment dated after as_of as unpaid at as_of', async () => {
    w = await emptyWorld();
    await addLoans(w, [{ loan_id: 'L1', annual_rate: 0, income: 4000 }]);
    // Feb on time, Mar 3 days late, Apr on time, May paid Jun 15 (45 days late), Jun on time, Jul unpaid.
    await addRepayments(w, schedule('L1', '2024-02', [0, 3, 0, 45, 0, null]));
    const [jun10, jul10] = await featuresAt(['2024-06-10', '2024-07-10']);
    expect(jun10).toMatchObject({
      dpd_now: 40, // May 1 → Jun 10, still unpaid on Jun 10
      dpd_max: 40,
      late_3m: 1, // Apr, May, Jun due in (Mar 10, Jun 10]: May
      late_6m: 2, // Mar (3 days) and May
      late_12m: 2,
      dpd30_episodes: 1, // May crossed 30 DPD on May 31
      months_on_book: 5,
      months_to_maturity: 18,
      outstanding: 20000, // 24 000 − Feb, Mar, Apr, Jun paid
      burden: 0.25, // 24 000 / 24 months / 4 000 income at 0 % interest
    });
    expect(jun10?.paid_ratio_3m).toBeCloseTo(2 / 3, 12);
    expect(jun10?.paid_ratio_6m).toBeCloseTo(4 / 5, 12);
    expect(jul10).toMatchObject({
      dpd_now: 9,
      dpd_max: 45,
      late_3m: 2,
      dpd30_episodes: 1,
      outstanding: 19000,
    });
  });

  it('counts 30+ DPD episodes as overlapping spells merged, separate spells apart', async () => {
    w = await emptyWorld();
    await addLoans(w, [{ loan_id: 'L1' }, { loan_id: 'L2' }, { loan_id: 'L3' }]);
    await addRepayments(w, schedule('L1', '2024-02', [40, 0, 35, 0])); // spells Mar 2–12 and May 1–6: two
    await addRepayments(w, schedule('L2', '2024-02', [90, 61, 0, 0])); // Feb and Mar both paid May 1: one
    await addRepayments(w, schedule('L3', '2024-02', [29, 0, 0, 0])); // never reached 30 DPD
    await buildSnapshots(w, { asOf: ['2024-05-20'], dataEnd: '2025-01-01' });
    const t = await readSnapshotFeatures(w);
    expect(t.keys.loan_id).toEqual(['L1', 'L2', 'L3']);
    expect([...(t.numeric.dpd30_episodes ?? [])]).toEqual([2, 1, 0]);
    expect([...(t.numeric.dpd_max ?? [])]).toEqual([40, 90, 29]);
  });

  it('settles a partial payment on its date (DPD from dates alone) and counts the shortfall in the ratios', async () => {
    w = await emptyWorld();
    await addLoans(w, [{ loan_id: 'L1' }]);
    await addRepayments(w, [
      { installment_no: 1, due_on: '2024-02-01', paid_on: '2024-02-01' },
      { installment_no: 2, due_on: '2024-03-01', paid_on: '2024-03-05', amount_paid: 600 },
    ]);
    const [f] = await featuresAt(['2024-03-21']);
    expect(f).toMatchObject({ dpd_now: 0, dpd_max: 4, late_3m: 1, outstanding: 24000 - 1600 });
    expect(f?.paid_ratio_3m).toBeCloseTo(1600 / 2000, 12);
  });

  it('leaves ratios missing (NaN) when nothing was due in the window', async () => {
    w = await emptyWorld();
    await addLoans(w, [{ loan_id: 'L1', income: null }]);
    const [f] = await featuresAt(['2024-01-20']);
    expect(f?.paid_ratio_3m).toBeNaN();
    expect(f?.burden).toBeNaN();
    expect(f).toMatchObject({ dpd_now: 0, dpd_max: 0, late_12m: 0, outstanding: 24000, income_missing: 1 });
  });
});
