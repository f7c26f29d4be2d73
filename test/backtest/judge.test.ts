/**
 * The backtest's yardsticks by hand: pre-delinquency reach counts answered chances only while the loan is
 * current in the 30 days before its first missed due date; the bootstrap is paired, seeded and brackets the
 * point estimate; the volume match lands within 0.5 % of its target.
 */
import { describe, expect, it } from 'vitest';
import { bootstrap, episodeLoans, judge, type LoanSums, totals } from '../../src/backtest/judge.ts';
import type { LoanOutcome } from '../../src/backtest/outcomes.ts';
import { attemptsOf, matchVolume } from '../../src/backtest/run.ts';
import type { MadeContact } from '../../src/backtest/schedule.ts';
import { currentOn, type WorldTruth } from '../../src/backtest/world.ts';
import { dayOf, isoWeekday } from '../../src/core/days.ts';
import { trueAnswerProbability } from '../../src/generate/truth.ts';

const D = dayOf;
const loan = (id: string, onset: number): LoanOutcome => ({
  loan_id: id,
  borrower_id: `B${id}`,
  loan_type: 'personal',
  credit_grade: 'BBB',
  time_zone: 'Asia/Shanghai',
  disbursed_on: '2024-01-10',
  maturity_on: '2027-01-10',
  dis: D('2024-01-10'),
  mat: D('2027-01-10'),
  onset,
  closed: Number.POSITIVE_INFINITY,
  firstLoan: false,
});
const call = (id: string, day: string, purpose = 'mid_term'): MadeContact => ({
  loan_id: id,
  day: D(day),
  start_utc: `${day}T02:00:00Z`,
  end_utc: `${day}T03:00:00Z`,
  hour: 10,
  hour_end: 11,
  weekday: isoWeekday(D(day)),
  purpose,
  prenotified: false,
  prenotify_at_utc: null,
  time_zone: 'Asia/Shanghai',
});
const truth: WorldTruth = { borrowers: new Map(), hazard: new Map() };

describe('pre-delinquency reach', () => {
  // Missed due date 2025-06-10 (onset 30 days later); the window is 2025-05-11 … 2025-06-09.
  const onset = D('2025-06-10') + 30;
  const loans = [loan('A', onset), loan('B', Number.POSITIVE_INFINITY)];
  const from = D('2025-01-01');
  const to = D('2026-01-01');
  const inst = new Map([
    [
      'A',
      [
        { due: D('2025-05-10'), paid: D('2025-05-20') }, // paid 10 days late: not current 05-11 … 05-19
        { due: D('2025-06-10'), paid: Number.NaN },
      ],
    ],
  ]);

  it('counts the answer chance of a call in the window while current, and nothing outside it', () => {
    const inWindow = call('A', '2025-05-26');
    const s = judge([inWindow, call('A', '2025-04-01')], loans, truth, new Map(), inst, from, to);
    expect(s.episode[0]).toBe(1);
    expect(s.episode[1]).toBe(0);
    expect(s.reach[0]).toBeGreaterThan(0.3);
    expect(s.reach[0]).toBeLessThan(1);
    // One answered chance: the reach equals that call's answer probability (its context from the earlier call).
    expect(s.attempts[0]).toBe(2);
    expect(totals(s).reach).toBeCloseTo(s.reach[0]!, 12);
  });

  it('a call while the loan is 1–29 days late does not reach it', () => {
    const s = judge([call('A', '2025-05-15')], loans, truth, new Map(), inst, from, to);
    expect(currentOn(inst.get('A'), D('2025-05-15'))).toBe(false);
    expect(s.reach[0]).toBe(0);
  });

  it('two calls in the window combine as 1 − Π(1 − answered)', () => {
    const one = judge([call('A', '2025-05-26')], loans, truth, new Map(), inst, from, to).reach[0]!;
    const two = judge(
      [call('A', '2025-05-26'), call('A', '2025-06-05')],
      loans,
      truth,
      new Map(),
      inst,
      from,
      to,
    ).reach[0]!;
    expect(two).toBeGreaterThan(one);
    expect(two).toBeLessThanOrEqual(1 - (1 - one) * (1 - 0.99));
    const p = trueAnswerProbability({
      localHour: 10,
      weekday: isoWeekday(D('2025-05-26')) % 7,
      preNotified: false,
      attemptsToday: 0,
      daysSinceLastContact: Number.POSITIVE_INFINITY,
      delinquent: false,
      firstLoan: false,
      pastHangups: 0,
      conversations: 0,
    });
    expect(one).toBeCloseTo(p, 9);
  });

  it('episodes are the onsets whose whole window lies in the period', () => {
    const e = episodeLoans([loan('X', D('2025-01-20') + 60), loan('Y', D('2025-03-01'))], from, to);
    expect(e.map((o) => o.loan_id)).toEqual(['X']);
  });
});

describe('bootstrap', () => {
  const sums = (reach: number[], episode: number[]): LoanSums => ({
    episode: Uint8Array.from(episode),
    reach: Float64Array.from(reach),
    attempts: new Float64Array(reach.length).fill(1),
    hang: new Float64Array(reach.length).fill(0.1),
    answer: new Float64Array(reach.length).fill(0.7),
    contacts: new Float64Array(reach.length).fill(1),
  });
  const n = 400;
  const ep = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0));
  const a = sums(
    ep.map((e, i) => (e ? (i % 8 === 0 ? 0.9 : 0.3) : 0)),
    ep,
  );
  const b = sums(
    ep.map((e) => (e ? 0.3 : 0)),
    ep,
  );
  const stat = (t: Record<string, ReturnType<typeof totals>>) => ({ ratio: t.a!.reach / t.b!.reach });

  it('is seeded (same intervals twice) and brackets the point estimate', () => {
    const x = bootstrap({ a, b }, stat, 300, 11);
    expect(bootstrap({ a, b }, stat, 300, 11)).toEqual(x);
    expect(x.ratio!.value).toBeCloseTo(0.6 / 0.3, 9);
    expect(x.ratio!.lo).toBeLessThan(x.ratio!.value);
    expect(x.ratio!.hi).toBeGreaterThan(x.ratio!.value);
    expect(x.ratio!.lo).toBeGreaterThan(1);
  });
});

describe('matchVolume', () => {
  it('finds the scale whose attempts are within 0.5 % of the target for a decreasing volume', async () => {
    const make = (k: number) => Array.from({ length: k }, (_, i) => call('A', '2025-05-26', `p${i}`));
    const run = async (x: number) => make(Math.round(20_000 / x));
    const m = await matchVolume(run, 13_337, 20);
    expect(Math.abs(attemptsOf(m.calls) / 13_337 - 1)).toBeLessThanOrEqual(0.005);
    expect(m.runs).toBeLessThanOrEqual(20);
    expect(attemptsOf(m.first)).toBe(20_000);
  });

  it('counts a call joined by the borrower’s second loan once', () => {
    const c = call('A', '2025-05-26');
    expect(attemptsOf([c, { ...c, loan_id: 'A2', joined: true }])).toBe(1);
  });
});
