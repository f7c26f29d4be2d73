/**
 * Builds the planner's view of each scored loan from the warehouse: contract fields, current DPD and the
 * regional market change (from the same point-in-time state the model scored), completed follow-ups by purpose
 * and the recent contact attempts the contact rules need. Everything is as known at the as-of date.
 *
 *   stagePlannerView (SQL only: temp tables pv_*, on DuckDB's threads) ─► readPlannerView (into PlannerLoan objects)
 *
 * Two steps so a caller can run the first on a second connection while it computes in JavaScript (the scores'
 * reason codes): the queries need only the loans, not their hazards. Both steps on the same connection (the
 * temp tables are that connection's).
 */

import type { DuckDBListValue } from '@duckdb/node-api';
import { interner } from '../../core/intern.ts';
import type { Scored } from '../../score/run.ts';
import { type Params, tempLoanIds, type Warehouse } from '../../warehouse/db.ts';
import { withLocalTime } from '../../warehouse/local-time.ts';
import { BAND_COUNT, type BandCounts, type BandRates } from '../bands.ts';
import { fitContactClasses } from '../classes.ts';
import type { PlannerLoan, RecentContact } from '../index.ts';
import { type ContactFacts, type ContactPriors, ratesOf } from '../profile.ts';

/** Days of contact history handed to the rules (the longest rule window, with room). */
export const RECENT_DAYS = 60;

/** Outcomes that mean the follow-up actually took place (constants, inlined into SQL). */
const COMPLETED = ['answered', 'promise_to_pay', 'hardship'];

/** Options of plannerLoans. */
export interface PlannerLoansOptions {
  /** Contact history for the personal profiles ends before this instant (ISO; default the end of the as-of day). */
  contactsBefore?: string;
  /** Days of hang-ups counted as recent (policy contact.lookback_days). Default 60. */
  lookbackDays?: number;
  /** Once aborted, `stagePlannerView` runs no further query (its caller's work failed meanwhile). */
  stop?: AbortSignal;
}

/** SQL band of an attempt (src/recommend/profile.ts bandOf) from the borrower-local hour and ISO weekday. */
const BAND_SQL = `CASE WHEN isodow(t) >= 6 THEN 4 WHEN hour(t) < 12 THEN 0 WHEN hour(t) < 14 THEN 1
  WHEN hour(t) < 18 THEN 2 ELSE 3 END`;
/**
 * The time-of-day band of a borrower's OWN contact (inbound call, app use), whatever the weekday: the hour they
 * choose says when in the day they are free, on a Saturday as on a Tuesday (weekend calls are learnt from the
 * outbound outcomes). Counting weekend contacts as "weekend" threw away the hour of two in seven of them.
 */
const HOUR_BAND_SQL = `CASE WHEN hour(t) < 12 THEN 0 WHEN hour(t) < 14 THEN 1 WHEN hour(t) < 18 THEN 2 ELSE 3 END`;
const PICKED_UP = `outcome IN ('answered', 'promise_to_pay', 'hardship', 'refused')`;
const FAILED = `outcome IN ('hung_up', 'no_answer', 'busy', 'voicemail')`;

/** The temp tables `stagePlannerView` leaves for `readPlannerView`, dropped by it. */
const TABLES = ['pv_base', 'pv_history', 'pv_recent', 'pv_bands', 'pv_hours', 'pv_borrower', 'pv_last'];

/** Counts per band in columns: `n0…n4` attempts, `hang*` hang-ups, `pick*` pick-ups, `inb*` own contacts. */
const KINDS = ['n', 'hang', 'pick', 'inb'] as const;

/** Runs the view's queries for loans `ids` (row i of the view is ids[i]) into temp tables; reads nothing back. */
export async function stagePlannerView(
  w: Warehouse,
  asOf: string,
  ids: readonly string[],
  opts: PlannerLoansOptions = {},
): Promise<void> {
  // Between two queries the caller may have given up (its scoring failed): stop there instead of running on.
  const run = async (sql: string, params?: Params) => {
    if (opts.stop?.aborted) throw new Error('planner view: stopped by its caller');
    await w.run(sql, params);
  };
  await tempLoanIds(w, 'plan_ids', ids);
  await run(
    `CREATE OR REPLACE TEMP TABLE pv_base AS
     SELECT p.i, l.loan_id, l.borrower_id, l.loan_type, l.credit_grade, l.disbursed_on::VARCHAR AS disbursed_on,
       l.maturity_on::VARCHAR AS maturity_on, l.time_zone, l.region, l.term_months::DOUBLE AS term_months
     FROM temp.plan_ids p JOIN loans l USING (loan_id)`,
  );
  await run(
    `CREATE OR REPLACE TEMP TABLE pv_history AS
     SELECT i, purpose, list(strftime(t, '%Y-%m-%d') ORDER BY started_at) AS days
     FROM ${withLocalTime(`SELECT p.i, c.purpose, c.started_at, l.time_zone AS tz
       FROM temp.plan_ids p JOIN contacts c USING (loan_id) JOIN loans l USING (loan_id)
       WHERE c.purpose IN ('first', 'mid_term', 'final', 'collection') AND c.outcome IN (${COMPLETED.map((o) => `'${o}'`).join(', ')})
         AND c.started_at < $1::DATE + INTERVAL 1 DAY`)} AS h
     GROUP BY i, purpose`,
    [asOf],
  );
  await run(
    `CREATE OR REPLACE TEMP TABLE pv_recent AS
     SELECT p.i, c.started_at, strftime(c.started_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS at, c.channel,
       c.outcome, c.direction = 'inbound' AS inbound
     FROM temp.plan_ids p JOIN contacts c USING (loan_id)
     WHERE c.started_at < $1::DATE + INTERVAL 1 DAY AND c.started_at >= $1::DATE - INTERVAL ${RECENT_DAYS} DAY`,
    [asOf],
  );
  const before = opts.contactsBefore ?? null;
  const lookback = opts.lookbackDays ?? 60;
  // Outbound phone attempts by borrower, local hour and band, in the borrower's own zone, known before the cut:
  // every outbound call of the book (9.3 M at a million borrowers), so only what the queries below need, the
  // outcome as the three flags they test and hour and band as bytes (~45 instead of ~85 bytes a row by the widths).
  await run(
    `CREATE OR REPLACE TEMP TABLE plan_attempts AS
     SELECT borrower_id, loan_type, started_at, outcome = 'hung_up' AS hung, ${PICKED_UP} AS picked,
       ${FAILED} AS failed, hour(t)::UTINYINT AS hour, (${BAND_SQL})::UTINYINT AS band
     FROM ${withLocalTime(`SELECT l.borrower_id, l.loan_type, c.started_at, c.outcome, l.time_zone AS tz
           FROM contacts c JOIN loans l USING (loan_id)
           WHERE c.channel = 'phone' AND c.direction = 'outbound'
             AND c.started_at < coalesce($2::TIMESTAMPTZ, $1::DATE + INTERVAL 1 DAY)`)} AS a`,
    [asOf, before],
  );
  await run(
    `CREATE OR REPLACE TEMP TABLE pv_bands AS
     SELECT loan_type, band::INTEGER AS band, count(*)::INTEGER AS n, count_if(hung)::INTEGER AS hang,
       count_if(picked)::INTEGER AS pick
     FROM temp.plan_attempts GROUP BY GROUPING SETS ((band), (loan_type, band))`,
  );
  // An hour counts as seen with at least 0.2 % of the attempts (and 20): rarer hours are the model's guesswork.
  await run(
    `CREATE OR REPLACE TEMP TABLE pv_hours AS
     SELECT hour::INTEGER AS h FROM temp.plan_attempts
     GROUP BY 1 HAVING count(*) >= greatest(20, 0.002 * (SELECT count(*) FROM temp.plan_attempts))`,
  );
  // Every borrower's calls by band — collection calls too: they are hung up on more in every band, but their hour
  // pattern is the borrower's like any other call's, and a third of a real book's calls can be collection calls
  // (learning from them took 0.10 points off true hang-up in the seed-11 backtest replay) — and own contacts by
  // time of day (inbound calls, app use: when they are free) — the whole book once: the plan's loans read their
  // borrower's row, and the contact classes learn from all of them, so a shard and the whole run — any subset of
  // loans — plan with the same classes. One pass, one row per borrower, its counts by band in columns: calls
  // (n0…n4), hung up (hang…), picked up (pick…), own contacts (inb…). (Grouping by borrower and band first and
  // then pivoting hashed 3.0 M (borrower, band) groups and took the process 1 GB higher at a million borrowers.)
  const counted = { n: 'NOT own', hang: 'hung', pick: 'picked', inb: 'own' } as const;
  const pivot = KINDS.flatMap((k) =>
    Array.from(
      { length: BAND_COUNT },
      (_, b) => `(count(*) FILTER (WHERE ${counted[k]} AND band = ${b}))::INTEGER AS ${k}${b}`,
    ),
  ).join(', ');
  await run(
    `CREATE OR REPLACE TEMP TABLE pv_borrower AS
     SELECT borrower_id, min(loan_type) AS loan_type, ${pivot}
     FROM (
       SELECT borrower_id, loan_type, band, hung, picked, false AS own FROM temp.plan_attempts
       UNION ALL
       SELECT borrower_id, loan_type, (${HOUR_BAND_SQL})::UTINYINT AS band, false, false, true
       FROM ${withLocalTime(`SELECT l.borrower_id, l.loan_type, c.started_at, l.time_zone AS tz
             FROM contacts c JOIN loans l USING (loan_id)
             WHERE c.direction = 'inbound' AND c.channel IN ('phone', 'app')
               AND c.started_at < coalesce($2::TIMESTAMPTZ, $1::DATE + INTERVAL 1 DAY)`)} AS x)
     GROUP BY borrower_id`,
    [asOf, before],
  );
  await run(
    `CREATE OR REPLACE TEMP TABLE pv_last AS
     WITH b AS (
       SELECT borrower_id, arg_max(band, started_at)::INTEGER AS band, arg_max(failed, started_at) AS failed,
         max(started_at) AS last_at,
         count_if(hung
           AND started_at >= coalesce($2::TIMESTAMPTZ, $1::DATE + INTERVAL 1 DAY) - INTERVAL ${lookback} DAY) AS recent
       FROM temp.plan_attempts GROUP BY borrower_id),
     app AS (
       SELECT DISTINCT l.borrower_id FROM contacts c JOIN loans l USING (loan_id)
       WHERE c.channel = 'app' AND c.started_at < coalesce($2::TIMESTAMPTZ, $1::DATE + INTERVAL 1 DAY))
     SELECT p.i, b.band,
       coalesce(b.failed AND b.last_at >= coalesce($2::TIMESTAMPTZ, $1::DATE + INTERVAL 1 DAY) - INTERVAL ${lookback} DAY, false) AS failed,
       coalesce(b.recent, 0)::INTEGER AS recent, app.borrower_id IS NOT NULL AS app
     FROM temp.plan_ids p JOIN loans l USING (loan_id) LEFT JOIN b ON b.borrower_id = l.borrower_id
       LEFT JOIN app ON app.borrower_id = l.borrower_id`,
    [asOf, before],
  );
  await run('DROP TABLE temp.plan_ids');
  await run('DROP TABLE temp.plan_attempts');
}

/** The planner's view of the scored loans; see the file comment. */
export async function plannerLoans(
  w: Warehouse,
  asOf: string,
  scored: Pick<Scored, 'state' | 'hazard' | 'horizon'>,
  opts: PlannerLoansOptions = {},
): Promise<PlannerView> {
  await stagePlannerView(w, asOf, scored.state.keys.loan_id, opts);
  return readPlannerView(w, scored);
}

export interface PlannerView {
  loans: PlannerLoan[];
  /** `stateRow[k]`: the row of loans[k] in the scored state. */
  stateRow: Int32Array;
  contactPriors: ContactPriors | undefined;
}

/**
 * Reads what `stagePlannerView` staged for the same loans (in the same order as `scored.state`) into the
 * planner's objects, chunk by chunk (no row objects in between: at a million loans they cost more than the
 * queries), fits the contact classes, and drops the temp tables. Each loan's `hazard` is a view of
 * `scored.hazard`, so the hazards may still be being written when this starts.
 */
export async function readPlannerView(
  w: Warehouse,
  scored: Pick<Scored, 'state' | 'hazard' | 'horizon'>,
): Promise<PlannerView> {
  const ids = scored.state.keys.loan_id;
  const H = scored.horizon;
  const dpd = scored.state.numeric.dpd_now;
  const mkt = scored.state.numeric.hpi_chg_6m;
  const loans: PlannerLoan[] = [];
  // One copy of each repeated code, zone and date instead of one per loan and contact (src/core/intern.ts).
  const shared = interner();
  const one = (v: unknown): string => shared(v as string);
  /** `at[i]`: position in `loans` of row i of the state (−1 when the loan is not in `loans`). */
  const at = new Int32Array(ids.length).fill(-1);
  await w.chunks('SELECT * FROM temp.pv_base ORDER BY i', undefined, (c, rows) => {
    for (let r = 0; r < rows; r++) {
      const i = c.i![r] as number;
      const m = mkt?.[i];
      const term = c.term_months![r] as number | null;
      at[i] = loans.length;
      loans.push({
        loan_id: c.loan_id![r] as string,
        borrower_id: c.borrower_id![r] as string,
        loan_type: one(c.loan_type![r]),
        credit_grade: one(c.credit_grade![r]),
        disbursed_on: one(c.disbursed_on![r]),
        maturity_on: one(c.maturity_on![r]),
        time_zone: one(c.time_zone![r]),
        region: one(c.region![r]),
        ...(term !== null ? { term_months: term } : {}),
        current_dpd: Math.max(0, Number.isFinite(dpd?.[i]) ? dpd![i]! : 0),
        market_change: m !== undefined && Number.isFinite(m) ? m : null,
        history: {},
        recent_contacts: [],
        hazard: scored.hazard.subarray(i * H, (i + 1) * H),
      });
    }
  });
  const loanAt = (i: unknown): PlannerLoan | undefined => loans[at[i as number]!];
  await w.chunks('SELECT * FROM temp.pv_history', undefined, (c, rows) => {
    for (let r = 0; r < rows; r++) {
      const l = loanAt(c.i![r]);
      if (l)
        (l.history as Record<string, string[]>)[one(c.purpose![r])] = (
          (c.days![r] as DuckDBListValue).items as string[]
        ).map(one);
    }
  });
  // Not the instant itself (`started_at`, only the order): a timestamp value object per contact for nothing.
  await w.chunks(
    'SELECT i, "at", channel, outcome, inbound FROM temp.pv_recent ORDER BY i, started_at',
    undefined,
    (c, rows) => {
      for (let r = 0; r < rows; r++)
        loanAt(c.i![r])?.recent_contacts.push({
          at_utc: c.at![r] as string,
          channel: one(c.channel![r]) as RecentContact['channel'],
          outcome: one(c.outcome![r]),
          direction: c.inbound![r] ? 'inbound' : 'outbound',
        });
    },
  );
  const bands = await w.all<{
    loan_type: string | null;
    band: number;
    n: number;
    hang: number;
    pick: number;
  }>('SELECT * FROM temp.pv_bands');
  const hours = await w.all<{ h: number }>('SELECT h FROM temp.pv_hours ORDER BY h');
  const byBorrower = new Map<string, { type: string; counts: BandCounts }>();
  await w.chunks('SELECT * FROM temp.pv_borrower ORDER BY borrower_id', undefined, (c, rows) => {
    // The chunk's count columns by kind and band; one array per kind per borrower, filled in a plain loop.
    const cols = KINDS.map((k) => Array.from({ length: BAND_COUNT }, (_, b) => c[`${k}${b}`]!));
    const bid = c.borrower_id!;
    const types = c.loan_type!;
    for (let r = 0; r < rows; r++) {
      const [n, hang, pick, inb] = cols.map((bands) => {
        const a = new Array<number>(BAND_COUNT);
        for (let b = 0; b < BAND_COUNT; b++) a[b] = (bands[b]![r] as number | null) ?? 0;
        return a;
      }) as [number[], number[], number[], number[]];
      byBorrower.set(bid[r] as string, {
        type: one(types[r]),
        counts: { attempts: n, hangups: hang, pickups: pick, inbound: inb },
      });
    }
  });
  // Personal contact facts of the plan's loans: their borrower's counts, the last attempt, recent hang-ups, app use.
  const zeros = (): BandCounts => ({
    attempts: new Array(BAND_COUNT).fill(0),
    hangups: new Array(BAND_COUNT).fill(0),
    pickups: new Array(BAND_COUNT).fill(0),
  });
  const factsOf = (l: PlannerLoan): ContactFacts => {
    l.contact ??= { counts: zeros(), last_failed_band: null, recent_hangups: 0, app_user: false };
    return l.contact;
  };
  for (const l of loans) {
    const e = byBorrower.get(l.borrower_id);
    if (e) factsOf(l).counts = e.counts;
  }
  await w.chunks('SELECT * FROM temp.pv_last', undefined, (c, rows) => {
    for (let r = 0; r < rows; r++) {
      const band = c.band![r] as number | null;
      const app = c.app![r] as boolean;
      const l = loanAt(c.i![r]);
      if (!l || (band === null && !app)) continue;
      const f = factsOf(l);
      f.last_failed_band = c.failed![r] && band !== null ? band : null;
      f.recent_hangups = c.recent![r] as number;
      f.app_user = app;
    }
  });
  for (const t of TABLES) await w.run(`DROP TABLE temp.${t}`);
  const pools = new Map<string, BandCounts>();
  for (const r of bands) {
    const key = r.loan_type ?? '';
    const c = pools.get(key) ?? zeros();
    c.attempts[r.band] = r.n;
    c.hangups[r.band] = r.hang;
    c.pickups[r.band] = r.pick;
    pools.set(key, c);
  }
  const book: BandRates = ratesOf(pools.get('') ?? zeros());
  const byType: Record<string, BandRates> = {};
  for (const [k, c] of pools) if (k !== '') byType[k] = ratesOf(c, book);
  const stateRow = new Int32Array(loans.length);
  at.forEach((k, i) => {
    if (k >= 0) stateRow[k] = i;
  });
  // A book without outbound calls has nothing to learn about hours: no priors, the model's view alone.
  const calls = (pools.get('') ?? zeros()).attempts.reduce((a, b) => a + b, 0);
  if (calls === 0) return { loans, stateRow, contactPriors: undefined };
  const classes = fitContactClasses([...byBorrower.values()], book);
  return {
    loans,
    stateRow,
    contactPriors: { book, by_type: byType, hours_seen: hours.map((r) => r.h), classes },
  };
}
