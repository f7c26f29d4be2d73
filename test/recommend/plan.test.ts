import { describe, expect, it } from 'vitest';
import { dayOf } from '../../src/core/days.ts';
import { BadInputError } from '../../src/core/errors.ts';
import { EMIT_YIELD_EVERY } from '../../src/recommend/emit.ts';
import {
  checkRules,
  type HangupScorer,
  loadPolicy,
  type PlannerLoan,
  type Policy,
  parsePolicy,
  planFollowUps,
  resolveSegment,
} from '../../src/recommend/index.ts';
import { noticeInstant } from '../../src/recommend/prenotify.ts';
import { syntheticLoans, syntheticScorer } from './synthetic.ts';

const policy = loadPolicy();
const ymdAt = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

function loan(over: Partial<PlannerLoan> = {}): PlannerLoan {
  return {
    loan_id: 'L1',
    borrower_id: 'B1',
    loan_type: 'personal',
    credit_grade: 'A',
    disbursed_on: '2025-01-10',
    maturity_on: '2035-01-10',
    time_zone: 'Asia/Shanghai',
    current_dpd: 0,
    market_change: 0.01,
    history: {},
    recent_contacts: [],
    hazard: new Float32Array(6).fill(0.001),
    ...over,
  };
}

function scorer(f: (loan: number, weekday: number, hour: number, notified: boolean) => number): HangupScorer {
  return async (b) => {
    const out = new Float32Array(b.size);
    for (let j = 0; j < b.size; j++)
      out[j] = f(b.loan[j]!, b.weekday[j]!, b.hour[j]!, b.prenotified[j] === 1);
    return out;
  };
}
const flat = scorer(() => 0.1);

async function plan(loans: PlannerLoan[], asOf: string, hangup = flat, p: Policy = policy) {
  return planFollowUps({ asOf, loans, policy: p, hangup, modelVersions: { delinquency: 'd', hangup: 'h' } });
}

describe('planFollowUps examples', () => {
  it('plans the final follow-up whenever maturity is within the final window, and nothing after maturity', async () => {
    const asOf = '2026-03-02';
    const at = (d: number) => ymdAt(dayOf(asOf) + d);
    const loans = [
      // Maturity in 60 days, the last mid-term 300 days ago (overdue): the final, not another mid-term.
      loan({
        loan_id: 'in60',
        maturity_on: at(60),
        history: { first: ['2025-01-20'], mid_term: [at(-300)] },
      }),
      // Maturity in 20 days, no final yet: a late final, before maturity.
      loan({
        loan_id: 'in20',
        maturity_on: at(20),
        history: { first: ['2025-01-20'], mid_term: [at(-100)] },
      }),
      // The final was made 10 days ago, maturity in 45 days: a mid-term may open, but never past maturity.
      loan({
        loan_id: 'after-final',
        maturity_on: at(45),
        hazard: new Float32Array(6).fill(0.0001),
        history: { first: ['2025-01-20'], mid_term: [at(-120)], final: [at(-10)] },
      }),
    ];
    const { recommendations: r } = await plan(loans, asOf);
    const by = new Map(r.map((x) => [x.loan_id, x]));
    expect(by.get('in60')!.purpose).toBe('final');
    expect(by.get('in20')!.purpose).toBe('final');
    expect(by.get('in20')!.reason_codes).toContain('OVERDUE');
    for (const l of loans) {
      const x = by.get(l.loan_id);
      if (!x) continue;
      expect(dayOf(x.due_on)).toBeLessThan(dayOf(l.maturity_on));
      expect(dayOf(x.latest_on)).toBeLessThan(dayOf(l.maturity_on));
    }
    const mid = by.get('after-final');
    if (mid) expect(mid.purpose).toBe('mid_term');
  });

  it('plans nothing when no working day is left before maturity (New Year holidays in cn)', async () => {
    // Matures 2026-01-03; 2026-01-01…03 are holidays and the next working day (Sunday the 4th) is too late.
    const l = loan({
      loan_id: 'holiday',
      maturity_on: '2026-01-03',
      history: { first: ['2025-01-20'], mid_term: ['2025-10-01'] },
    });
    const r = await plan([l, loan({ loan_id: 'other', borrower_id: 'B2' })], '2025-12-31');
    expect(r.recommendations.map((x) => x.loan_id)).toEqual(['other']);
    expect(r.stats.skipped).toBe(1);
  });

  it('spreads a first load whose backlog is all due at once over the next weeks under capacity auto', async () => {
    // 300 overdue mid-term follow-ups (the last one 9 months ago), each with its own risk.
    const history = { first: ['2025-01-20'], mid_term: ['2025-06-01'] };
    const loans = Array.from({ length: 300 }, (_, k) =>
      loan({
        loan_id: `L${String(k).padStart(3, '0')}`,
        borrower_id: `B${k}`,
        hazard: new Float32Array(6).fill(0.0005 + 0.0001 * ((k * 37) % 100)),
        history,
      }),
    );
    expect(policy.capacity.daily).toBe('auto');
    const auto = await plan(loans, '2026-03-02');
    // 3 × 300 follow-ups over the 90 days' working days (90 × 5/7).
    expect(auto.stats.capacity_daily).toBe(Math.ceil((3 * 300) / ((90 * 5) / 7)));
    expect(auto.stats.overflow).toBe(0);
    const perDay = new Map<string, number>();
    for (const r of auto.recommendations) perDay.set(r.due_on, (perDay.get(r.due_on) ?? 0) + 1);
    for (const n of perDay.values()) expect(n).toBeLessThanOrEqual(auto.stats.capacity_daily!);
    expect(perDay.size).toBeGreaterThanOrEqual(Math.ceil(300 / auto.stats.capacity_daily!));
    for (const r of auto.recommendations) expect(dayOf(r.due_on)).toBeLessThanOrEqual(dayOf(r.latest_on));
    // Riskiest first: the riskier half is called earlier on average than the safer half.
    // (by the loan's risk rate: risk at due also grows with the days a follow-up was moved)
    const rate = new Map(loans.map((l) => [l.loan_id, l.hazard[0]!]));
    const byRisk = [...auto.recommendations].sort((a, b) => rate.get(b.loan_id)! - rate.get(a.loan_id)!);
    const meanDay = (rs: typeof byRisk) => rs.reduce((s, r) => s + dayOf(r.due_on), 0) / rs.length;
    expect(meanDay(byRisk.slice(0, 150))).toBeLessThan(meanDay(byRisk.slice(150)));
    expect(auto.recommendations.filter((r) => r.reason_codes.includes('CAPACITY_MOVED')).length).toBe(
      auto.stats.moved,
    );
    // Without a capacity the same load lands on the overdue window's few working days.
    const unlimited = await plan(loans, '2026-03-02', flat, parsePolicy('capacity:\n  daily: null\n'));
    expect(unlimited.stats.capacity_daily).toBeNull();
    const days = new Set(unlimited.recommendations.map((r) => r.due_on));
    expect(days.size).toBeLessThanOrEqual(6);
    expect(perDay.size).toBeGreaterThan(3 * days.size);
  });

  it('leaves a steady book alone under capacity auto', async () => {
    // Last mid-term follow-ups spread over the past half year: the next ones spread over the coming months.
    const loans = Array.from({ length: 200 }, (_, k) =>
      loan({
        loan_id: `S${k}`,
        borrower_id: `S${k}`,
        hazard: new Float32Array(6).fill(0.0005),
        history: { first: ['2025-01-20'], mid_term: [ymdAt(dayOf('2025-09-05') + (k % 175))] },
      }),
    );
    const r = await plan(loans, '2026-03-02');
    expect(r.stats.capacity_daily).toBeGreaterThan(0);
    expect(r.stats.moved).toBe(0);
    expect(r.stats.overflow).toBe(0);
  });

  it('lets personal AAA wait past six months and its riskier loans come sooner within the grade', async () => {
    const history = { first: ['2025-01-20'], mid_term: ['2026-02-20'] };
    const safe = loan({
      loan_id: 'safe',
      credit_grade: 'AAA',
      hazard: new Float32Array(6).fill(0.0005),
      history,
    });
    const risky = loan({
      loan_id: 'risky',
      credit_grade: 'AAA',
      hazard: new Float32Array(6).fill(0.0025),
      history,
    });
    const aa = loan({ loan_id: 'aa', credit_grade: 'AA', hazard: new Float32Array(6).fill(0.0005), history });
    const { recommendations: r } = await plan([safe, risky, aa], '2026-03-02');
    const by = new Map(r.map((x) => [x.loan_id, x]));
    const aaa = resolveSegment(policy, 'personal', 'AAA').mid_term;
    expect(aaa.max_days).toBeGreaterThan(resolveSegment(policy, 'personal', 'AA').mid_term.max_days);
    // The safe AAA loan waits the grade's longest interval, longer than the same risk in AA may wait.
    expect(by.get('safe')!.cadence_days).toBe(aaa.max_days);
    expect(by.get('aa')!.cadence_days).toBeLessThan(by.get('safe')!.cadence_days);
    // Five times the risk: the date follows the budget, well inside the bounds, at least 30 % sooner.
    expect(by.get('risky')!.reason_codes).toContain('RISK_BUDGET');
    expect(by.get('risky')!.cadence_days).toBeLessThanOrEqual(0.7 * by.get('safe')!.cadence_days);
    expect(by.get('risky')!.cadence_days).toBeGreaterThan(aaa.min_days);
  });

  it('gives a corporate CCC loan in a downturn a shorter interval than a personal AAA one', async () => {
    const hazard = new Float32Array(6).fill(0.004);
    const history = { first: ['2025-01-20'], mid_term: ['2026-02-20'] };
    const { recommendations: r } = await plan(
      [
        loan({ loan_id: 'AAA', credit_grade: 'AAA', hazard, history }),
        loan({
          loan_id: 'CCC',
          loan_type: 'corporate',
          credit_grade: 'CCC',
          market_change: -0.06,
          hazard,
          history,
        }),
      ],
      '2026-03-02',
    );
    const [aaa, ccc] = r;
    expect(aaa?.purpose).toBe('mid_term');
    expect(ccc?.purpose).toBe('mid_term');
    expect(dayOf(ccc!.due_on)).toBeLessThan(dayOf(aaa!.due_on));
    expect(ccc!.cadence_days).toBeLessThan(aaa!.cadence_days);
    // The downturn tier (−6 % < −5 %) multiplies the corporate CCC budget by 0.7.
    const cccBudget = resolveSegment(policy, 'corporate', 'CCC').risk_budget * 0.7;
    expect(ccc!.risk_budget).toBeCloseTo(cccBudget, 6);
    expect(ccc!.reason_codes).toEqual(
      expect.arrayContaining(['MID_TERM_DUE', 'RISK_BUDGET', 'MARKET_DOWNTURN']),
    );
    expect(ccc!.risk_at_due).toBeLessThanOrEqual(ccc!.risk_budget);
    expect(ccc!.reasons.join(' | ')).toMatch(
      /0.4 % a month reaches the 0.49 % budget \d+ days after the previous follow-up \(2026-02-20\)/,
    );
    expect(aaa!.reason_codes).toContain('RISK_BUDGET');
    expect(aaa!.risk_at_due).toBeLessThanOrEqual(aaa!.risk_budget);
  });

  it('says so when the minimum interval forces a date past the risk budget', async () => {
    // 20 % monthly hazard uses the 0.7 % corporate CCC budget up within a day; the mid-term minimum of 30 days opens on 03-22.
    const hazard = new Float32Array(6).fill(0.2);
    const l = loan({
      loan_type: 'corporate',
      credit_grade: 'CCC',
      hazard,
      history: { first: ['2025-01-20'], mid_term: ['2026-02-20'] },
    });
    const [r] = (await plan([l], '2026-03-02')).recommendations;
    expect(r?.reason_codes).toContain('RISK_FORCED_MIN');
    expect(r?.risk_at_due).toBeGreaterThan(r!.risk_budget);
    expect(r?.due_on).toBe('2026-03-23'); // 03-22 is a Sunday; the next working day
    expect(r?.reasons.join(' | ')).toMatch(
      /20 % a month spends the 0.7 % budget in 0 days, sooner than the 30-day minimum: due 2026-03-23/,
    );
  });

  it('treats a weekend adjusted working day (调休) as a working day in cn', async () => {
    // Saturdays are the borrower's best day. First follow-up due by Sunday 2026-02-15 (30 days after 01-16).
    const satBest = scorer((_l, wd) => (wd === 6 ? 0.05 : 0.4));
    const [adj] = (await plan([loan({ disbursed_on: '2026-01-16' })], '2026-02-05', satBest)).recommendations;
    expect(adj?.due_on).toBe('2026-02-14'); // Saturday, official working day
    expect(adj?.weekday).toBe(6);
    // An ordinary weekend: Saturday 2026-03-07 is not a working day, so the call stays on Friday.
    const [plain] = (await plan([loan({ disbursed_on: '2026-02-06' })], '2026-02-25', satBest))
      .recommendations;
    expect(plain?.due_on).toBe('2026-03-06');
    expect(plain?.weekday).toBe(5);
  });

  it('never calls a US borrower within 7 days after a conversation', async () => {
    const l = loan({
      time_zone: 'America/New_York',
      current_dpd: 10,
      recent_contacts: [{ at_utc: '2026-03-10T15:00:00Z', channel: 'phone', outcome: 'answered' }],
    });
    const [r] = (await plan([l], '2026-03-11')).recommendations;
    expect(r?.purpose).toBe('collection');
    expect(dayOf(r!.due_on) - dayOf('2026-03-10')).toBeGreaterThan(7);
    expect(r?.reason_codes).toContain('RULE_QUIET_AFTER_CONVERSATION');
    const planned = [
      {
        loan_id: 'L1',
        time_zone: l.time_zone,
        start_utc: r!.window_start_utc,
        end_utc: r!.window_end_utc,
        channel: 'phone' as const,
      },
    ];
    const history = l.recent_contacts.map((c) => ({ ...c, loan_id: 'L1' }));
    expect(checkRules(policy.rule_packs.us!, planned, history)).toEqual([]);
  });

  it('puts the window at the right UTC instants on both sides of the New York DST change', async () => {
    // Mondays and Fridays 10–12 are equally good; ties go to the later day (the longer interval). One-hour windows.
    const monBest = scorer((_l, wd, h) => (h >= 10 && h <= 11 && (wd === 1 || wd === 5) ? 0.05 : 0.3));
    const l = (disb: string) => loan({ time_zone: 'America/New_York', disbursed_on: disb });
    const [after] = (await plan([l('2026-02-07')], '2026-03-01', monBest)).recommendations;
    expect(after?.due_on).toBe('2026-03-09'); // Monday after the 03-08 spring-forward: EDT, UTC−4
    expect([after?.hour_start, after?.window_start_utc, after?.window_end_utc]).toEqual([
      10,
      '2026-03-09T14:00:00.000Z',
      '2026-03-09T15:00:00.000Z',
    ]);
    const [before] = (await plan([l('2026-02-04')], '2026-02-26', monBest)).recommendations;
    expect(before?.due_on).toBe('2026-03-06'); // Friday before: EST, UTC−5
    expect(before?.window_start_utc).toBe('2026-03-06T15:00:00.000Z');
  });

  it('sends notice 24–48 h ahead even across a DST change', () => {
    // Call Sunday 2026-03-08 10:00 EDT; Saturday 10:00 EST is only 23 h before, so 09:00 EST is used.
    const t = noticeInstant('America/New_York', dayOf('2026-03-08'), 10, 8, 21, 0);
    expect(new Date(t).toISOString()).toBe('2026-03-07T14:00:00.000Z');
    expect(Date.parse('2026-03-08T14:00:00Z') - t).toBe(24 * 3_600_000);
  });

  it('pre-notifies when notice lowers a high hang-up risk, by SMS or else email', async () => {
    const risky = scorer((_l, _wd, _h, notified) => (notified ? 0.15 : 0.45));
    const loans = [
      loan({ loan_id: 'sms' }),
      loan({ loan_id: 'mail', sms_ok: false, email_ok: true }),
      loan({ loan_id: 'none', sms_ok: false }),
    ];
    const { recommendations: r, stats } = await plan(loans, '2026-03-02', risky);
    expect(r.map((x) => x.prenotify_channel)).toEqual(['sms', 'email', null]);
    expect(stats.prenotified).toBe(2);
    const sms = r[0]!;
    const gap = Date.parse(sms.window_start_utc) - Date.parse(sms.prenotify_at_utc!);
    expect(gap).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(gap).toBeLessThanOrEqual(48 * 3_600_000);
    expect(sms.prenotify_reason).toBe('hang-up risk 45 % without notice, 15 % with it: SMS 24 h before');
    expect(sms.reasons.join(' | ')).toContain('after an SMS');
    // No notice when it does not help.
    const useless = scorer(() => 0.45);
    const [u] = (await plan([loan()], '2026-03-02', useless)).recommendations;
    expect(u?.prenotify).toBe(false);
  });

  it('explains the hang-up window with the worst and the chosen hour', async () => {
    const lunch = scorer((_l, _wd, h) => (h === 12 ? 0.38 : h === 10 || h === 11 ? 0.14 : 0.2));
    const [r] = (await plan([loan()], '2026-03-02', lunch)).recommendations;
    expect([r?.hour_start, r?.hour_end]).toEqual([10, 11]);
    expect(r?.reasons).toContain('hang-up risk 38 % at 12:00, 14 % at 10:00: call 10:00–11:00');
  });

  it('moves calls to the nearest hour with room under an hourly capacity, scoring them again there', async () => {
    const p = parsePolicy('planning:\n  window_hours: 1\ncapacity:\n  hourly: 1\n');
    const byHour = scorer((_l, _wd, h) => (h === 10 ? 0.05 : h === 9 ? 0.2 : h === 11 ? 0.3 : 0.4));
    // Three borrowers (one borrower's loans would share one call).
    const loans = ['a', 'b', 'c'].map((id) => loan({ loan_id: id, borrower_id: `B-${id}` }));
    const { recommendations: r, stats, overflow } = await plan(loans, '2026-03-02', byHour, p);
    expect(new Set(r.map((x) => x.due_on)).size).toBe(1);
    expect(r.map((x) => [x.hour_start, x.hangup_risk])).toEqual([
      [10, 0.05],
      [9, 0.2],
      [11, 0.3],
    ]);
    expect(r[1]?.reasons).toContain(
      `call center full at 10:00 on ${r[1]?.due_on}: call 09:00–10:00 instead (hang-up risk 20 %)`,
    );
    expect(stats.hour_moved).toBe(2);
    expect(overflow).toEqual([]);
  });

  it('is deterministic: same input, same bytes', async () => {
    const loans = [
      loan(),
      loan({ loan_id: 'L2', credit_grade: 'CCC', current_dpd: 40, time_zone: 'America/Chicago' }),
    ];
    const a = JSON.stringify(await plan(loans, '2026-03-02'));
    const b = JSON.stringify(await plan(loans, '2026-03-02'));
    expect(a).toBe(b);
  });

  it.each([
    [{ time_zone: 'Mars/Olympus' }, 'time_zone', 'an IANA time zone'],
    [{ disbursed_on: '2026-02-30' }, 'disbursed_on', 'as YYYY-MM-DD'],
    [{ credit_grade: 'Z' }, 'credit_grade', 'one of AAA'],
    [{ hazard: [0.1, 1.5] }, 'hazard[1]', 'a probability in [0, 1]'],
    [{ history: { mid_term: ['yesterday'] } }, 'history.mid_term', 'dates as YYYY-MM-DD'],
  ])('rejects bad input %j naming the field', async (over, column, expected) => {
    const err = await plan([loan(), loan({ loan_id: 'bad', ...over })], '2026-03-02').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as BadInputError).message).toContain(
      `loan bad: expected ${column === 'history.mid_term' ? 'history.mid_term' : column} ${expected}`,
    );
    expect((err as BadInputError).place).toMatchObject({ line: 2, column });
  });
});

describe('emission of a large plan', () => {
  it('lets the event loop turn while it streams, so a stop signal is seen and onRecommendation can end the run', async () => {
    const loans = syntheticLoans(3 * EMIT_YIELD_EVERY, '2025-06-30', 3);
    const input = {
      asOf: '2025-06-30',
      loans,
      policy: { ...policy, capacity: { daily: null, hourly: null } },
      hangup: syntheticScorer,
      modelVersions: { delinquency: 'd', hangup: 'h' },
    };
    // A timer set at the first record fires before the last one: the emission is not one synchronous stretch.
    let n = 0;
    let turned = false;
    let turnedAt = -1;
    // Each record comes with its loan's index in the input (recommend finds the loan's facts by it).
    let misplaced = 0;
    await planFollowUps({
      ...input,
      onRecommendation: (r, i) => {
        if (n === 0) setImmediate(() => (turned = true));
        else if (turned && turnedAt < 0) turnedAt = n;
        n++;
        if (loans[i]?.loan_id !== r.loan_id) misplaced++;
      },
    });
    expect(n).toBeGreaterThan(2 * EMIT_YIELD_EVERY);
    expect(misplaced).toBe(0);
    expect(turnedAt).toBeGreaterThan(0);
    expect(turnedAt).toBeLessThanOrEqual(EMIT_YIELD_EVERY);
    // A callback that throws (a run asked to stop) ends the plan there, with the error.
    let emitted = 0;
    await expect(
      planFollowUps({
        ...input,
        onRecommendation: () => {
          if (++emitted === 100) throw new Error('stop here');
        },
      }),
    ).rejects.toThrow('stop here');
    expect(emitted).toBe(100);
  });
});
