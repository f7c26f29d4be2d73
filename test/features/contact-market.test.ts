import { afterEach, describe, expect, it } from 'vitest';
import { buildSnapshots, readSnapshotFeatures } from '../../src/features/index.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { addContacts, addLoans, addMarket, emptyWorld } from './world.ts';

let w: Warehouse;
afterEach(() => w?.close());

describe('contact family', () => {
  it('counts calls, answers and hang-ups per window before the cutoff (end of the as-of day)', async () => {
    w = await emptyWorld();
    await addLoans(w, [{ loan_id: 'L1' }, { loan_id: 'L2' }]);
    await addContacts(w, [
      { started_at: '2024-06-30T10:00:00Z', outcome: 'answered' },
      { started_at: '2024-06-20T10:00:00Z', outcome: 'hung_up' },
      { started_at: '2024-06-25T10:00:00Z', outcome: 'delivered', channel: 'sms' },
      { started_at: '2024-05-15T10:00:00Z', outcome: 'refused' },
      { started_at: '2024-04-01T10:00:00Z', outcome: 'no_answer' }, // 91.6 days before the cutoff
      { started_at: '2024-01-10T10:00:00Z', outcome: 'answered' },
      { started_at: '2024-07-01T23:00:00Z', outcome: 'promise_to_pay', direction: 'inbound' },
      { started_at: '2024-07-02T00:00:00Z', outcome: 'hung_up' }, // at the cutoff: not yet known
      { loan_id: 'L2', started_at: '2023-12-01T00:00:00Z', outcome: 'voicemail' }, // older than 180 days
    ]);
    await buildSnapshots(w, { asOf: ['2024-07-01'], dataEnd: '2024-07-01' });
    const t = await readSnapshotFeatures(w);
    const at = (name: string) => [...(t.numeric[name] ?? [])];
    expect(at('calls_30d')).toEqual([2, 0]);
    expect(at('answered_30d')).toEqual([1, 0]);
    expect(at('hangups_30d')).toEqual([1, 0]);
    expect(at('answer_rate_30d')[0]).toBe(0.5);
    expect(at('answer_rate_30d')[1]).toBeNaN();
    expect(at('calls_90d')).toEqual([3, 0]);
    expect(at('hangups_90d')).toEqual([2, 0]); // hung_up and refused
    expect(at('hangup_rate_90d')[0]).toBeCloseTo(2 / 3, 12);
    expect(at('calls_180d')).toEqual([5, 0]);
    expect(at('answered_180d')).toEqual([2, 0]);
    expect(at('inbound_180d')).toEqual([1, 0]);
    expect(at('prenotices_90d')).toEqual([1, 0]);
    expect(at('days_since_answered')[0]).toBeCloseTo(1 / 24, 12);
    expect(at('days_since_contact')[0]).toBeCloseTo(1 / 24, 12);
    expect(at('days_since_contact')[1]).toBeCloseTo(214, 12); // Dec 1 2023 → Jul 2 2024 (leap February)
    expect(t.categorical.last_outcome).toEqual(['promise_to_pay', 'voicemail']);
  });
});

describe('market family', () => {
  it('uses only months strictly before the as-of month, per region', async () => {
    w = await emptyWorld();
    await addLoans(w, [
      { loan_id: 'L1', region: 'R1' },
      { loan_id: 'L2', region: 'R2' },
    ]);
    const months = Array.from({ length: 18 }, (_, i) =>
      new Date(Date.UTC(2023, i, 1)).toISOString().slice(0, 10),
    );
    await addMarket(
      w,
      months.map((month, i) => ({ month, hpi: 100 + i, unemployment: month === '2023-06-01' ? 0.05 : 0.06 })),
    );
    await addMarket(w, [{ month: '2024-07-01', hpi: 999 }]); // the as-of month itself: not yet published
    await addMarket(w, [{ region: 'R2', month: '2024-03-01', hpi: 50 }]);
    await buildSnapshots(w, { asOf: ['2024-07-15'], dataEnd: '2024-07-15' });
    const t = await readSnapshotFeatures(w);
    const at = (name: string) => [...(t.numeric[name] ?? [])];
    expect(at('hpi')).toEqual([117, 50]); // R1: June 2024 is month 17 → 117; R2: its latest month, March
    expect(at('hpi_chg_3m')[0]).toBeCloseTo(117 / 114 - 1, 12);
    expect(at('hpi_chg_6m')[0]).toBeCloseTo(117 / 111 - 1, 12);
    expect(at('hpi_chg_12m')[0]).toBeCloseTo(117 / 105 - 1, 12);
    expect(at('hpi_chg_3m')[1]).toBeNaN(); // R2 has no December 2023
    expect(at('unemployment_chg_12m')[0]).toBeCloseTo(0.01, 12);
    expect(at('market_lag_months')).toEqual([1, 4]);
  });
});
