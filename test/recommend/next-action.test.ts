/**
 * The next-action table (policy `next_actions`, src/recommend/next-action.ts) on single follow-ups: what each
 * outcome does to the planned record — dates on the calendars and rules of the borrower's pack, notices, reasons —
 * and a lender's policy overriding a row.
 */
import { describe, expect, it } from 'vitest';
import type { Recommendation } from '../../src/contract/recommendation.ts';
import { calendarFor } from '../../src/recommend/calendar.ts';
import type { PlannerLoan, RecentContact } from '../../src/recommend/input.ts';
import { applyNextAction, type LastContact } from '../../src/recommend/next-action.ts';
import { loadPolicy, parsePolicy } from '../../src/recommend/policy/load.ts';
import type { Policy } from '../../src/recommend/policy/schema.ts';

const policy = loadPolicy();

function loan(zone: string, recent: RecentContact[] = []): PlannerLoan {
  return {
    loan_id: 'L1',
    borrower_id: 'B1',
    loan_type: 'personal',
    credit_grade: 'A',
    disbursed_on: '2024-01-10',
    maturity_on: '2044-01-10',
    time_zone: zone,
    current_dpd: 9,
    market_change: null,
    history: {},
    recent_contacts: recent,
    hazard: [0.01, 0.01, 0.01, 0.01, 0.01, 0.01],
  };
}

function planned(zone: string, dueOn: string, over: Partial<Recommendation> = {}): Recommendation {
  return {
    run_id: 'r',
    loan_id: 'L1',
    borrower_id: 'B1',
    as_of: '2025-01-01',
    purpose: 'collection',
    cycle: 2,
    due_on: dueOn,
    earliest_on: dueOn,
    latest_on: dueOn,
    hard_deadline: false,
    cadence_days: 7,
    risk_at_due: 0.1,
    risk_budget: 0.014,
    time_zone: zone,
    hour_start: 10,
    hour_end: 11,
    weekday: 1,
    window_start_utc: 'x',
    window_end_utc: 'x',
    channel: 'phone',
    hangup_risk: 0.2,
    hangup_risk_worst: 0.3,
    prenotify: true,
    prenotify_channel: 'sms',
    prenotify_at_utc: 'x',
    prenotify_reason: 'because',
    priority: 50,
    reason_codes: ['COLLECTION_CADENCE'],
    reasons: ['every 7 days'],
    moved: false,
    delinquency_model: 'd',
    hangup_model: 'h',
    policy_version: 'p',
    ...over,
  };
}

function apply(
  r: Recommendation,
  l: PlannerLoan,
  last: LastContact | null,
  asOf: string,
  p: Policy = policy,
) {
  applyNextAction(r, l, last, { policy: p, asOf, calendarOf: calendarFor });
  return r;
}

describe('next action from the last outcome', () => {
  it('without a recent outcome: the planned call (or written follow-up), by the agent', () => {
    expect(
      apply(planned('Asia/Shanghai', '2025-01-08'), loan('Asia/Shanghai'), null, '2025-01-01'),
    ).toMatchObject({
      next_action: 'call',
      assignee: 'agent',
      due_on: '2025-01-08',
    });
    const w = apply(
      planned('Asia/Shanghai', '2025-01-08', { channel: 'sms' }),
      loan('Asia/Shanghai'),
      null,
      '2025-01-01',
    );
    expect(w.next_action).toBe('written');
  });

  it('promise to pay: a check call the day after the promised date, past China National Day (调休 aware)', () => {
    const r = apply(
      planned('Asia/Shanghai', '2025-10-03'),
      loan('Asia/Shanghai'),
      { outcome: 'promise_to_pay', on: '2025-09-26', promised_on: '2025-09-30' },
      '2025-09-26',
    );
    // 1 October is a holiday through the 8th; the 9th is the first working day.
    expect(r.due_on).toBe('2025-10-09');
    expect([r.earliest_on, r.latest_on]).toEqual(['2025-10-09', '2025-10-09']);
    expect(r.weekday).toBe(4);
    expect(r.window_start_utc).toBe('2025-10-09T02:00:00.000Z');
    expect(r.window_end_utc).toBe('2025-10-09T03:00:00.000Z');
    // The notice moves with the call: 24–48 h before, inside call hours.
    const gap = Date.parse(r.window_start_utc) - Date.parse(r.prenotify_at_utc!);
    expect(gap).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(gap).toBeLessThanOrEqual(48 * 3_600_000);
    expect(r.next_action).toBe('check_call');
    expect(r.reason_codes.at(-1)).toBe('PROMISE_CHECK');
    expect(r.reasons.at(-1)).toBe(
      'promise to pay on 2025-09-26 for 2025-09-30: check call 2025-10-09, the first day the rules allow after the promised date',
    );
  });

  it('promise to pay under the US pack: no call within 7 days of the conversation (Regulation F)', () => {
    const talk: RecentContact = {
      at_utc: '2025-03-03T15:00:00Z',
      channel: 'phone',
      outcome: 'promise_to_pay',
    };
    const r = apply(
      planned('America/New_York', '2025-03-10'),
      loan('America/New_York', [talk]),
      { outcome: 'promise_to_pay', on: '2025-03-03', promised_on: '2025-03-04' },
      '2025-03-03',
    );
    expect(r.due_on).toBe('2025-03-11');
    expect(r.window_start_utc).toBe('2025-03-11T14:00:00.000Z'); // EDT began 9 March
  });

  it('promise on the day after is kept to the day when nothing stands in the way', () => {
    const r = apply(
      planned('Asia/Shanghai', '2025-01-08'),
      loan('Asia/Shanghai'),
      { outcome: 'promise_to_pay', on: '2025-01-02', promised_on: '2025-01-14' },
      '2025-01-02',
    );
    expect(r.due_on).toBe('2025-01-15');
    expect(r.reasons.at(-1)).toContain('1 day after the promised date');
  });

  it('a written follow-up (repeated hang-ups) checks the promise in writing, on the same day', () => {
    const r = apply(
      planned('Asia/Shanghai', '2025-01-08', { channel: 'app', prenotify: false, prenotify_channel: null }),
      loan('Asia/Shanghai'),
      { outcome: 'promise_to_pay', on: '2025-01-02', promised_on: '2025-01-14' },
      '2025-01-02',
    );
    expect(r).toMatchObject({ next_action: 'written', channel: 'app', due_on: '2025-01-15' });
    expect(r.reason_codes).toContain('PROMISE_CHECK');
  });

  it('a promise without a date keeps the planned follow-up and says so', () => {
    const r = apply(
      planned('Asia/Shanghai', '2025-01-08'),
      loan('Asia/Shanghai'),
      { outcome: 'promise_to_pay', on: '2025-01-02', promised_on: null },
      '2025-01-02',
    );
    expect(r.due_on).toBe('2025-01-08');
    expect(r.next_action).toBe('call');
    expect(r.reason_codes).toContain('PROMISE_WITHOUT_DATE');
  });

  it('cash-flow trouble: a review task for a loan officer, no call and no notice', () => {
    const r = apply(
      planned('Asia/Shanghai', '2025-01-20'),
      loan('Asia/Shanghai'),
      { outcome: 'hardship', on: '2025-01-06', promised_on: null },
      '2025-01-06',
    );
    expect(r).toMatchObject({
      next_action: 'review_task',
      assignee: 'loan_officer',
      due_on: '2025-01-08', // lead time 2 days after the as-of date
      prenotify: false,
      prenotify_channel: null,
      prenotify_at_utc: null,
    });
    expect(r.reason_codes.at(-1)).toBe('HARDSHIP_REVIEW');
  });

  it('refused: escalated to a supervisor, date kept', () => {
    const r = apply(
      planned('Asia/Shanghai', '2025-01-20'),
      loan('Asia/Shanghai'),
      { outcome: 'refused', on: '2025-01-06', promised_on: null },
      '2025-01-06',
    );
    expect(r).toMatchObject({ next_action: 'escalate', assignee: 'supervisor', due_on: '2025-01-20' });
    expect(r.reasons.at(-1)).toBe('refused on 2025-01-06: escalated to the supervisor by policy');
  });

  it('hang-up and no answer name what the planner did, and only when it did', () => {
    const last: LastContact = { outcome: 'hung_up', on: '2025-01-06', promised_on: null };
    const codes = ['MID_TERM_DUE', 'AFTER_FAILED_CALL', 'PRENOTIFY'];
    const r = apply(
      planned('Asia/Shanghai', '2025-01-20', { reason_codes: codes }),
      loan('Asia/Shanghai'),
      last,
      '2025-01-06',
    );
    expect(r.next_action).toBe('call_other_band');
    const w = apply(
      planned('Asia/Shanghai', '2025-01-20', { channel: 'app', reason_codes: ['WRITTEN_FOLLOW_UP'] }),
      loan('Asia/Shanghai'),
      last,
      '2025-01-06',
    );
    expect(w.next_action).toBe('written');
    const n = apply(
      planned('Asia/Shanghai', '2025-01-20'),
      loan('Asia/Shanghai'),
      { ...last, outcome: 'no_answer' },
      '2025-01-06',
    );
    expect(n.next_action).toBe('call');
  });

  it('a lender policy overrides a row: refusals get a written follow-up instead', () => {
    // Rows merge key by key like every policy object, so the default's assignee stays unless given.
    const kept = parsePolicy('next_actions:\n  refused: { action: written }\n', '/lender/policy.yaml');
    expect(kept.next_actions.refused).toEqual({ action: 'written', assignee: 'supervisor' });
    const p = parsePolicy(
      'next_actions:\n  refused: { action: written, assignee: agent }\n',
      '/lender/policy.yaml',
    );
    const r = apply(
      planned('Asia/Shanghai', '2025-01-20'),
      loan('Asia/Shanghai'),
      { outcome: 'refused', on: '2025-01-06', promised_on: null },
      '2025-01-06',
      p,
    );
    expect(r).toMatchObject({ next_action: 'written', channel: 'sms', prenotify: false, assignee: 'agent' });
    expect(p.policy_version).not.toBe(policy.policy_version);
  });

  it('refuses an unknown action with its place', () => {
    expect(() => parsePolicy('next_actions:\n  refused: { action: shout }\n', '/lender/policy.yaml')).toThrow(
      /next_actions\.refused\.action \(\/lender\/policy\.yaml:2:22\): expected one of "call"/,
    );
  });
});
