/**
 * The staleness guard: a plan is only as current as the data it stands on. Before recommending, the newest
 * observation in the book — the latest payment (repayments.paid_on) or contact attempt (contacts.started_at, as a
 * UTC date) — must be at most `maxAgeDays` days before the as-of date. Otherwise the run stops: planning a day on a
 * book that stopped arriving days ago would schedule calls already made and cancel follow-ups that are still due.
 *
 * Reads: repayments, contacts. Writes: nothing.
 */
import { StaleDataError } from '../../core/errors.ts';
import { counted } from '../../core/format.ts';
import type { Warehouse } from '../../warehouse/db.ts';

/** Default largest age of the newest data, in days before the as-of date. */
export const DEFAULT_MAX_DATA_AGE_DAYS = 3;

/** The newest data the book holds (ISO dates, null when the table has none). */
export interface Freshness {
  /** Latest repayments.paid_on. */
  repayments: string | null;
  /** Latest contacts.started_at, as a UTC date. */
  contacts: string | null;
  /** The later of the two. */
  newest: string | null;
}

/** Reads the newest payment and contact dates. Expected: the contract tables exist. */
export async function dataFreshness(w: Warehouse): Promise<Freshness> {
  const r = await w.one<{ repayments: string | null; contacts: string | null }>(
    `SELECT (SELECT CAST(max(paid_on) AS VARCHAR) FROM repayments) AS repayments,
            (SELECT CAST(CAST(max(started_at AT TIME ZONE 'UTC') AS DATE) AS VARCHAR) FROM contacts) AS contacts`,
  );
  const repayments = r?.repayments ?? null;
  const contacts = r?.contacts ?? null;
  const newest =
    [repayments, contacts]
      .filter((d): d is string => d !== null)
      .sort()
      .at(-1) ?? null;
  return { repayments, contacts, newest };
}

/** Whole days from ISO date `from` to ISO date `to`. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Throws StaleDataError when the newest data is more than `maxAgeDays` days before `asOf` (or there is none).
 * Returns the freshness and the age in days otherwise.
 */
export async function requireFreshData(
  w: Warehouse,
  asOf: string,
  maxAgeDays: number = DEFAULT_MAX_DATA_AGE_DAYS,
): Promise<Freshness & { age_days: number }> {
  const f = await dataFreshness(w);
  const hint =
    `deliver the missing files and ingest them first; to plan on this data anyway, pass an earlier as-of date ` +
    `(--set as_of=${f.newest ?? 'YYYY-MM-DD'}) or raise the limit (--set max_data_age_days=N)`;
  if (f.newest === null)
    throw new StaleDataError(
      `no payment or contact data to plan on at ${asOf}: repayments and contacts are empty`,
      {
        place: { file: w.path, column: 'repayments.paid_on, contacts.started_at' },
        hint: 'ingest repayments and contacts first',
      },
    );
  const age = daysBetween(f.newest, asOf);
  if (age > maxAgeDays)
    throw new StaleDataError(
      `stale data: the newest payment or contact is from ${f.newest} (repayments ${f.repayments ?? 'none'}, ` +
        `contacts ${f.contacts ?? 'none'}), ${counted(age, 'day', 'days')} before the as-of date ${asOf}; ` +
        `expected at most ${counted(maxAgeDays, 'day', 'days')}; stopped before recommending`,
      { place: { file: w.path, column: 'repayments.paid_on, contacts.started_at', value: f.newest }, hint },
    );
  return { ...f, age_days: age };
}
