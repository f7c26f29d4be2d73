/**
 * Spines: the rows features are computed for. A spine is a temp table `(rid, loan_id, as_of, cutoff[, contact_id])`
 * with a dense, deterministic row id; every family returns one row per rid, so families join on rid alone.
 *   snapshot spine: (loan × as-of date) for loans active at as_of;   cutoff = as_of + 1 day, 00:00 UTC.
 *   attempt spine:  one row per outbound phone attempt;              as_of = its UTC date, cutoff = its start.
 */
import { listValue } from '@duckdb/node-api';
import { ident, type Warehouse } from '../warehouse/db.ts';

/**
 * SQL for `(loan_id, known_at, closed_on)` of loans known to be closed at `known_at`, for each distinct
 * `(loan_id, known_at DATE)` row of `source`: every installment due by then is paid by then, and either the
 * last one reached maturity or the next one is overdue for delivery (the schedule's own spacing plus 15 days of
 * grace), so the balance was repaid early. closed_on is the last payment date.
 */
export function closedLoansSql(source: string): string {
  return `
SELECT x.loan_id, x.known_at, max(r.paid_on) AS closed_on
FROM (SELECT DISTINCT loan_id, known_at FROM ${source}) x JOIN loans l ON l.loan_id = x.loan_id
JOIN repayments r ON r.loan_id = x.loan_id AND r.due_on <= x.known_at
GROUP BY x.loan_id, x.known_at, l.maturity_on
HAVING bool_and(coalesce(r.paid_on <= x.known_at, false))
  AND (max(r.due_on) >= l.maturity_on - INTERVAL 15 DAY
    OR x.known_at > max(r.due_on) + to_days(15 + greatest(28, CASE WHEN count(*) > 1
      THEN date_diff('day', min(r.due_on), max(r.due_on)) // (count(*) - 1) ELSE 31 END)::INTEGER))`;
}

/** Builds the snapshot spine for the given as-of dates (YYYY-MM-DD) into temp table `name`; returns its row count. */
export async function buildSnapshotSpine(
  w: Warehouse,
  asOf: readonly string[],
  opts: { name?: string; loanIds?: readonly string[] } = {},
): Promise<number> {
  const name = ident(opts.name ?? 'fx_spine');
  const params = [listValue([...asOf]), ...(opts.loanIds ? [listValue([...opts.loanIds])] : [])];
  await w.run(
    `CREATE OR REPLACE TEMP TABLE fx_candidates AS
     SELECT l.loan_id, d.as_of
     FROM (SELECT DISTINCT unnest($1::DATE[]) AS as_of) d
     JOIN loans l ON l.disbursed_on < d.as_of AND l.maturity_on > d.as_of
     ${opts.loanIds ? 'WHERE l.loan_id IN (SELECT unnest($2::VARCHAR[]))' : ''}`,
    params,
  );
  await w.run(`
    CREATE OR REPLACE TEMP TABLE ${name} AS
    WITH closed AS (${closedLoansSql('(SELECT loan_id, as_of AS known_at FROM fx_candidates)')})
    SELECT row_number() OVER (ORDER BY c.as_of, c.loan_id) AS rid, c.loan_id, c.as_of,
      timezone('UTC', (c.as_of + 1)::TIMESTAMP) AS cutoff
    FROM fx_candidates c
    ANTI JOIN closed ON closed.loan_id = c.loan_id AND closed.known_at = c.as_of
    ORDER BY rid`);
  await w.run('DROP TABLE IF EXISTS fx_candidates');
  const row = await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${name}`);
  return Number(row?.n ?? 0);
}

/** Builds the attempt spine: outbound phone attempts with from <= started_at < to (UTC dates, optional). */
export async function buildAttemptSpine(
  w: Warehouse,
  opts: { name?: string; from?: string; to?: string } = {},
): Promise<number> {
  const name = ident(opts.name ?? 'fx_spine');
  await w.run(
    `CREATE OR REPLACE TEMP TABLE ${name} AS
     SELECT row_number() OVER (ORDER BY c.started_at, c.contact_id) AS rid, c.loan_id,
       timezone('UTC', c.started_at)::DATE AS as_of, c.started_at AS cutoff, c.contact_id
     FROM contacts c JOIN loans l ON l.loan_id = c.loan_id
     WHERE c.direction = 'outbound' AND c.channel = 'phone'
       AND ($1::DATE IS NULL OR c.started_at >= timezone('UTC', $1::DATE::TIMESTAMP))
       AND ($2::DATE IS NULL OR c.started_at < timezone('UTC', $2::DATE::TIMESTAMP))
     ORDER BY rid`,
    [opts.from ?? null, opts.to ?? null],
  );
  const row = await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${name}`);
  return Number(row?.n ?? 0);
}
