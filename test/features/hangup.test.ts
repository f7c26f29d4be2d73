import { afterEach, describe, expect, it } from 'vitest';
import {
  buildBorrowerState,
  buildHangupRows,
  buildSlotRows,
  buildSnapshots,
  crossSlots,
  hangupManifest,
  readHangupRows,
  readSnapshotFeatures,
  type Slot,
  slotRowBatches,
} from '../../src/features/index.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { addContacts, addLoans, addRepayments, emptyWorld, schedule } from './world.ts';

let w: Warehouse;
afterEach(() => w?.close());

describe('hang-up rows: one per outbound phone attempt, as of just before it', () => {
  it('derives local hour and weekday per zone, pre-notification within 48 h, attempts that day and y', async () => {
    w = await emptyWorld();
    await addLoans(w, [
      { loan_id: 'SH', time_zone: 'Asia/Shanghai' },
      { loan_id: 'NY', time_zone: 'America/New_York' },
    ]);
    await addRepayments(w, schedule('SH', '2024-05', [null]));
    await addContacts(w, [
      { loan_id: 'SH', started_at: '2024-06-01T01:00:00Z', outcome: 'delivered', channel: 'sms' },
      // 46.5 h after the SMS; Shanghai Mon Jun 3 07:30.
      { loan_id: 'SH', started_at: '2024-06-02T23:30:00Z', outcome: 'no_answer' },
      // 49 h after the SMS; Mon 10:00, the second attempt of the local day.
      { loan_id: 'SH', started_at: '2024-06-03T02:00:00Z', outcome: 'hung_up', purpose: 'collection' },
      { loan_id: 'SH', started_at: '2024-06-03T03:00:00Z', outcome: 'answered', direction: 'inbound' },
      // New York (EDT, UTC−4): Sun Jun 2 22:00, then Mon Jun 3 09:00.
      { loan_id: 'NY', started_at: '2024-06-03T02:00:00Z', outcome: 'refused' },
      { loan_id: 'NY', started_at: '2024-06-03T13:00:00Z', outcome: 'answered' },
    ]);
    const res = await buildHangupRows(w);
    expect(res).toMatchObject({ rows: 4, positives: 2, features: hangupManifest().features.length });
    const { table: t, y } = await readHangupRows(w);
    expect(t.keys.loan_id).toEqual(['SH', 'SH', 'NY', 'NY']); // by started_at, then contact_id
    expect(t.keys.as_of).toEqual(['2024-06-02', '2024-06-03', '2024-06-03', '2024-06-03']);
    expect(t.categorical.local_hour).toEqual(['07', '10', '22', '09']);
    expect(t.categorical.weekday).toEqual(['1', '1', '7', '1']);
    expect(t.categorical.purpose).toEqual(['mid_term', 'collection', 'mid_term', 'mid_term']);
    expect([...(t.numeric.prenotified_48h ?? [])]).toEqual([1, 0, 0, 0]);
    expect([...(t.numeric.attempts_today ?? [])]).toEqual([0, 1, 0, 0]);
    expect([...y]).toEqual([0, 1, 1, 0]);
    // History stops strictly before the attempt: the first SH attempt sees only the SMS.
    expect(t.categorical.last_outcome).toEqual(['delivered', 'no_answer', null, 'refused']);
    expect(t.numeric.days_since_contact?.[3]).toBeCloseTo(11 / 24, 12);
    expect([...(t.numeric.calls_30d ?? [])]).toEqual([0, 1, 0, 1]);
    // Repayment state at the attempt date: May 1 unpaid → 32 and 33 days past due.
    expect([...(t.numeric.dpd_now ?? [])].filter((_, i) => t.keys.loan_id[i] === 'SH')).toEqual([32, 33]);
  });

  it('keeps only attempts in [from, to)', async () => {
    w = await emptyWorld();
    await addLoans(w, [{ loan_id: 'L1' }]);
    await addContacts(w, [
      { started_at: '2024-05-31T23:59:59Z', outcome: 'answered' },
      { started_at: '2024-06-01T00:00:00Z', outcome: 'answered' },
      { started_at: '2024-06-30T23:59:59Z', outcome: 'hung_up' },
      { started_at: '2024-07-01T00:00:00Z', outcome: 'answered' },
    ]);
    expect((await buildHangupRows(w, { from: '2024-06-01', to: '2024-07-01' })).rows).toBe(2);
  });
});

describe('candidate-slot rows for recommend', () => {
  const slots: Slot[] = [
    { weekday: 1, hour: 9, prenotified: true },
    { weekday: 3, hour: 19, prenotified: false, channel: 'phone', purpose: 'final' },
    { weekday: 6, hour: 8, prenotified: false },
  ];

  it('crosses the borrower state at as_of with every slot, loan-major, matching snapshot features', async () => {
    w = await emptyWorld();
    await addLoans(w, [{ loan_id: 'L1' }, { loan_id: 'L2', credit_grade: 'CCC' }, { loan_id: 'L3' }]);
    await addRepayments(w, schedule('L2', '2024-02', [0, 12, null]));
    await addContacts(w, [{ loan_id: 'L2', started_at: '2024-05-20T02:00:00Z', outcome: 'hung_up' }]);
    const rows = await buildSlotRows(w, '2024-05-01', slots, ['L2', 'L3']);
    expect(rows.manifest.hash).toBe(hangupManifest().hash);
    expect(rows.n).toBe(6);
    expect(rows.keys.loan_id).toEqual(['L2', 'L2', 'L2', 'L3', 'L3', 'L3']);
    expect(rows.categorical.local_hour).toEqual(['09', '19', '08', '09', '19', '08']);
    expect(rows.categorical.weekday).toEqual(['1', '3', '6', '1', '3', '6']);
    expect(rows.categorical.purpose).toEqual([
      'mid_term',
      'final',
      'mid_term',
      'mid_term',
      'final',
      'mid_term',
    ]);
    expect([...(rows.numeric.prenotified_48h ?? [])]).toEqual([1, 0, 0, 1, 0, 0]);
    expect([...(rows.numeric.attempts_today ?? [])]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(rows.categorical.credit_grade).toEqual(['CCC', 'CCC', 'CCC', 'A', 'A', 'A']);
    expect([...(rows.numeric.dpd_now ?? [])]).toEqual([30, 30, 30, 0, 0, 0]); // Apr 1 unpaid on May 1
    // Every manifest feature is present, and the state equals the snapshot features at the same as_of.
    for (const f of hangupManifest().features)
      expect(f.type === 'numeric' ? rows.numeric[f.name] : rows.categorical[f.name], f.name).toHaveLength(6);
    await buildSnapshots(w, { asOf: ['2024-05-01'], dataEnd: '2024-06-01' });
    const snap = await readSnapshotFeatures(w, { loanIds: ['L2', 'L3'] });
    for (const [name, col] of Object.entries(snap.numeric))
      expect(
        Array.from(col).map((v, i) => [v, rows.numeric[name]?.[i * 3 + 2]]),
        name,
      ).toEqual(Array.from(col).map((v) => [v, v]));
  });

  it('yields batches whose concatenation is the full cross', async () => {
    w = await emptyWorld();
    await addLoans(
      w,
      ['A', 'B', 'C', 'D', 'E'].map((loan_id) => ({ loan_id })),
    );
    const state = await buildBorrowerState(w, '2024-03-01');
    expect(state.n).toBe(5);
    const full = crossSlots(state, slots);
    const batches = [...slotRowBatches(state, slots, 2)];
    expect(batches.map((b) => b.loanRange)).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
    ]);
    expect(batches.flatMap((b) => b.keys.loan_id)).toEqual(full.keys.loan_id);
    expect(batches.flatMap((b) => b.categorical.local_hour)).toEqual(full.categorical.local_hour);
    expect(batches.flatMap((b) => [...(b.numeric.log_principal ?? [])])).toEqual([
      ...(full.numeric.log_principal ?? []),
    ]);
  });
});
