/**
 * A seeded random lending history for leakage tests: loans with monthly schedules (on time, late, very late,
 * unpaid, partial, prepaid), contacts over every channel, direction and outcome, and regional market months.
 * `split(asOf)` cuts it into what was known at the end of the as-of day and what came after.
 */
import type { Contact, Loan, Market, Repayment } from '../../src/contract/tables.ts';
import { CHANNELS, OUTCOMES, PURPOSES } from '../../src/contract/tables.ts';
import { mulberry32 as rng } from '../../src/core/prng.ts';

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const addMonths = (d: string, k: number) => {
  const x = new Date(`${d}T00:00:00Z`);
  return iso(Date.UTC(x.getUTCFullYear(), x.getUTCMonth() + k, x.getUTCDate()));
};

export interface World {
  loans: Loan[];
  repayments: Repayment[];
  contacts: Contact[];
  market: Market[];
}

export function randomWorld(seed: number, nLoans: number): World {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const w: World = { loans: [], repayments: [], contacts: [], market: [] };
  const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London'];
  for (let i = 0; i < nLoans; i++) {
    const id = `L${String(i).padStart(3, '0')}`;
    const disbursed = iso(Date.UTC(2022, 0, 1) + Math.floor(r() * 900) * DAY);
    const term = 12 + Math.floor(r() * 25);
    const principal = 5000 + Math.round(r() * 95000);
    w.loans.push({
      loan_id: id,
      borrower_id: `B${i}`,
      loan_type: r() < 0.3 ? 'corporate' : 'personal',
      disbursed_on: disbursed,
      maturity_on: addMonths(disbursed, term),
      principal,
      annual_rate: Math.round(r() * 120) / 1000,
      term_months: term,
      credit_grade: pick(['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC']),
      region: pick(['R1', 'R2']),
      time_zone: pick(zones),
      phone: '+8613800138000',
      collateral_value: r() < 0.5 ? null : Math.round(principal * 1.5 * r()),
      income: r() < 0.2 ? null : 3000 + Math.round(r() * 20000),
    });
    const prepayAt = r() < 0.15 ? 3 + Math.floor(r() * (term - 3)) : term;
    for (let k = 1; k <= prepayAt; k++) {
      const due = addMonths(disbursed, k);
      const u = r();
      const late =
        u < 0.7
          ? Math.floor(r() * 3)
          : u < 0.85
            ? 5 + Math.floor(r() * 40)
            : u < 0.95
              ? 60 + Math.floor(r() * 60)
              : null;
      const dueAmount = Math.round((principal / term) * 1.05 * 100) / 100;
      const paidOn = late === null ? null : iso(Date.parse(due) + late * DAY);
      const partial = paidOn !== null && r() < 0.05;
      w.repayments.push({
        loan_id: id,
        installment_no: k,
        due_on: due,
        amount_due: dueAmount,
        paid_on: paidOn,
        amount_paid: paidOn === null ? null : partial ? Math.round(dueAmount * 50) / 100 : dueAmount,
      });
    }
    const nContacts = 5 + Math.floor(r() * 30);
    for (let c = 0; c < nContacts; c++) {
      const t = Date.parse(disbursed) + Math.floor(r() * 1000 * 86400) * 1000;
      w.contacts.push({
        contact_id: `${id}-C${c}`,
        loan_id: id,
        started_at: new Date(t).toISOString(),
        channel: r() < 0.7 ? 'phone' : pick(CHANNELS),
        direction: r() < 0.85 ? 'outbound' : 'inbound',
        purpose: pick(PURPOSES),
        outcome: pick(OUTCOMES),
        duration_s: null,
        agent_id: null,
      });
    }
  }
  for (const region of ['R1', 'R2'])
    for (let m = 0; m < 60; m++)
      w.market.push({
        region,
        month: iso(Date.UTC(2021, m, 1)),
        hpi: 100 + m * (region === 'R1' ? 0.8 : -0.3) + r() * 4,
        unemployment: 0.04 + r() * 0.03,
      });
  return w;
}

/** What was known at the end of `asOf` (past), and what arrived later (future rows and later payments). */
export function split(w: World, asOf: string): { past: World; future: World; paidLater: Repayment[] } {
  const cutoff = Date.parse(`${asOf}T00:00:00Z`) + DAY;
  const asOfMonth = `${asOf.slice(0, 7)}-01`;
  const past: World = { loans: [], repayments: [], contacts: [], market: [] };
  const future: World = { loans: [], repayments: [], contacts: [], market: [] };
  const paidLater: Repayment[] = [];
  for (const l of w.loans) (l.disbursed_on <= asOf ? past : future).loans.push(l);
  for (const p of w.repayments) {
    const paidKnown = p.paid_on !== null && p.paid_on <= asOf;
    if (p.due_on <= asOf || paidKnown) {
      past.repayments.push(paidKnown ? p : { ...p, paid_on: null, amount_paid: null });
      if (!paidKnown && p.paid_on !== null) paidLater.push(p);
    } else future.repayments.push(p);
  }
  for (const c of w.contacts) (Date.parse(c.started_at) < cutoff ? past : future).contacts.push(c);
  for (const m of w.market) (m.month < asOfMonth ? past : future).market.push(m);
  return { past, future, paidLater };
}
