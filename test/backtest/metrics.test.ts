/**
 * The backtest's shared yardsticks on hand-built cases: early-warning coverage and lead time, loan-years in scope,
 * rule violations (the truth-based ones are in judge.test.ts; the fixed practice's calls in backtest-cli.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { coverage, loanYears, median, violations } from '../../src/backtest/metrics.ts';
import type { LoanOutcome } from '../../src/backtest/outcomes.ts';
import type { MadeContact } from '../../src/backtest/schedule.ts';
import { dayOf } from '../../src/core/days.ts';
import { loadPolicy } from '../../src/recommend/index.ts';

const policy = loadPolicy();
const INF = Number.POSITIVE_INFINITY;

function loan(id: string, dis: string, mat: string, onset = INF, closed = INF): LoanOutcome {
  return {
    loan_id: id,
    borrower_id: `B${id}`,
    loan_type: 'personal',
    credit_grade: 'A',
    time_zone: 'Asia/Shanghai',
    disbursed_on: dis,
    maturity_on: mat,
    dis: dayOf(dis),
    mat: dayOf(mat),
    onset,
    closed,
    firstLoan: true,
  };
}

function call(id: string, ymd: string, purpose = 'mid_term', hour = 10, prenotified = false): MadeContact {
  const day = dayOf(ymd);
  const h = String(hour - 8).padStart(2, '0'); // Asia/Shanghai is UTC+8
  return {
    loan_id: id,
    day,
    start_utc: `${ymd}T${h}:00:00.000Z`,
    end_utc: `${ymd}T${String(hour - 7).padStart(2, '0')}:00:00.000Z`,
    hour,
    weekday: ((((day + 3) % 7) + 7) % 7) + 1, // 1970-01-01 was a Thursday (ISO 4)
    purpose,
    prenotified,
    prenotify_at_utc: null,
    time_zone: 'Asia/Shanghai',
  };
}

describe('early-warning coverage', () => {
  const from = dayOf('2025-01-01');
  const to = dayOf('2025-07-01');
  const loans = [
    loan('A', '2024-01-10', '2026-01-10', dayOf('2025-03-20')), // call 2025-03-01: 19 days before → covered
    loan('B', '2024-01-10', '2026-01-10', dayOf('2025-04-15')), // call 2025-03-01: 45 days before → missed
    loan('C', '2024-01-10', '2026-01-10', dayOf('2025-05-10')), // calls 04-20 and 05-05: earliest → lead 20
    loan('D', '2024-01-10', '2026-01-10', dayOf('2025-01-20')), // onset before from + 30: not counted
    loan('E', '2024-01-10', '2026-01-10', dayOf('2025-08-01')), // onset after the period: not counted
    loan('F', '2024-01-10', '2026-01-10'), // never
  ];
  const calls = [
    call('A', '2025-03-01'),
    call('B', '2025-03-01'),
    call('C', '2025-04-20'),
    call('C', '2025-05-05'),
    call('D', '2025-01-10'),
    call('F', '2025-02-02'),
  ];

  it('counts onsets in [from + 30, to) with a call in the 30 days before, lead from the earliest', () => {
    const c = coverage(calls, loans, from, to);
    expect(c.onsets).toBe(3);
    expect(c.covered).toBe(2);
    expect(c.leads.sort((a, b) => a - b)).toEqual([19, 20]);
    expect(median(c.leads)).toBe(19.5);
  });

  it('a call on the onset day itself is too late', () => {
    const c = coverage([call('A', '2025-03-20')], loans, from, to);
    expect(c.covered).toBe(0);
  });

  it('loan-years end at maturity, early closure or onset', () => {
    const ls = [
      loan('A', '2024-01-10', '2026-01-10', dayOf('2025-03-20')), // 2025-01-01 … 03-20: 78 days
      loan('G', '2025-02-01', '2026-01-10'), // 02-02 … 07-01: 149 days
      loan('H', '2024-01-10', '2026-01-10', INF, dayOf('2025-01-31')), // 01-01 … 01-31: 30 days
    ];
    expect(loanYears(ls, from, to) * 365.25).toBeCloseTo(78 + 149 + 30, 9);
  });
});

describe('rule violations', () => {
  it('counts a call at night and on a weekend as violations', () => {
    const loans = [loan('A', '2024-01-10', '2026-01-10')];
    // 2025-03-08 is a Saturday (not a CN make-up working day); 23:00 is outside 08:00–22:00.
    const bad = [
      call('A', '2025-03-08', 'mid_term', 10),
      {
        ...call('A', '2025-03-04'),
        hour: 23,
        start_utc: '2025-03-04T15:00:00.000Z',
        end_utc: '2025-03-04T16:00:00.000Z',
      },
    ];
    expect(loans).toHaveLength(1);
    expect(violations(bad, policy)).toEqual({ working_days_only: 1, call_hours: 1 });
  });
});
