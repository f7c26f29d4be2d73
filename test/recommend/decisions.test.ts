/**
 * Decisions that use the predictions: the mid-term date follows the predicted risk continuously inside the
 * lifecycle bounds, the loan's term caps the cadence, each borrower's own call history picks the hour band, a
 * failed call changes band and sends a written notice first, repeated hang-ups turn the follow-up into a written
 * one, and one borrower's loans share one contact. Plus properties over random books.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayOf } from '../../src/core/days.ts';
import { bandOf } from '../../src/recommend/bands.ts';
import {
  type ContactPriors,
  loadPolicy,
  type PlannerLoan,
  planFollowUps,
  type Recommendation,
} from '../../src/recommend/index.ts';
import type { ContactFacts } from '../../src/recommend/profile.ts';
import { syntheticLoans, syntheticScorer } from './synthetic.ts';

const AS_OF = '2026-03-02';
const policy = loadPolicy();
const versions = { delinquency: 'd', hangup: 'h' };
const priors: ContactPriors = {
  book: { hang: [0.2, 0.25, 0.2, 0.25, 0.25], pickup: [0.75, 0.75, 0.75, 0.75, 0.75] },
  by_type: {},
  hours_seen: [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
};

function midLoan(id: string, hazard: number, term = 60, extra: Partial<PlannerLoan> = {}): PlannerLoan {
  // Disbursed 2024-01-15, first follow-up done, last mid-term 2026-02-01: the next mid-term is due 2026-03-03 …
  // 2026-07-31 (30–180 days), well before the final window.
  const dis = '2024-01-15';
  const mat = new Date(Date.UTC(2024, 0 + term, 15)).toISOString().slice(0, 10);
  return {
    loan_id: id,
    borrower_id: `B-${id}`,
    loan_type: 'personal',
    credit_grade: 'BBB',
    disbursed_on: dis,
    maturity_on: mat,
    time_zone: 'Asia/Shanghai',
    current_dpd: 0,
    market_change: 0,
    history: { first: ['2024-02-01'], mid_term: ['2026-02-01'] },
    recent_contacts: [],
    hazard: new Float32Array(6).fill(hazard),
    term_months: term,
    ...extra,
  };
}

async function plan(loans: PlannerLoan[], withPriors = false) {
  return planFollowUps({
    asOf: AS_OF,
    loans,
    policy,
    hangup: syntheticScorer,
    modelVersions: versions,
    ...(withPriors ? { contactPriors: priors } : {}),
  });
}

const gap = (r: Recommendation) => dayOf(r.due_on) - dayOf('2026-02-01');

describe('risk moves the mid-term date continuously', () => {
  it('higher risk, earlier date; many distinct dates between the bounds; the reason says why', async () => {
    const hz = [0.0005, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.012, 0.02, 0.05];
    const res = await plan(hz.map((h, i) => midLoan(`L${i}`, h)));
    const recs = hz.map((_, i) => res.recommendations.find((r) => r.loan_id === `L${i}`)!);
    expect(recs.every((r) => r.purpose === 'mid_term')).toBe(true);
    const gaps = recs.map(gap);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeLessThanOrEqual(gaps[i - 1]! + 6);
    expect(gaps[0]!).toBeGreaterThan(150);
    expect(gaps[gaps.length - 1]!).toBeLessThan(45);
    const inside = recs.filter((r) => r.reason_codes.includes('RISK_BUDGET'));
    expect(new Set(inside.map((r) => r.due_on)).size).toBeGreaterThanOrEqual(3);
    expect(inside[0]!.reasons.join(' ')).toMatch(
      /a month reaches the 1.4 % budget \d+ days after the previous/,
    );
  });

  it('the term caps the cadence: a 12-month loan waits at most 90 days, a 30-year one up to 180', async () => {
    const s24 = midLoan('short', 0.0005, 24);
    s24.disbursed_on = '2025-02-15';
    s24.maturity_on = '2027-02-15';
    s24.history = { first: ['2025-03-01'], mid_term: ['2026-02-01'] };
    const res = await plan([s24, midLoan('long', 0.0005, 360)]);
    const short = res.recommendations.find((r) => r.loan_id === 'short')!;
    const long = res.recommendations.find((r) => r.loan_id === 'long')!;
    expect(long.cadence_days).toBe(180);
    expect(short.cadence_days).toBeLessThanOrEqual(120);
    const twelve = await plan([midLoan('twelve', 0.0005, 26)]);
    // 26-month term: the 24-month row does not apply, the default 180 does; a 12-month row applies to ≤ 12.
    expect(twelve.recommendations[0]!.cadence_days).toBe(180);
    const y1 = midLoan('y1', 0.0005, 12);
    y1.history = { first: ['2025-06-01'], mid_term: ['2026-02-01'] };
    y1.disbursed_on = '2025-05-15';
    y1.maturity_on = '2026-12-15';
    const r1 = (await plan([y1])).recommendations[0]!;
    expect(r1.cadence_days).toBe(90);
    expect(r1.reason_codes).toContain('TERM_CADENCE');
  });
});

const counts = (att: number[], hang: number[], pick: number[]) => ({
  attempts: att,
  hangups: hang,
  pickups: pick,
});

describe('personal call windows', () => {
  it("each borrower's own history picks the band: evening answerers get an evening call, morning ones a morning call", async () => {
    const evening: ContactFacts = {
      counts: counts([4, 0, 4, 4, 0], [3, 0, 3, 0, 0], [0, 0, 0, 4, 0]),
      last_failed_band: null,
      recent_hangups: 0,
      app_user: false,
    };
    const morning: ContactFacts = {
      counts: counts([4, 0, 4, 4, 0], [0, 0, 3, 3, 0], [4, 0, 1, 1, 0]),
      last_failed_band: null,
      recent_hangups: 0,
      app_user: true,
    };
    const res = await plan(
      [midLoan('E', 0.003, 60, { contact: evening }), midLoan('M', 0.003, 60, { contact: morning })],
      true,
    );
    const e = res.recommendations.find((r) => r.loan_id === 'E')!;
    const m = res.recommendations.find((r) => r.loan_id === 'M')!;
    expect(bandOf(e.hour_start, e.weekday)).toBe(3);
    expect(bandOf(m.hour_start, m.weekday)).toBe(0);
    expect(e.reason_codes).toContain('PERSONAL_WINDOW');
    expect(e.reasons.join(' ')).toMatch(/answered 4 of 4 past calls at 18:00–21:00/);
    // An app user is told in the app.
    expect(m.prenotify_channel).toBe('app');
  });

  it('after a failed call the next one is in another band, with a written notice first', async () => {
    const base = await plan([midLoan('X', 0.003)], true);
    const first = base.recommendations[0]!;
    const failed = bandOf(first.hour_start, first.weekday);
    const facts: ContactFacts = {
      counts: counts([0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]),
      last_failed_band: failed,
      recent_hangups: 1,
      app_user: false,
    };
    const again = (await plan([midLoan('X', 0.003, 60, { contact: facts })], true)).recommendations[0]!;
    expect(bandOf(again.hour_start, again.weekday)).not.toBe(failed);
    expect(again.reason_codes).toContain('AFTER_FAILED_CALL');
    expect(again.prenotify).toBe(true);
    expect(again.prenotify_channel).toBe('sms');
  });

  it('three hang-ups in the lookback make the follow-up written (app for app users)', async () => {
    const facts = (app: boolean): ContactFacts => ({
      counts: counts([3, 0, 0, 0, 0], [3, 0, 0, 0, 0], [0, 0, 0, 0, 0]),
      last_failed_band: 0,
      recent_hangups: 3,
      app_user: app,
    });
    const res = await plan(
      [midLoan('S', 0.003, 60, { contact: facts(false) }), midLoan('A', 0.003, 60, { contact: facts(true) })],
      true,
    );
    const s = res.recommendations.find((r) => r.loan_id === 'S')!;
    const a = res.recommendations.find((r) => r.loan_id === 'A')!;
    expect(s.channel).toBe('sms');
    expect(a.channel).toBe('app');
    expect(s.reason_codes).toContain('WRITTEN_FOLLOW_UP');
    expect(s.reasons.join(' ')).toMatch(/hung up 3 times in 60 days: a written follow-up by SMS/);
    expect(s.prenotify).toBe(false);
  });
});

describe('one contact per borrower', () => {
  it("a borrower's second loan due within 14 days joins the first loan's call: same day, same window", async () => {
    const a = midLoan('A', 0.02, 60, { borrower_id: 'B1' });
    const b = midLoan('B', 0.004, 60, { borrower_id: 'B1' });
    // B's own date (its budget lasts ~152 days from 2025-10-10) is 2026-03-11; its window opens with the lead time.
    b.history = { first: ['2024-02-01'], mid_term: ['2025-10-10'] };
    const res = await plan([a, b]);
    const ra = res.recommendations.find((r) => r.loan_id === 'A')!;
    const rb = res.recommendations.find((r) => r.loan_id === 'B')!;
    const [lead, join] = ra.due_on <= rb.due_on ? [ra, rb] : [rb, ra];
    expect(join.due_on).toBe(lead.due_on);
    expect(join.hour_start).toBe(lead.hour_start);
    expect(join.reason_codes).toContain('COORDINATED');
    expect(join.reasons.join(' ')).toContain(`one contact with the borrower's loan ${lead.loan_id}`);
  });
});

describe('properties over random books', () => {
  it('windows hold, and no borrower gets two calls on one day at different hours', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000 }), fc.boolean(), async (seed, withPriors) => {
        const loans = syntheticLoans(120, AS_OF, seed);
        const res = await plan(loans, withPriors);
        const slot = new Map<string, number>();
        for (const r of res.recommendations) {
          expect(r.earliest_on <= r.due_on && r.due_on <= r.latest_on).toBe(true);
          expect(r.due_on > AS_OF).toBe(true);
          expect(r.reasons.length).toBeGreaterThan(0);
          if (r.channel !== 'phone') continue;
          const key = `${r.borrower_id}|${r.due_on}`;
          const h = slot.get(key);
          if (h !== undefined) expect(r.hour_start).toBe(h);
          slot.set(key, r.hour_start);
        }
      }),
      { numRuns: 25, seed: 13 },
    );
  });
});
