/**
 * The backtest's yardsticks on hand-built cases: early-warning coverage and lead time, loan-years in scope, the
 * fixed practice's calls against its definition, and the true hang-up rate of a schedule.
 */
import { describe, expect, it } from 'vitest';
import { coverage, loanYears, median, scheduleMetrics } from '../../src/backtest/metrics.ts';
import type { LoanOutcome } from '../../src/backtest/outcomes.ts';
import { FIXED, fixedSchedule, type MadeContact, packOf } from '../../src/backtest/schedule.ts';
import { trueHangupProbability } from '../../src/generate/truth.ts';
import { dayOf } from '../../src/recommend/days.ts';
import { calendarFor, loadPolicy } from '../../src/recommend/index.ts';

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

describe('fixed practice', () => {
  it('first at 30 days, every 90 days, final 60 days before maturity, on working days', () => {
    const l = loan('A', '2024-01-10', '2026-01-10');
    const calls = fixedSchedule(l, policy, -1e6, 1e6);
    const dis = dayOf('2024-01-10');
    const mat = dayOf('2026-01-10');
    const first = dis + FIXED.firstAfter;
    const finalNominal = mat - FIXED.finalBefore;
    let mids = 0;
    for (let d = first + FIXED.every; d < finalNominal; d += FIXED.every) mids++;
    expect(calls.map((c) => c.purpose)).toEqual(['first', ...Array(mids).fill('mid_term'), 'final']);
    const cal = calendarFor(packOf(policy, 'Asia/Shanghai').calendar);
    for (const c of calls) expect(cal.isWorkingDay(c.day)).toBe(true);
    // Deadlines move earlier, mid-terms later, by at most a long holiday.
    expect(calls[0]!.day).toBeLessThanOrEqual(first);
    expect(calls[0]!.day).toBeGreaterThan(first - 10);
    expect(calls.at(-1)!.day).toBeLessThanOrEqual(finalNominal);
    for (let i = 1; i <= mids; i++) {
      expect(calls[i]!.day).toBeGreaterThanOrEqual(first + i * FIXED.every);
      expect(calls[i]!.day).toBeLessThan(first + i * FIXED.every + 10);
    }
    expect(calls.every((c) => c.hour === FIXED.hour && !c.prenotified)).toBe(true);
  });

  it('keeps only calls in the period', () => {
    const l = loan('A', '2024-01-10', '2026-01-10');
    const all = fixedSchedule(l, policy, -1e6, 1e6);
    const from = dayOf('2025-01-01');
    const to = dayOf('2025-07-01');
    const part = fixedSchedule(l, policy, from, to);
    expect(part).toEqual(all.filter((c) => c.day >= from && c.day < to));
    expect(part.length).toBeGreaterThan(0);
  });
});

describe('schedule metrics', () => {
  it('expected hang-up rate is the mean true probability at the calls, with days since the previous call', () => {
    const loans = [loan('A', '2024-01-10', '2026-01-10')];
    const calls = [call('A', '2025-03-03', 'mid_term', 10), call('A', '2025-06-03', 'mid_term', 15, true)];
    const m = scheduleMetrics(calls, loans, policy, dayOf('2025-01-01'), dayOf('2025-07-01'));
    const p1 = trueHangupProbability({
      localHour: 10,
      weekday: 1, // 2025-03-03 is a Monday
      preNotified: false,
      attemptsToday: 0,
      daysSinceLastContact: INF,
      delinquent: false,
      firstLoan: true,
      pastHangups: 0,
    });
    const p2 = trueHangupProbability({
      localHour: 15,
      weekday: 2, // 2025-06-03 is a Tuesday
      preNotified: true,
      attemptsToday: 0,
      daysSinceLastContact: 92,
      delinquent: false,
      firstLoan: true,
      pastHangups: 0,
    });
    expect(m.expected_hangup_rate).toBeCloseTo((p1 + p2) / 2, 12);
    expect(m.contacts).toBe(2);
    expect(m.prenotified).toBe(1);
    expect(m.violations).toBe(0);
  });

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
    const m = scheduleMetrics(bad, loans, policy, dayOf('2025-01-01'), dayOf('2025-07-01'));
    expect(m.violations_by_rule).toEqual({ working_days_only: 1, call_hours: 1 });
  });
});
