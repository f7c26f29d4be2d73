import { afterEach, describe, expect, it } from 'vitest';
import { buildSnapshots, readHazardLabels, readSnapshotFeatures } from '../../src/features/index.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { addLoans, addRepayments, emptyWorld, schedule } from './world.ts';

let w: Warehouse;
afterEach(() => w?.close());

/** Labels per loan id at one as-of date. */
async function labelsAt(asOf: string, dataEnd?: string) {
  const res = await buildSnapshots(w, { asOf: [asOf], ...(dataEnd ? { dataEnd } : {}) });
  const t = await readSnapshotFeatures(w);
  const l = await readHazardLabels(w);
  expect(l.event.length).toBe(t.n);
  const out: Record<string, { event: number; observed: number; delinquent: number }> = {};
  t.keys.loan_id.forEach((id, i) => {
    out[id] = { event: l.event[i] ?? -1, observed: l.observed[i] ?? -1, delinquent: l.delinquent[i] ?? -1 };
  });
  return { labels: out, res, horizon: l.horizon };
}

describe('hazard labels: first 30+ DPD onset within 6 months, with censoring', () => {
  it('finds the onset month of the first installment left unpaid past due_on + 30', async () => {
    w = await emptyWorld();
    await addLoans(w, [{ loan_id: 'A' }, { loan_id: 'B' }, { loan_id: 'C' }]);
    // A: Aug unpaid → onset Aug 31, in month 3 = (Aug 1, Sep 1].
    await addRepayments(w, schedule('A', '2024-02', [0, 0, 0, 0, 0, 0, null, null, null, null, null]));
    // B: Jul paid Jul 31 (30 days late: never past 30) and Aug paid Sep 1 (31 days late: onset Aug 31).
    await addRepayments(w, schedule('B', '2024-02', [0, 0, 0, 0, 0, 30, 31, 0, 0, 0, 0]));
    // C: Jun paid 31 days late → onset Jul 1, the last day of month 1 = (Jun 1, Jul 1].
    await addRepayments(w, schedule('C', '2024-02', [0, 0, 0, 0, 31, 0, 0, 0, 0, 0, 0]));
    const { labels, horizon } = await labelsAt('2024-06-01', '2024-12-31');
    expect(horizon).toBe(6);
    expect(labels.A).toEqual({ event: 3, observed: 3, delinquent: 0 });
    expect(labels.B).toEqual({ event: 3, observed: 3, delinquent: 0 });
    expect(labels.C).toEqual({ event: 1, observed: 1, delinquent: 0 });
  });

  it('respects a shorter horizon: an onset beyond it is no event, and only horizon months are observed', async () => {
    w = await emptyWorld();
    await addLoans(w, [{ loan_id: 'A' }]);
    await addRepayments(w, schedule('A', '2024-02', [0, 0, 0, 0, 0, 0, null, 0, 0, 0, 0])); // onset Aug 31: month 3
    const res = await buildSnapshots(w, { asOf: ['2024-06-01'], horizon: 2, dataEnd: '2024-12-31' });
    const l = await readHazardLabels(w);
    expect(res.horizon).toBe(2);
    expect({ horizon: l.horizon, event: l.event[0], observed: l.observed[0] }).toEqual({
      horizon: 2,
      event: 0,
      observed: 2,
    });
  });

  it('censors at the data end, and an onset after the data end is not seen', async () => {
    w = await emptyWorld();
    await addLoans(w, [{ loan_id: 'A' }, { loan_id: 'B' }]);
    await addRepayments(w, schedule('A', '2024-02', [0, 0, 0, 0, 0, 0, 0, 0]));
    await addRepayments(w, schedule('B', '2024-02', [0, 0, 0, 0, 0, 0, 0, null])); // Sep unpaid → onset Oct 1
    const { labels, res } = await labelsAt('2024-06-01', '2024-09-15');
    expect(res.dataEnd).toBe('2024-09-15');
    expect(labels.A).toEqual({ event: 0, observed: 3, delinquent: 0 }); // Jul 1, Aug 1, Sep 1 ≤ Sep 15
    expect(labels.B).toEqual({ event: 0, observed: 3, delinquent: 0 });
  });

  it('censors at maturity when repaid, yet sees the last installment going 30+ DPD after maturity', async () => {
    w = await emptyWorld();
    const short = { maturity_on: '2024-08-01', term_months: 7 };
    await addLoans(w, [
      { loan_id: 'A', ...short },
      { loan_id: 'B', ...short },
    ]);
    await addRepayments(w, schedule('A', '2024-02', [0, 0, 0, 0, 0, 0, 0])); // last paid Aug 1
    await addRepayments(w, schedule('B', '2024-02', [0, 0, 0, 0, 0, 0, null])); // last never paid
    const { labels } = await labelsAt('2024-06-01', '2024-12-31');
    expect(labels.A).toEqual({ event: 0, observed: 2, delinquent: 0 }); // closed Aug 1: Jul 1 and Aug 1 observed
    expect(labels.B).toEqual({ event: 3, observed: 3, delinquent: 0 }); // onset Aug 31 = maturity + 30
  });

  it('censors at early repayment and drops loans known to be closed from the spine', async () => {
    w = await emptyWorld();
    await addLoans(w, [{ loan_id: 'A' }, { loan_id: 'B' }]);
    await addRepayments(w, schedule('A', '2024-02', [0, 0, 0, 0])); // schedule stops after May: repaid May 1
    await addRepayments(w, schedule('B', '2024-02', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    const { labels } = await labelsAt('2024-03-15', '2024-12-31');
    expect(labels.A).toEqual({ event: 0, observed: 1, delinquent: 0 }); // Apr 15 ≤ May 1 < May 15
    expect(labels.B).toEqual({ event: 0, observed: 6, delinquent: 0 });
    // On Jul 1 A's next installment (due Jun 1) is more than a schedule step + 15 days overdue: closed.
    await buildSnapshots(w, { asOf: ['2024-06-01', '2024-07-01'], dataEnd: '2024-12-31' });
    const t = await readSnapshotFeatures(w);
    expect(t.keys.loan_id.map((id, i) => `${id}@${t.keys.as_of?.[i]}`)).toEqual([
      'A@2024-06-01',
      'B@2024-06-01',
      'B@2024-07-01',
    ]);
  });

  it('excludes and flags loans already 30+ DPD at as_of', async () => {
    w = await emptyWorld();
    await addLoans(w, [{ loan_id: 'A' }, { loan_id: 'B' }]);
    await addRepayments(w, schedule('A', '2024-02', [0, null, 0, 0, 0, 0, 0])); // Mar unpaid: 92 DPD on Jun 1
    await addRepayments(w, schedule('B', '2024-02', [0, 0, 0, 0, 0, null, 0])); // Jul unpaid: onset Jul 31
    const { labels, res } = await labelsAt('2024-06-01', '2024-12-31');
    expect(labels.A).toEqual({ event: 0, observed: 0, delinquent: 1 });
    expect(labels.B).toEqual({ event: 2, observed: 2, delinquent: 0 });
    expect(res).toMatchObject({ rows: 2, events: 1, delinquent: 1 });
    const t = await readSnapshotFeatures(w, { loanIds: ['A'] });
    expect(t.numeric.dpd_now?.[0]).toBe(92);
  });

  it('keeps only loans disbursed before and maturing after as_of; default data end is the last event', async () => {
    w = await emptyWorld();
    await addLoans(w, [
      { loan_id: 'active' },
      { loan_id: 'future', disbursed_on: '2024-06-01' },
      { loan_id: 'matured', disbursed_on: '2023-01-01', maturity_on: '2024-05-31' },
    ]);
    await addRepayments(w, schedule('active', '2024-02', [0, 0, 0, 2]));
    const { labels, res } = await labelsAt('2024-06-01');
    expect(Object.keys(labels)).toEqual(['active']);
    expect(res.dataEnd).toBe('2024-05-03');
    expect(res.rowsByAsOf).toEqual({ '2024-06-01': 1 });
  });
});
