import { describe, expect, it } from 'vitest';
import { dayOf } from '../../src/core/days.ts';
import {
  checkRules,
  type HistoryContact,
  loadPolicy,
  type PlannedContact,
} from '../../src/recommend/index.ts';
import { earliestByRules } from '../../src/recommend/rules/earliest.ts';
import { summarizeContacts } from '../../src/recommend/rules/history.ts';

const policy = loadPolicy();
const cn = policy.rule_packs.cn!;
const us = policy.rule_packs.us!;

const call = (start: string, end: string, zone = 'Asia/Shanghai', loan = 'L1'): PlannedContact => ({
  loan_id: loan,
  time_zone: zone,
  start_utc: start,
  end_utc: end,
  channel: 'phone',
});
const past = (at: string, outcome: string, loan = 'L1'): HistoryContact => ({
  loan_id: loan,
  at_utc: at,
  channel: 'phone',
  outcome,
});

describe('checkRules', () => {
  it.each([
    // 2026-03-10 is a Tuesday. 09:00–11:00 Shanghai = 01:00–03:00Z: allowed.
    ['cn day call', cn, call('2026-03-10T01:00:00Z', '2026-03-10T03:00:00Z'), [], []],
    // 21:30–22:30 Shanghai crosses the 22:00 curfew.
    ['cn late call', cn, call('2026-03-10T13:30:00Z', '2026-03-10T14:30:00Z'), [], ['call_hours']],
    // 07:00 Shanghai is before 08:00.
    ['cn early call', cn, call('2026-03-09T23:00:00Z', '2026-03-10T00:00:00Z'), [], ['call_hours']],
    // Sunday 2026-03-08 is not a working day; Saturday 2026-02-14 is (调休).
    ['cn Sunday', cn, call('2026-03-08T01:00:00Z', '2026-03-08T02:00:00Z'), [], ['working_days_only']],
    ['cn adjusted Saturday', cn, call('2026-02-14T01:00:00Z', '2026-02-14T02:00:00Z'), [], []],
    // Six unanswered attempts already that day: a seventh breaks the daily cap.
    [
      'cn unanswered cap',
      cn,
      call('2026-03-10T08:00:00Z', '2026-03-10T09:00:00Z'),
      ['01', '02', '03', '04', '05', '06'].map((m) => past(`2026-03-10T01:${m}:00Z`, 'no_answer')),
      ['max_unanswered_per_day'],
    ],
    // US: conversation on Monday 2026-03-09, call on Friday 2026-03-13 is within 7 days.
    [
      'us quiet after conversation',
      us,
      call('2026-03-13T14:00:00Z', '2026-03-13T15:00:00Z', 'America/New_York'),
      [past('2026-03-09T15:00:00Z', 'answered')],
      ['quiet_after_conversation'],
    ],
    [
      'us after quiet period',
      us,
      call('2026-03-17T14:00:00Z', '2026-03-17T15:00:00Z', 'America/New_York'),
      [past('2026-03-09T15:00:00Z', 'answered')],
      [],
    ],
    // Seven calls in the last seven days: an eighth breaks 7-in-7.
    [
      'us 7 in 7',
      us,
      call('2026-03-13T14:00:00Z', '2026-03-13T15:00:00Z', 'America/New_York'),
      [8, 9, 10, 11, 12, 12, 13].map((d) =>
        past(`2026-03-${String(d).padStart(2, '0')}T13:00:00Z`, 'no_answer'),
      ),
      ['max_calls'],
    ],
    // 21:00 New York is the end of the allowed hours: a call ending then is fine, ending later is not.
    ['us evening end', us, call('2026-03-10T00:00:00Z', '2026-03-10T01:00:00Z', 'America/New_York'), [], []],
    [
      'us too late',
      us,
      call('2026-03-10T00:30:00Z', '2026-03-10T01:30:00Z', 'America/New_York'),
      [],
      ['call_hours'],
    ],
  ])('%s', (_name, pack, planned, history, expected) => {
    const v = checkRules(pack, [planned], history);
    expect(v.map((x) => x.rule).sort()).toEqual([...expected].sort());
    for (const x of v) expect(x.message).toMatch(/expected .*found/);
  });
});

describe('checkRules over many loans', () => {
  it('counts calls per loan, never across loans', () => {
    const tight = { ...us, max_calls: { calls: 1, days: 7 } };
    const planned = [
      call('2026-03-10T14:00:00Z', '2026-03-10T15:00:00Z', 'America/New_York', 'A'),
      call('2026-03-10T14:00:00Z', '2026-03-10T15:00:00Z', 'America/New_York', 'B'),
      call('2026-03-12T14:00:00Z', '2026-03-12T15:00:00Z', 'America/New_York', 'B'),
    ];
    const v = checkRules(tight, planned, [past('2026-03-09T14:00:00Z', 'no_answer', 'A')]);
    // A: its past call plus the planned one make 2 in 7 days. B: the 03-12 call is its second in the 7 days ending
    // that day; its 03-10 call is the first. Loan A's calls never count against B.
    expect(v.map((x) => `${x.loan_id}:${x.rule}`).sort()).toEqual(['A:max_calls', 'B:max_calls']);
    expect(v.find((x) => x.loan_id === 'B')?.at_utc).toBe('2026-03-12T14:00:00Z');
  });
});

describe('earliestByRules', () => {
  it('waits out the quiet period after a conversation (us)', () => {
    const h = summarizeContacts(
      [{ at_utc: '2026-03-09T15:00:00Z', channel: 'phone', outcome: 'answered' }],
      'America/New_York',
    );
    const r = earliestByRules(us, h, dayOf('2026-03-11'));
    expect(r).toEqual({ day: dayOf('2026-03-17'), rule: 'quiet_after_conversation' });
    // checkRules agrees: the day before is refused, the day itself is fine.
    const hist = [past('2026-03-09T15:00:00Z', 'answered')];
    expect(
      checkRules(us, [call('2026-03-16T14:00:00Z', '2026-03-16T15:00:00Z', 'America/New_York')], hist),
    ).toHaveLength(1);
    expect(
      checkRules(us, [call('2026-03-17T14:00:00Z', '2026-03-17T15:00:00Z', 'America/New_York')], hist),
    ).toHaveLength(0);
  });

  it('waits until the rolling call window has room (us 7 in 7)', () => {
    const contacts = [3, 4, 5, 6, 7, 8, 9].map((d) => ({
      at_utc: `2026-03-0${d}T15:00:00Z`,
      channel: 'phone' as const,
      outcome: 'no_answer',
    }));
    const r = earliestByRules(us, summarizeContacts(contacts, 'America/New_York'), dayOf('2026-03-09'));
    // The call of 03-03 leaves the 7-day window on 03-10.
    expect(r).toEqual({ day: dayOf('2026-03-10'), rule: 'max_calls' });
  });
});
