/**
 * Property tests over random policies and borrowers: whatever the inputs, no recommendation breaks a contact rule
 * (checked independently by checkRules from UTC instants), a lifecycle bound or a hard deadline; capacity holds
 * whenever a feasible schedule exists (checked against an independent matching); every recommendation carries
 * reasons; predicted risk at due stays within budget unless a bound, anchor or rule forced it and a reason says so
 * (first and final; the mid-term budget runs from the previous follow-up, see decisions.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { dayOf, isoWeekday, ymdOf } from '../../src/core/days.ts';
import { byCodePoint } from '../../src/recommend/emit.ts';
import {
  calendarFor,
  checkRules,
  type HangupScorer,
  type PlannedContact,
  type PlannerLoan,
  type PlanResult,
  type Policy,
  packFor,
  parsePolicy,
  planFollowUps,
  type Recommendation,
  resolveSegment,
} from '../../src/recommend/index.ts';
import { maxPlaceable } from './matching.ts';

const ZONES = ['Asia/Shanghai', 'America/New_York', 'America/Los_Angeles', 'Europe/London', 'Asia/Kolkata'];
const GRADES = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC'];
const OUTCOMES = ['answered', 'hung_up', 'no_answer', 'busy', 'voicemail', 'promise_to_pay', 'refused'];
const AS_OF = ['2026-02-10', '2026-03-06', '2026-10-28', '2025-09-25'];

const policyArb = fc
  .record({
    budget: fc.double({ min: 0.005, max: 0.2, noNaN: true }),
    midMin: fc.integer({ min: 20, max: 120 }),
    midSpan: fc.integer({ min: 0, max: 120 }),
    firstMin: fc.integer({ min: 0, max: 10 }),
    firstSpan: fc.integer({ min: 1, max: 40 }),
    finalMin: fc.integer({ min: 10, max: 40 }),
    finalSpan: fc.integer({ min: 0, max: 60 }),
    flex: fc.integer({ min: 0, max: 20 }),
    lead: fc.integer({ min: 0, max: 3 }),
    search: fc.integer({ min: 0, max: 7 }),
    width: fc.integer({ min: 1, max: 2 }),
    overdue: fc.integer({ min: 0, max: 7 }),
    cnStart: fc.integer({ min: 6, max: 10 }),
    cnLen: fc.integer({ min: 2, max: 14 }),
    cnUnanswered: fc.integer({ min: 1, max: 6 }),
    cnWorking: fc.boolean(),
    usCalls: fc.integer({ min: 1, max: 7 }),
    usDays: fc.integer({ min: 1, max: 7 }),
    usQuiet: fc.integer({ min: 0, max: 7 }),
    usLive: fc.integer({ min: 20, max: 60 }),
    capacity: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    hourly: fc.option(fc.integer({ min: 1, max: 2 }), { nil: null }),
    threshold: fc.double({ min: 0, max: 0.5, noNaN: true }),
    gain: fc.double({ min: 0, max: 0.1, noNaN: true }),
  })
  .map((r) =>
    parsePolicy(
      stringify({
        planning: {
          min_lead_days: r.lead,
          weekday_search_days: r.search,
          window_hours: r.width,
          overdue_window_days: r.overdue,
        },
        defaults: {
          risk_budget: r.budget,
          flex_days: r.flex,
          first: {
            min_days: r.firstMin,
            max_days: r.firstMin + r.firstSpan,
            catch_up_days: r.firstMin + r.firstSpan + 30,
          },
          mid_term: { min_days: r.midMin, max_days: r.midMin + r.midSpan },
          final: { min_days_before: r.finalMin, max_days_before: r.finalMin + r.finalSpan },
        },
        rule_packs: {
          cn: {
            call_hours: { start: r.cnStart, end: Math.min(24, r.cnStart + r.cnLen) },
            max_unanswered_per_day: r.cnUnanswered,
            working_days_only: r.cnWorking,
          },
          us: {
            max_calls: { calls: r.usCalls, days: r.usDays },
            quiet_days_after_conversation: r.usQuiet,
            live_contact_by_dpd: r.usLive,
          },
        },
        capacity: { daily: r.capacity, hourly: r.hourly },
        prenotify: { threshold: r.threshold, min_gain: r.gain },
      }),
      'random.yaml',
    ),
  );

const loanArb = (asOf: number, id: number) =>
  fc
    .record({
      type: fc.constantFrom('personal', 'corporate'),
      grade: fc.constantFrom(...GRADES),
      age: fc.integer({ min: 0, max: 1500 }),
      term: fc.integer({ min: 60, max: 3650 }),
      zone: fc.constantFrom(...ZONES),
      dpd: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 120 })),
      market: fc.option(fc.double({ min: -0.15, max: 0.05, noNaN: true }), { nil: null }),
      firstDone: fc.boolean(),
      mids: fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 3 }),
      finalDone: fc.boolean(),
      colls: fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 2 }),
      contacts: fc.array(
        fc.record({
          agoMin: fc.integer({ min: 0, max: 14 * 1440 }),
          outcome: fc.constantFrom(...OUTCOMES),
          inbound: fc.boolean(),
          sms: fc.boolean(),
        }),
        { maxLength: 8 },
      ),
      hazard: fc.array(fc.double({ min: 0, max: 0.3, noNaN: true }), { minLength: 6, maxLength: 6 }),
      sms: fc.boolean(),
      email: fc.boolean(),
    })
    .map((r): PlannerLoan => {
      const disb = asOf - r.age;
      const past = (ago: number) => ymdOf(Math.max(disb, asOf - ago));
      return {
        loan_id: `L${id}`,
        borrower_id: `B${id}`,
        loan_type: r.type,
        credit_grade: r.grade,
        disbursed_on: ymdOf(disb),
        maturity_on: ymdOf(disb + r.term),
        time_zone: r.zone,
        current_dpd: r.dpd,
        market_change: r.market,
        history: {
          first: r.firstDone ? [ymdOf(Math.min(asOf, disb + 5))] : [],
          mid_term: r.mids.map(past),
          final: r.finalDone ? [past(10)] : [],
          collection: r.colls.map(past),
        },
        recent_contacts: r.contacts.map((c) => ({
          at_utc: new Date((asOf + 1) * 86_400_000 - c.agoMin * 60_000 - 8 * 3_600_000).toISOString(),
          channel: c.sms ? 'sms' : 'phone',
          outcome: c.outcome,
          direction: c.inbound ? 'inbound' : 'outbound',
        })),
        hazard: r.hazard,
        sms_ok: r.sms,
        email_ok: r.email,
      };
    });

const worldArb = fc
  .tuple(policyArb, fc.constantFrom(...AS_OF), fc.integer({ min: 1, max: 25 }))
  .chain(([policy, asOf, n]) =>
    fc.record({
      policy: fc.constant(policy),
      asOf: fc.constant(asOf),
      loans: fc.tuple(...Array.from({ length: n }, (_, i) => loanArb(dayOf(asOf), i))),
      salt: fc.integer({ min: 1, max: 1_000_000 }),
    }),
  );

function hashScorer(salt: number): HangupScorer {
  return async (b) => {
    const out = new Float32Array(b.size);
    for (let j = 0; j < b.size; j++) {
      const x = Math.imul(b.loan[j]! * 31 + b.weekday[j]! * 7 + b.hour[j]!, 2654435761) ^ salt;
      out[j] = 0.01 + (((x >>> 0) % 1000) / 1000) * 0.6 - (b.prenotified[j] ? 0.05 : 0);
    }
    return out;
  };
}

const FORCED = [
  'RISK_FORCED_MIN',
  'OVERDUE',
  'COLLECTION_CADENCE',
  'DEADLINE_UNREACHABLE',
  'NO_WORKING_DAY_IN_WINDOW',
];
const RULE_DELAY = ['RULE_QUIET_AFTER_CONVERSATION', 'RULE_CALL_CAP', 'RULE_UNANSWERED_CAP'];
const LIFECYCLE_EXCUSED = ['OVERDUE', 'DEADLINE_UNREACHABLE', 'NO_WORKING_DAY_IN_WINDOW'];

function lastFollowUp(l: PlannerLoan, asOf: number): number {
  const days = [...(l.history.first ?? []), ...(l.history.mid_term ?? []), ...(l.history.final ?? [])]
    .map(dayOf)
    .filter((d) => d <= asOf);
  return days.length ? Math.max(...days) : dayOf(l.disbursed_on);
}

function checkOne(policy: Policy, asOf: number, l: PlannerLoan, r: Recommendation): void {
  const has = (codes: string[]) => codes.some((c) => r.reason_codes.includes(c));
  const due = dayOf(r.due_on);
  const seg = resolveSegment(policy, l.loan_type, l.credit_grade);
  const pack = policy.rule_packs[packFor(policy, l.time_zone)]!;
  // Reasons: at least one, codes and words aligned.
  expect(r.reasons.length).toBeGreaterThan(0);
  expect(r.reasons.length).toBe(r.reason_codes.length);
  // The allowed window holds the date; nothing before the lead time.
  expect(due).toBeGreaterThanOrEqual(dayOf(r.earliest_on));
  expect(due).toBeLessThanOrEqual(dayOf(r.latest_on));
  expect(due).toBeGreaterThanOrEqual(asOf + policy.planning.min_lead_days);
  // Nothing on or after maturity but collection (a late loan is still owed after it).
  if (r.purpose !== 'collection') expect(dayOf(r.latest_on)).toBeLessThan(dayOf(l.maturity_on));
  expect(r.weekday).toBe(isoWeekday(due));
  // Contact rules, from UTC instants, independently of the planner.
  const planned: PlannedContact[] = [
    {
      loan_id: l.loan_id,
      time_zone: l.time_zone,
      start_utc: r.window_start_utc,
      end_utc: r.window_end_utc,
      channel: 'phone',
    },
  ];
  if (r.prenotify) {
    const at = r.prenotify_at_utc!;
    planned.push({
      loan_id: l.loan_id,
      time_zone: l.time_zone,
      start_utc: at,
      end_utc: at,
      channel: r.prenotify_channel!,
    });
    const gap = Date.parse(r.window_start_utc) - Date.parse(at);
    expect(gap).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(gap).toBeLessThanOrEqual(48 * 3_600_000);
    expect(r.prenotify_channel).toBe(l.sms_ok === false ? 'email' : 'sms');
  }
  const history = l.recent_contacts.map((c) => ({ ...c, loan_id: l.loan_id }));
  expect(checkRules(pack, planned, history)).toEqual([]);
  expect(r.hour_end - r.hour_start).toBe(
    Math.min(policy.planning.window_hours, pack.call_hours.end - pack.call_hours.start),
  );
  // Lifecycle bounds and hard deadlines.
  const excused = has(LIFECYCLE_EXCUSED);
  if (r.purpose === 'first' && !excused) {
    expect(due).toBeLessThanOrEqual(dayOf(l.disbursed_on) + seg.first.max_days);
    expect(due).toBeGreaterThanOrEqual(dayOf(l.disbursed_on) + seg.first.min_days);
  }
  if (r.purpose === 'mid_term' && !excused) {
    const last = lastFollowUp(l, asOf);
    expect(due - last).toBeGreaterThanOrEqual(seg.mid_term.min_days);
    expect(due - last).toBeLessThanOrEqual(seg.mid_term.max_days);
  }
  if (r.purpose === 'final' && !excused) {
    const mat = dayOf(l.maturity_on);
    expect(due).toBeGreaterThanOrEqual(mat - seg.final.max_days_before);
    expect(due).toBeLessThanOrEqual(mat - seg.final.min_days_before);
  }
  if (r.purpose === 'collection') expect(l.current_dpd).toBeGreaterThan(0);
  else expect(l.current_dpd).toBe(0);
  if (r.reason_codes.includes('LIVE_CONTACT_DEADLINE') && !excused) {
    expect(due).toBeLessThanOrEqual(asOf - l.current_dpd + (pack.live_contact_by_dpd ?? 0));
  }
  if (r.hard_deadline) expect(r.reason_codes).not.toContain('DEADLINE_UNREACHABLE');
  // Risk within budget unless forced, and then a reason says so. A mid-term's budget is the risk accrued since
  // the previous follow-up at the loan's forward rate (months whose installments are not yet due), so the month
  // already due can exceed it (decisions.test.ts checks the mid-term's own budget).
  if (r.purpose !== 'mid_term' && r.risk_at_due > r.risk_budget + 1e-6)
    expect(has([...FORCED, ...RULE_DELAY])).toBe(true);
}

/** Hourly capacity: every UTC hour over capacity is reported with all its overflowing follow-ups. */
function checkHourly(policy: Policy, recs: Recommendation[], overflow: PlanResult['overflow']): void {
  const hourly = overflow.filter((o) => o.hour_utc !== null);
  const cap = policy.capacity.hourly;
  if (cap === null) {
    expect(hourly).toEqual([]);
    return;
  }
  const perHour = new Map<string, number>();
  for (const r of recs) {
    const h = `${r.window_start_utc.slice(0, 13)}:00:00.000Z`;
    perHour.set(h, (perHour.get(h) ?? 0) + 1);
  }
  const reported = new Map(hourly.map((o) => [o.hour_utc, o]));
  for (const [h, n] of perHour) {
    if (n > cap) expect(reported.get(h)?.planned).toBe(n);
    else expect(reported.has(h)).toBe(false);
  }
  const flagged = recs.filter((r) => r.reason_codes.includes('HOURLY_OVERFLOW')).length;
  expect(hourly.reduce((s, o) => s + o.overflow, 0)).toBe(flagged);
  for (const r of recs) {
    if (r.reason_codes.includes('CAPACITY_HOUR_MOVED'))
      expect(r.reasons.join(' ')).toMatch(/call center full at \d\d:00/);
  }
}

describe('planFollowUps properties', () => {
  it('respects rules, bounds, deadlines, capacity and budgets for random policies and borrowers', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async ({ policy, asOf, loans, salt }) => {
        const a = dayOf(asOf);
        const { recommendations, overflow, stats } = await planFollowUps({
          asOf,
          loans,
          policy,
          hangup: hashScorer(salt),
          modelVersions: { delinquency: 'd', hangup: 'h' },
        });
        expect(stats.recommendations + stats.skipped).toBe(loans.length);
        const byId = new Map(loans.map((l) => [l.loan_id, l]));
        for (const r of recommendations) checkOne(policy, a, byId.get(r.loan_id)!, r);
        checkHourly(policy, recommendations, overflow);
        const cap = stats.capacity_daily;
        if (policy.capacity.daily !== 'auto') expect(cap).toBe(policy.capacity.daily);
        const dailyOverflow = overflow.filter((o) => o.hour_utc === null);
        if (cap === null) {
          expect(dailyOverflow).toEqual([]);
          return;
        }
        const perDay = new Map<string, number>();
        for (const r of recommendations) perDay.set(r.due_on, (perDay.get(r.due_on) ?? 0) + 1);
        const over = dailyOverflow.reduce((s, o) => s + o.overflow, 0);
        if (over === 0) for (const c of perDay.values()) expect(c).toBeLessThanOrEqual(cap);
        // Exactly the rows no schedule within the windows can fit overflow: capacity holds whenever feasible.
        const rows = recommendations.map((r) => ({
          earliest: dayOf(r.earliest_on),
          latest: dayOf(r.latest_on),
        }));
        const allowed = (d: number, i: number) => {
          const l = byId.get(recommendations[i]!.loan_id)!;
          const pack = policy.rule_packs[packFor(policy, l.time_zone)]!;
          return !pack.working_days_only || calendarFor(pack.calendar).isWorkingDay(d);
        };
        expect(over).toBe(rows.length - maxPlaceable(rows, cap, allowed));
        for (const o of dailyOverflow) expect(perDay.get(o.date)).toBe(o.planned);
      }),
      { seed: 4242, numRuns: 150 },
    );
  });

  it("in the exports' order: the same records, by due date, window start and loan id after finish", async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async ({ policy, asOf, loans, salt }) => {
        // A caller's finish that moves every third follow-up by −2…+2 days (as next actions move some).
        const finish = (r: Recommendation, i: number) => {
          if (i % 3 !== 0) return;
          const days = (i % 5) - 2;
          r.due_on = ymdOf(dayOf(r.due_on) + days);
          r.window_start_utc = new Date(Date.parse(r.window_start_utc) + days * 86_400_000).toISOString();
        };
        const plan = (order: 'loans' | 'export') =>
          planFollowUps({
            asOf,
            loans,
            policy,
            hangup: hashScorer(salt),
            modelVersions: { delinquency: 'd', hangup: 'h' },
            order,
            finish,
            moves: (i) => i % 3 === 0,
          });
        const [inLoans, inExport] = [await plan('loans'), await plan('export')];
        const ids = (r: PlanResult) => r.recommendations.map((x) => x.loan_id);
        const byLoan = (r: PlanResult) => new Map(r.recommendations.map((x) => [x.loan_id, x]));
        expect(byLoan(inExport)).toEqual(byLoan(inLoans));
        expect(inExport.stats).toEqual(inLoans.stats);
        const key = (x: Recommendation) => [x.due_on, Date.parse(x.window_start_utc), x.loan_id] as const;
        const sorted = [...inExport.recommendations].sort((a, b) => {
          const [p, q] = [key(a), key(b)];
          return p[0].localeCompare(q[0]) || p[1] - q[1] || (p[2] < q[2] ? -1 : p[2] > q[2] ? 1 : 0);
        });
        expect(ids(inExport)).toEqual(sorted.map((x) => x.loan_id));
      }),
      { seed: 4243, numRuns: 60 },
    );
  });

  it('compares loan ids by code point, as DuckDB compares UTF-8 text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        const bytes = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
        expect(Math.sign(byCodePoint(a, b))).toBe(bytes);
      }),
      { seed: 4244, numRuns: 2000 },
    );
    // U+FF5E (one UTF-16 unit) sorts before U+1F600 (a surrogate pair) in UTF-8, after it in UTF-16.
    expect(byCodePoint('L～', 'L😀')).toBeLessThan(0);
  });
});
