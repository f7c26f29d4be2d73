/**
 * What the backtest knows about a generated world besides the warehouse: the generator's truth (each borrower's
 * latent contact traits and temperament, each loan-month's true hazard) and each loan's contact history before
 * the period (conversations, hang-ups, last contact), which sets the true context of the first calls a policy
 * makes. Only the backtest and `evaluate --truth` read truth/; no model input does.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dayOf } from '../core/days.ts';
import { BadInputError } from '../core/errors.ts';
import { BORROWER_TRUTH_COLUMNS } from '../generate/run.ts';
import type { ContactTraits } from '../generate/traits.ts';
import type { HangupContext } from '../generate/truth.ts';
import { literal, tempLoanIds, type Warehouse } from '../warehouse/db.ts';

/** One borrower's truth. */
export interface BorrowerTruth {
  traits: ContactTraits;
  temperament: number;
}

/** The world's truth the policies are judged by (and the oracle plans with). */
export interface WorldTruth {
  borrowers: Map<string, BorrowerTruth>;
  /** loan_id → (YYYY-MM-01 of the installment's due month → true hazard). */
  hazard: Map<string, Map<string, number>>;
}

/** Contact history of one loan before the period. */
export interface PreHistory {
  conversations: number;
  hangups: number;
  /** Local day number of the last phone/visit/app contact, NaN if none. */
  lastDay: number;
}

function truthPath(world: string, name: string): string {
  for (const f of [`${name}.csv`, `${name}.csv.gz`]) {
    const p = join(world, 'truth', f);
    if (existsSync(p)) return p;
  }
  throw new BadInputError(`${world}/truth has no ${name}.csv(.gz)`, {
    place: { file: join(world, 'truth') },
    hint: 'regenerate the world with this version of `followup generate` (it writes truth/borrowers.csv)',
  });
}

/** Loads truth/borrowers.csv and truth/hazard.csv of a generated world. */
export async function loadWorldTruth(w: Warehouse, world: string): Promise<WorldTruth> {
  const file = truthPath(world, 'borrowers');
  let rows: Record<string, string | number>[];
  try {
    rows = await w.all<Record<string, string | number>>(
      `SELECT * FROM read_csv(${literal(file)}, header = true)`,
    );
  } catch (cause) {
    throw new BadInputError(`${file}: expected a CSV with a header row; ${String(cause)}`, {
      place: { file },
      cause,
    });
  }
  const missing = BORROWER_TRUTH_COLUMNS.filter((c) => rows.length > 0 && !(c in rows[0]!));
  if (missing.length)
    throw new BadInputError(
      `${file}: expected columns ${BORROWER_TRUTH_COLUMNS.join(', ')}; missing ${missing.join(', ')}`,
      { place: { file, line: 1 }, hint: 'regenerate the world with this version of `followup generate`' },
    );
  const borrowers = new Map<string, BorrowerTruth>();
  const n = (r: Record<string, string | number>, k: string) => Number(r[k]);
  for (const r of rows) {
    borrowers.set(String(r.borrower_id), {
      temperament: n(r, 'temperament'),
      traits: {
        persona: String(r.persona),
        band: [n(r, 'band_08_11'), n(r, 'band_12_13'), n(r, 'band_14_17'), n(r, 'band_18_20')],
        weekend: n(r, 'weekend'),
        miss: [n(r, 'miss_08_11'), n(r, 'miss_12_13'), n(r, 'miss_14_17'), n(r, 'miss_18_20')],
        missWeekend: n(r, 'miss_weekend'),
        read: { sms: n(r, 'read_sms'), email: n(r, 'read_email'), app: n(r, 'read_app') },
      },
    });
  }
  const hfile = truthPath(world, 'hazard');
  let hz: { loan_id: string; month: string; hazard: number }[];
  try {
    hz = await w.all(
      `SELECT loan_id::VARCHAR AS loan_id, strftime(month::DATE, '%Y-%m-%d') AS month, hazard::DOUBLE AS hazard
       FROM read_csv(${literal(hfile)}, header = true)`,
    );
  } catch (cause) {
    throw new BadInputError(
      `${hfile}: expected CSV columns loan_id, month (YYYY-MM-DD), hazard (0–1); ${String(cause)}`,
      { place: { file: hfile }, cause },
    );
  }
  const hazard = new Map<string, Map<string, number>>();
  for (const r of hz) {
    let m = hazard.get(r.loan_id);
    if (!m) {
      m = new Map();
      hazard.set(r.loan_id, m);
    }
    m.set(r.month, r.hazard);
  }
  return { borrowers, hazard };
}

/** Each loan's contact history before `from` (YYYY-MM-DD): conversations, hang-ups, last contact day. */
export async function preHistory(w: Warehouse, from: string): Promise<Map<string, PreHistory>> {
  const rows = await w.all<{ loan_id: string; conv: bigint; hang: bigint; last: string | null }>(
    `SELECT c.loan_id,
       count_if(c.outcome IN ('answered', 'promise_to_pay') AND c.channel IN ('phone', 'visit')) AS conv,
       count_if(c.outcome = 'hung_up' AND c.direction = 'outbound') AS hang,
       strftime(max(timezone(l.time_zone, c.started_at)) FILTER (WHERE c.channel IN ('phone', 'visit', 'app')),
         '%Y-%m-%d') AS last
     FROM contacts c JOIN loans l USING (loan_id)
     WHERE c.started_at < $1::DATE
     GROUP BY c.loan_id`,
    [from],
  );
  const out = new Map<string, PreHistory>();
  for (const r of rows)
    out.set(r.loan_id, {
      conversations: Number(r.conv),
      hangups: Number(r.hang),
      lastDay: r.last ? dayOf(r.last) : Number.NaN,
    });
  return out;
}

/** Installments of the given loans: due and paid days (paid NaN when unpaid), for "current at a day". */
export async function installments(
  w: Warehouse,
  loanIds: readonly string[],
): Promise<Map<string, { due: number; paid: number }[]>> {
  const out = new Map<string, { due: number; paid: number }[]>();
  if (loanIds.length === 0) return out;
  await tempLoanIds(w, 'bt_ids', loanIds);
  const rows = await w.all<{ loan_id: string; due: string; paid: string | null }>(
    `SELECT r.loan_id, r.due_on::VARCHAR AS due, r.paid_on::VARCHAR AS paid
     FROM repayments r JOIN temp.bt_ids USING (loan_id) ORDER BY r.loan_id, r.due_on`,
  );
  await w.run('DROP TABLE temp.bt_ids');
  for (const r of rows) {
    let l = out.get(r.loan_id);
    if (!l) {
      l = [];
      out.set(r.loan_id, l);
    }
    l.push({ due: dayOf(r.due), paid: r.paid ? dayOf(r.paid) : Number.NaN });
  }
  return out;
}

/** The loan is current on `day`: every installment due before it was paid by then. */
export function currentOn(inst: readonly { due: number; paid: number }[] | undefined, day: number): boolean {
  if (!inst) return true;
  for (const x of inst) {
    if (x.due >= day) break;
    if (!(x.paid <= day)) return false;
  }
  return true;
}

/**
 * The true context of an outbound call to a borrower (the judge, the replay's outcomes and the oracle's scorer all
 * ask the world about calls the same way). Notice is left out: `expectedWithNotice` weighs it by the read chance.
 */
export function callContext(
  firstLoan: boolean,
  t: BorrowerTruth | undefined,
  c: {
    hour: number;
    isoWeekday: number;
    collection: boolean;
    delinquent?: boolean;
    daysSince: number;
    conversations: number;
    pastHangups: number;
  },
): HangupContext {
  return {
    localHour: c.hour,
    weekday: c.isoWeekday % 7,
    channel: 'phone',
    direction: 'outbound',
    collection: c.collection,
    preNotified: false,
    attemptsToday: 0,
    daysSinceLastContact: c.daysSince,
    delinquent: c.delinquent ?? false,
    firstLoan,
    pastHangups: c.pastHangups,
    conversations: c.conversations,
    ...(t ? { temperament: t.temperament, traits: t.traits } : {}),
  };
}

/** The chance a notice by `channel` is read (1 without the borrower's truth: the notice counts as read). */
export function readChance(t: BorrowerTruth | undefined, channel: 'sms' | 'email' | 'app'): number {
  return t ? t.traits.read[channel] : 1;
}
