/**
 * Synthetic borrowers and a cheap synthetic hang-up scorer, shared by the planner tests and the planner bench.
 * Deterministic from a seed (mulberry32), so a run is reproducible byte for byte.
 */

import { mulberry32 } from '../../src/core/prng.ts';
import type { HangupScorer, PlannerLoan, RecentContact } from '../../src/recommend/index.ts';

export { mulberry32 };

const GRADES = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC'];
const ZONES = [
  'Asia/Shanghai',
  'Asia/Shanghai',
  'Asia/Shanghai',
  'Asia/Urumqi',
  'America/New_York',
  'America/Los_Angeles',
];
const DAY = 86_400_000;

function ymd(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `n` synthetic loans as of `asOf`, with history, recent contacts and hazards. */
export function syntheticLoans(n: number, asOf: string, seed = 42): PlannerLoan[] {
  const rnd = mulberry32(seed);
  const a = Date.parse(`${asOf}T00:00:00Z`);
  const out: PlannerLoan[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const g = Math.floor(rnd() * 7);
    const ageDays = Math.floor(rnd() * 900) + 1;
    const termDays = 365 * (1 + Math.floor(rnd() * 10));
    const disb = a - ageDays * DAY;
    // Mid-term follow-ups every ~150 days back from a recent one, as a lender keeping to schedule would have.
    const mid: string[] = [];
    for (let back = Math.floor(rnd() * 170); back < ageDays - 60; back += 150) mid.push(ymd(a - back * DAY));
    const dpd = rnd() < 0.06 ? Math.floor(rnd() * 120) + 1 : 0;
    const base = 0.002 + g * 0.004 + (dpd > 0 ? 0.05 : 0);
    const hazard = new Float32Array(6);
    for (let k = 0; k < 6; k++) hazard[k] = Math.min(0.9, base * (1 + 0.1 * k) * (0.5 + rnd()));
    const zone = ZONES[Math.floor(rnd() * ZONES.length)]!;
    const contacts: RecentContact[] = [];
    const nc = rnd() < 0.3 ? Math.floor(rnd() * 4) : 0;
    for (let k = 0; k < nc; k++) {
      contacts.push({
        at_utc: new Date(a - Math.floor(rnd() * 10 * DAY)).toISOString(),
        channel: 'phone',
        outcome: rnd() < 0.4 ? 'answered' : 'no_answer',
      });
    }
    out[i] = {
      loan_id: `L${i}`,
      borrower_id: `B${i >> 1}`,
      loan_type: rnd() < 0.25 ? 'corporate' : 'personal',
      credit_grade: GRADES[g]!,
      disbursed_on: ymd(disb),
      maturity_on: ymd(disb + termDays * DAY),
      time_zone: zone,
      current_dpd: dpd,
      market_change: rnd() < 0.2 ? -0.06 : 0.01,
      history: { first: ageDays > 20 ? [ymd(disb + 10 * DAY)] : [], mid_term: mid },
      recent_contacts: contacts,
      hazard,
    };
  }
  return out;
}

/**
 * A cheap deterministic hang-up scorer: a per-loan base, worse at lunch, evenings and weekends, better with notice.
 * Stands in for the TensorFlow.js model where only the planner is under test.
 */
export const syntheticScorer: HangupScorer = async (b) => {
  const out = new Float32Array(b.size);
  const { loan, hour, weekday, prenotified } = b;
  for (let j = 0; j < b.size; j++) {
    const base = 0.08 + ((loan[j]! * 7919) % 997) * 0.0004;
    const h = hour[j]!;
    const hourEff = h === 12 || h === 13 ? 0.15 : h >= 19 ? 0.1 : h < 9 ? 0.06 : 0;
    const wd = weekday[j]!;
    const wdEff = wd >= 6 ? 0.08 : wd === 1 ? 0.03 : 0;
    const p = base + hourEff + wdEff - (prenotified[j] === 1 ? 0.1 : 0);
    out[j] = Math.min(0.99, Math.max(0.01, p));
  }
  return out;
};
