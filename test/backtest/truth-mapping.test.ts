/**
 * The truth mapping of `followup evaluate` on a hand-built warehouse: the model's month-k hazard at as-of A is
 * paired with the installments whose onset (due_on + 30 days) falls in (A + (k−1) months, A + k months]; and the
 * 6-month risk's rules for months the truth does not cover (maturity, censoring, empty windows, the oracle).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { riskAgreement, riskVectors } from '../../src/backtest/risk-6m.ts';
import { agreement, pearson } from '../../src/backtest/stats.ts';
import {
  appendPredictions,
  createPredictionTable,
  type LoanWindows,
  loanWindows,
  truthPairs,
} from '../../src/backtest/truth.ts';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';
import { ensureContractTables } from '../../src/warehouse/schema.ts';

let w: Warehouse;

beforeEach(async () => {
  w = await openWarehouse(':memory:');
  await ensureContractTables(w);
  // L1: monthly on the 15th. L2: an irregular schedule with two installments due in February.
  const due: [string, number, string][] = [
    ['L1', 1, '2024-02-15'],
    ['L1', 2, '2024-03-15'],
    ['L1', 3, '2024-04-15'],
    ['L1', 4, '2024-05-15'],
    ['L2', 1, '2024-02-01'],
    ['L2', 2, '2024-02-28'],
    ['L2', 3, '2024-03-28'],
  ];
  for (const [id, no, d] of due)
    await w.run(
      'INSERT INTO repayments (loan_id, installment_no, due_on, amount_due) VALUES ($1, $2, $3::DATE, 100)',
      [id, no, d],
    );
  // L1 matures with its May installment, L2 with its March one.
  for (const [id, mat] of [
    ['L1', '2024-05-15'],
    ['L2', '2024-03-28'],
  ] as const)
    await w.run(
      `INSERT INTO loans VALUES ($1, 'B1', 'personal', DATE '2024-01-15', $2::DATE, 1000, 0.05, 4, 'BB', 'CN-BJ',
         'Asia/Shanghai', '+8613800138000', NULL, NULL)`,
      [id, mat],
    );
  // Truth: L1 is at risk for the February…April installments (its first onset came from April's); L2 for all.
  await w.run(`CREATE TEMP TABLE bt_truth AS SELECT * FROM (VALUES
    ('L1', DATE '2024-02-01', 0.01), ('L1', DATE '2024-03-01', 0.02), ('L1', DATE '2024-04-01', 0.05),
    ('L2', DATE '2024-02-01', 0.10), ('L2', DATE '2024-03-01', 0.20)) t(loan_id, month, hazard)`);
  await createPredictionTable(w);
});

afterEach(() => w.close());

describe('truth mapping', () => {
  it('pairs month k with the installment due about a month before the onset window', async () => {
    await appendPredictions(w, '2024-03-01', ['L1'], [0.011, 0.021, 0.051, 0.3], 4);
    const pairs = await truthPairs(w);
    // k=1: onsets (03-01, 04-01] ← due (01-31, 03-02] = 02-15 → February's 0.01.
    // k=2: onsets (04-01, 05-01] ← due (03-02, 04-01] = 03-15 → March's 0.02.
    // k=3: onsets (05-01, 06-01] ← due 04-15 → April's 0.05.
    // k=4: onsets (06-01, 07-01] ← due 05-15 → no truth (the loan was past its first onset): no pair.
    expect(pairs.map((p) => [p.k, p.predicted, p.truth])).toEqual([
      [1, 0.011, 0.01],
      [2, 0.021, 0.02],
      [3, 0.051, 0.05],
    ]);
    expect(pairs.every((p) => p.as_of === '2024-03-01' && p.loan_id === 'L1')).toBe(true);
  });

  it('combines two installments in one window as 1 − Π(1 − h)', async () => {
    await appendPredictions(w, '2024-03-01', ['L2'], [0.2, 0.2], 2);
    const pairs = await truthPairs(w);
    // k=1: due (01-31, 03-02] holds 02-01 and 02-28, both February: 1 − 0.9² = 0.19.
    expect(pairs[0]!.k).toBe(1);
    expect(pairs[0]!.truth).toBeCloseTo(1 - 0.9 * 0.9, 12);
    // k=2: due (03-02, 04-01] holds 03-28 → March's 0.20.
    expect(pairs[1]!.k).toBe(2);
    expect(pairs[1]!.truth).toBeCloseTo(0.2, 12);
    expect(pairs).toHaveLength(2);
  });

  it('an as-of date moves the windows with it', async () => {
    // As-of 2024-02-20: k=1 onsets (02-20, 03-20] ← due (01-21, 02-19] = 02-15 (February);
    // k=2 onsets (03-20, 04-20] ← due (02-19, 03-21] = 03-15 (March).
    await appendPredictions(w, '2024-02-20', ['L1'], [0.5, 0.6], 2);
    const pairs = await truthPairs(w);
    expect(pairs.map((p) => [p.k, p.truth])).toEqual([
      [1, 0.01],
      [2, 0.02],
    ]);
  });
});

describe('6-month risk per loan and as-of', () => {
  const prod = (h: number[]) => 1 - h.reduce((s, x) => s * (1 - x), 1);

  it('reads six windows per loan: installments, truths, maturity', async () => {
    await appendPredictions(w, '2024-03-01', ['L1'], [0.011, 0.021, 0.051, 0.06, 0.07, 0.08], 6);
    const [x, ...more] = await loanWindows(w, '2024-03-01', '2024-03-01', 6);
    expect(more).toEqual([]);
    // k=4 holds the May installment (no truth: the loan's first onset came from April's); k=5 starts 07-01, past
    // maturity 05-15 + 30 days.
    expect(x).toEqual({
      as_of: '2024-03-01',
      loan_id: 'L1',
      predicted: [0.011, 0.021, 0.051, 0.06, 0.07, 0.08],
      installments: [1, 1, 1, 1, 0, 0],
      truth: [0.01, 0.02, 0.05, null, null, null],
      unseen: [false, true, true, true, false, false],
      open: [true, true, true, true, false, false],
    });
    const v = riskVectors(x!);
    // Past maturity: 0 on both sides. After the first onset: the true side holds April's hazard.
    expect(v.predicted).toEqual([0.011, 0.021, 0.051, 0.06, 0, 0]);
    expect(v.truth).toEqual([0.01, 0.02, 0.05, 0.05, 0, 0]);
    // The oracle knows February's and March's (the next installment's) truths and holds March's.
    expect(v.oracle).toEqual([0.01, 0.02, 0.02, 0.02, 0, 0]);
    expect(v).toMatchObject({ censored: true, matured: true });
    const r = riskAgreement([x!]);
    expect(r.model.mean_predicted).toBeCloseTo(prod(v.predicted), 12);
    expect(r.model.mean_truth).toBeCloseTo(prod(v.truth), 12);
    expect(r.oracle.mean_predicted).toBeCloseTo(prod(v.oracle), 12);
    expect(r.months_2_6.model.mean_truth).toBeCloseTo(prod(v.truth.slice(1)), 12);
    expect(r).toMatchObject({ n: 1, censored: 1, matured: 1 });
  });

  it('leaves out loans with no truth in the six windows and as-of dates outside the range', async () => {
    // L2 matured in March: as of 2024-05-01 no window holds an installment with a truth.
    await appendPredictions(w, '2024-05-01', ['L2'], [0.1, 0.1, 0.1, 0.1, 0.1, 0.1], 6);
    await appendPredictions(w, '2024-03-01', ['L2'], [0.1, 0.1, 0.1, 0.1, 0.1, 0.1], 6);
    expect(await loanWindows(w, '2024-05-01', '2024-05-01', 6)).toEqual([]);
    const rows = await loanWindows(w, '2024-01-01', '2024-04-01', 6);
    expect(rows.map((r) => [r.as_of, r.loan_id])).toEqual([['2024-03-01', 'L2']]);
  });

  it('an empty window before the truth counts 0 on the true side only; several installments in the oracle', () => {
    const x: LoanWindows = {
      as_of: '2024-03-01',
      loan_id: 'N',
      predicted: [0.001, 0.01, 0.02, 0.03, 0.04, 0.05],
      // A new loan: no installment in window 1; two in window 4 (a short month), one in window 5 of the next.
      installments: [0, 1, 1, 2, 0, 1],
      truth: [null, 0.02, 0.03, 1 - 0.96 * 0.95, null, 0.06],
      unseen: [false, true, true, true, false, true],
      open: [true, true, true, true, true, true],
    };
    const v = riskVectors(x);
    expect(v.predicted).toEqual(x.predicted);
    expect(v.truth).toEqual([0, 0.02, 0.03, 1 - 0.96 * 0.95, 0, 0.06]);
    expect(v.oracle[0]).toBe(0);
    expect(v.oracle[1]).toBe(0.02);
    expect(v.oracle[3]).toBeCloseTo(1 - 0.98 ** 2, 15);
    expect(v.oracle[4]).toBe(0);
    expect(v.oracle[5]).toBe(0.02);
    expect(v).toMatchObject({ censored: false, matured: false });
  });
});

describe('agreement statistics', () => {
  it('Pearson matches the hand computation', () => {
    // x = 1,2,3; y = 2,4,7: Sxy = 5, Sxx = 2, Syy = 114/9 → r = 5 / sqrt(2 · 114/9).
    expect(pearson([1, 2, 3], [2, 4, 7])).toBeCloseTo(5 / Math.sqrt((2 * 114) / 9), 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it('deciles split equal counts by prediction and average both sides', () => {
    const p = Array.from({ length: 20 }, (_, i) => (i + 1) / 100);
    const t = p.map((x) => 2 * x);
    const a = agreement(p, t);
    expect(a.deciles).toHaveLength(10);
    expect(a.deciles[0]).toEqual({ decile: 1, n: 2, predicted: (0.01 + 0.02) / 2, truth: (0.02 + 0.04) / 2 });
    expect(a.pearson).toBeCloseTo(1, 12);
    expect(a.mean_truth).toBeCloseTo(2 * a.mean_predicted, 12);
  });
});
