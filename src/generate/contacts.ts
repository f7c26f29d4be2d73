/**
 * One loan's contacts, following the practice of docs/domain.md: a first follow-up within 30 days of
 * disbursement, mid-term follow-ups every 90–180 days (tighter for corporate loans, weak grades and downturns),
 * a final one 30–90 days before maturity, collection calls while 30+ DPD, SMS/email notices before some calls,
 * same-day retries after no answer, and some inbound contacts. Calls happen 08:00–21:00 local, never more than
 * `maxUnanswered` unanswered attempts a day. Every phone attempt's outcome is drawn from the true hang-up
 * probability, which is kept for truth/hangup.csv.
 *
 * Reads: borrower, loan, its repayment history (delinquency periods, prepayment). Writes: contacts rows and
 * their true hang-up probabilities.
 */
import type { Contact, PURPOSES } from '../contract/tables.ts';
import { isoWeekday } from '../core/days.ts';
import { monthIndex, monthStartDay } from '../core/months.ts';
import type { Borrower, SimLoan, WorldFrame } from './borrower.ts';
import { GRADE_RANK } from './defaults.ts';
import { hpiChange6m } from './market.ts';
import { HOUR_BANDS, hourBand } from './params.ts';
import { inPeriods, type LoanHistory } from './repayments.ts';
import type { Rng } from './rng.ts';
import { missChance } from './traits.ts';
import { trueHangupProbability } from './truth.ts';
import { localTimestamp, utcMinutes } from './wall-clock.ts';

type Purpose = (typeof PURPOSES)[number];

/** A contact before ids are assigned: the row, its instant (UTC minutes) and, for phone attempts, the truth. */
export interface ContactDraft {
  /** Minutes since the epoch, UTC; orders the loan's contacts. */
  utc: number;
  row: Omit<Contact, 'contact_id'>;
  /** True hang-up probability of a phone attempt; null for other channels. */
  pHangup: number | null;
}

interface Plan {
  day: number;
  purpose: Purpose;
  kind: 'call' | 'visit' | 'inbound' | 'app';
  notice: boolean;
}

const RANK: Record<Purpose, number> = { collection: 0, first: 1, final: 2, mid_term: 3, other: 4 };

function pickIndex(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const x of weights) total += x;
  let u = rng.uniform() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** Plans the days on which the lender (or the borrower) makes contact. */
function plan(rng: Rng, b: Borrower, loan: SimLoan, hist: LoanHistory, frame: WorldFrame): Plan[] {
  const w = frame.params.world;
  const plans: Plan[] = [];
  const lifeEnd = Math.min(frame.endDay, hist.prepaidDay ?? Infinity);
  const followEnd = Math.min(lifeEnd, loan.maturityDay);
  // Weekend follow-ups are rarer than weekdays: most move to Monday.
  const keepWeekend = Math.min(1, w.weekendShare / (2 / 7));
  const shift = (day: number) => {
    const wd = isoWeekday(day) % 7;
    if ((wd === 0 || wd === 6) && !rng.chance(keepWeekend)) return day + (wd === 6 ? 2 : 1);
    return day;
  };
  const notice = () => rng.chance(w.preNotifyShare);
  const first = shift(loan.disbursedDay + rng.int(1, w.firstWithinDays - 4));
  if (first <= followEnd) plans.push({ day: first, purpose: 'first', kind: 'call', notice: notice() });
  let finalDay = Infinity;
  if (loan.row.term_months >= 4) {
    const fd = shift(loan.maturityDay - rng.int(w.finalBeforeDays[0], w.finalBeforeDays[1]));
    if (fd > loan.disbursedDay + w.firstWithinDays) {
      finalDay = fd;
      if (fd <= followEnd) plans.push({ day: fd, purpose: 'final', kind: 'call', notice: notice() });
    }
  }
  const rank = GRADE_RANK[loan.grade];
  let d = first;
  for (;;) {
    const fall = -hpiChange6m(frame.market, b.region, monthIndex(d));
    const mult =
      (b.loanType === 'corporate' ? w.midTermCorporate : 1) *
      (rank >= 5 ? w.midTermWeakGrade : 1) *
      (fall > w.downturnFall ? w.midTermDownturn : 1);
    const gap = Math.min(
      w.midTermDays[1],
      Math.max(w.midTermDays[0], rng.int(w.midTermDays[0], w.midTermDays[1]) * mult),
    );
    d = shift(d + Math.round(gap));
    if (d > followEnd || d > finalDay - 30 || d > loan.maturityDay - 30) break;
    if (inPeriods(hist.delinquent, d)) continue;
    const visit = b.loanType === 'corporate' && rng.chance(w.visitShare);
    plans.push({ day: d, purpose: 'mid_term', kind: visit ? 'visit' : 'call', notice: !visit && notice() });
  }
  for (const p of hist.delinquent) {
    const stop = Math.min(p.to, frame.endDay + 1);
    let c = p.from + rng.int(0, 2);
    while (c < stop) {
      plans.push({ day: c, purpose: 'collection', kind: 'call', notice: rng.chance(w.preNotifyCollection) });
      const [lo, hi] = c - p.from < 60 ? w.collectionGapEarly : w.collectionGapLate;
      c += rng.int(lo, hi);
    }
  }
  const inboundEnd = Math.min(lifeEnd, loan.maturityDay);
  for (let m = monthIndex(loan.disbursedDay); monthStartDay(m) <= inboundEnd; m++) {
    const lo = Math.max(monthStartDay(m), loan.disbursedDay + 1);
    const hi = Math.min(monthStartDay(m + 1) - 1, inboundEnd);
    if (lo > hi) continue;
    const day = rng.int(lo, hi);
    const rate = inPeriods(hist.delinquent, day) ? w.inboundDelinquent : w.inboundMonthly;
    if (rng.chance(rate)) plans.push({ day, purpose: 'other', kind: 'inbound', notice: false });
    // App users also reach the lender through the app, at hours that suit them.
    if (b.traits && b.traits.read.app > 0 && rng.chance(w.appMonthly))
      plans.push({ day: rng.int(lo, hi), purpose: 'other', kind: 'app', notice: false });
  }
  plans.sort((a, b) => a.day - b.day || RANK[a.purpose] - RANK[b.purpose]);
  // One planned contact per day: the most pressing purpose wins.
  return plans.filter((p, i) => i === 0 || plans[i - 1]!.day !== p.day);
}

/**
 * Outcome of an attempt that was not hung up: picked up with chance 1 − `miss` (the borrower's persona at that
 * hour), else no answer, busy or voicemail. A collection call that is picked up may end in a promise or a refusal.
 */
function drawOutcome(rng: Rng, collection: boolean, miss: number): Contact['outcome'] {
  if (rng.uniform() < miss) {
    const v = rng.uniform();
    return v < 0.75 ? 'no_answer' : v < 0.88 ? 'busy' : 'voicemail';
  }
  if (!collection) return 'answered';
  const u = rng.uniform();
  return u < 0.55 ? 'answered' : u < 0.9 ? 'promise_to_pay' : 'refused';
}

function callDuration(rng: Rng, outcome: string): number {
  switch (outcome) {
    case 'answered':
      return Math.round(rng.logNormal(180, 0.5));
    case 'promise_to_pay':
      return Math.round(rng.logNormal(240, 0.4));
    case 'refused':
      return rng.int(10, 40);
    case 'hung_up':
      return rng.int(3, 40);
    case 'voicemail':
      return rng.int(10, 30);
    default:
      return 0;
  }
}

/** Simulates the contacts of one loan, in time order. */
export function simulateContacts(
  rng: Rng,
  b: Borrower,
  loan: SimLoan,
  hist: LoanHistory,
  frame: WorldFrame,
): ContactDraft[] {
  const w = frame.params.world;
  const plans = plan(rng, b, loan, hist, frame);
  const out: ContactDraft[] = [];
  const agent = rng.int(1, w.agents);
  const agentId = () => `A${String(rng.chance(0.8) ? agent : rng.int(1, w.agents)).padStart(3, '0')}`;
  const firstLoan = !loan.repeat;
  const notices: number[] = [];
  let lastContact = -Infinity;
  let pastHangups = 0;
  // Conversations so far (answered or promised, either direction): distrust of unannounced calls fades with them.
  let conversations = 0;
  const traits = b.traits;
  const loanId = loan.row.loan_id;
  const emit = (
    day: number,
    minute: number,
    row: Omit<Contact, 'contact_id' | 'loan_id' | 'started_at'>,
    p: number | null,
  ) => {
    const utc = utcMinutes(b.zone, day, minute);
    // Spelled out rather than spread: this runs for every contact of a million-borrower world.
    out.push({
      utc,
      row: {
        loan_id: loanId,
        started_at: localTimestamp(b.zone, day, minute),
        channel: row.channel,
        direction: row.direction,
        purpose: row.purpose,
        outcome: row.outcome,
        duration_s: row.duration_s,
        agent_id: row.agent_id,
      },
      pHangup: p,
    });
    return utc;
  };
  const hangup = (
    day: number,
    minute: number,
    extra: {
      channel?: 'phone' | 'visit';
      direction?: 'outbound' | 'inbound';
      collection?: boolean;
      attemptsToday: number;
    },
  ) => {
    const utc = utcMinutes(b.zone, day, minute);
    let preNotified = false;
    for (let i = notices.length - 1; i >= 0 && !preNotified; i--) {
      const t = notices[i]!;
      preNotified = t <= utc && utc - t <= 48 * 60;
    }
    return trueHangupProbability(
      {
        localHour: Math.floor(minute / 60),
        weekday: isoWeekday(day) % 7,
        channel: extra.channel ?? 'phone',
        direction: extra.direction ?? 'outbound',
        collection: extra.collection ?? false,
        preNotified,
        attemptsToday: extra.attemptsToday,
        daysSinceLastContact: (utc - lastContact) / 1440,
        delinquent: inPeriods(hist.delinquent, day),
        firstLoan,
        pastHangups,
        temperament: b.temperament,
        ...(traits ? { traits, conversations } : {}),
      },
      frame.params.hangup,
    );
  };
  // The borrower's own contacts come at hours that suit them (the persona's good bands).
  const ownMinute = () => {
    if (!traits) return rng.int(8 * 60, 21 * 60 - 1);
    const wts = traits.band.map((o) => Math.exp(-w.inboundBandBias * o));
    let u = rng.uniform() * wts.reduce((a, c) => a + c, 0);
    let band = 0;
    while (band < 3 && u >= wts[band]!) u -= wts[band++]!;
    const [h0, h1] = HOUR_BANDS[band]!;
    return rng.int(h0 * 60, h1 * 60 - 1);
  };
  const missAt = (day: number, minute: number) =>
    traits ? missChance(traits, hourBand(Math.floor(minute / 60)), isoWeekday(day) % 7) : 0.25;
  for (let pi = 0; pi < plans.length; pi++) {
    const p = plans[pi]!;
    const nextDay = plans[pi + 1]?.day ?? Infinity;
    if (p.kind === 'inbound' || p.kind === 'app') {
      const minute = ownMinute();
      if (p.kind === 'inbound' && (rng.chance(0.6) || !traits || traits.read.app === 0)) {
        const ph = hangup(p.day, minute, { direction: 'inbound', attemptsToday: 0 });
        const outcome = rng.chance(ph) ? 'hung_up' : 'answered';
        if (outcome === 'hung_up') pastHangups++;
        else conversations++;
        lastContact = emit(
          p.day,
          minute,
          {
            channel: 'phone',
            direction: 'inbound',
            purpose: 'other',
            outcome,
            duration_s: callDuration(rng, outcome),
            agent_id: agentId(),
          },
          ph,
        );
      } else {
        lastContact = emit(
          p.day,
          minute,
          {
            channel: 'app',
            direction: 'inbound',
            purpose: 'other',
            outcome: 'delivered',
            duration_s: null,
            agent_id: null,
          },
          null,
        );
      }
      continue;
    }
    if (p.kind === 'visit') {
      const minute = rng.int(9 * 60, 17 * 60 - 1);
      const refused = rng.chance(hangup(p.day, minute, { channel: 'visit', attemptsToday: 0 }));
      if (!refused) conversations++;
      lastContact = emit(
        p.day,
        minute,
        {
          channel: 'visit',
          direction: 'outbound',
          purpose: p.purpose,
          outcome: refused ? 'refused' : 'answered',
          duration_s: rng.int(1800, 5400),
          agent_id: agentId(),
        },
        null,
      );
      continue;
    }
    const collection = p.purpose === 'collection';
    const maxAttempts = collection ? w.maxAttemptsCollection : w.maxAttemptsFollowUp;
    // Follow-ups not reached on the day are tried again 1–3 days later (at most twice), before the next plan.
    const tryDays = collection ? 1 : 3;
    let day = p.day;
    for (let t = 0; t < tryDays && day < nextDay && day <= frame.endDay; t++) {
      if (p.notice && t === 0) {
        // The lender's practice: mostly SMS, some email, an app message for some app users.
        const u = rng.uniform();
        const channel = traits && traits.read.app > 0 && u < 0.3 ? 'app' : u > 0.85 ? 'email' : 'sms';
        const nMinute = rng.int(9 * 60, 20 * 60 - 1);
        const delivered = rng.chance(channel === 'email' ? 0.93 : 0.97);
        const read = traits ? traits.read[channel] : 1;
        const at = emit(
          day - 1,
          nMinute,
          {
            channel,
            direction: 'outbound',
            purpose: p.purpose,
            outcome: delivered ? 'delivered' : 'failed',
            duration_s: null,
            agent_id: null,
          },
          null,
        );
        // Only a notice that is read announces the call (reading is not in the data: delivery is).
        if (delivered && rng.chance(read)) notices.push(at);
      }
      let minute = (8 + pickIndex(rng, w.callHourWeights)) * 60 + rng.int(0, 59);
      let attempts = 0;
      let reached = false;
      while (attempts < maxAttempts && attempts < w.maxUnanswered && minute < 21 * 60) {
        const ph = hangup(day, minute, { collection, attemptsToday: attempts });
        const outcome = rng.chance(ph) ? 'hung_up' : drawOutcome(rng, collection, missAt(day, minute));
        if (outcome === 'answered' || outcome === 'promise_to_pay') conversations++;
        lastContact = emit(
          day,
          minute,
          {
            channel: 'phone',
            direction: 'outbound',
            purpose: p.purpose,
            outcome,
            duration_s: callDuration(rng, outcome),
            agent_id: agentId(),
          },
          ph,
        );
        attempts++;
        if (outcome === 'hung_up') pastHangups++;
        if (outcome !== 'no_answer' && outcome !== 'busy' && outcome !== 'voicemail') {
          reached = true;
          break;
        }
        minute += rng.int(60, 180);
      }
      if (reached) break;
      day += rng.int(1, 3);
      if (p.purpose === 'first' && day > loan.disbursedDay + w.firstWithinDays) break;
    }
  }
  out.sort((a, b) => a.utc - b.utc);
  return out;
}
