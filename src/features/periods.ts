/**
 * As-of periods for out-of-time splits: calendar months by default, ISO weeks (Monday starts) when the history
 * is too short for three months. The split itself is splitMonths (it only needs sortable period starts).
 *
 *   dates ─► periodStart(·, month) ─► ≥ 3 periods? ─► month split
 *                 └─ (auto) ─► periodStart(·, week) ─► ≥ 3 periods? ─► week split, else InsufficientDataError
 */
import { InsufficientDataError } from '../core/errors.ts';
import { addDays, monthStart } from '../core/months.ts';
import { type MonthSplit, splitMonths } from './split-months.ts';

/** Length of one as-of period. */
export type Period = 'month' | 'week';
/** What a caller asks for: one period, or `auto` (month, else week when fewer than MIN_PERIODS months). */
export type PeriodChoice = Period | 'auto';

/** Periods an out-of-time split needs: one each for train, validation and test. */
export const MIN_PERIODS = 3;

/** First day of the period holding `date` (YYYY-MM-DD): the month's 1st, or the Monday of its ISO week. */
export function periodStart(date: string, period: Period): string {
  if (period === 'month') return monthStart(date);
  const dow = new Date(`${date.slice(0, 10)}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date.slice(0, 10), -((dow + 6) % 7));
}

export interface PeriodSplit extends MonthSplit {
  period: Period;
  /** True when `auto` chose weeks because the months were too few. */
  fellBack: boolean;
}

/**
 * Chooses the period and splits the distinct period starts of `dates` out of time. `what` names the rows in the
 * error (e.g. `outbound phone attempts`).
 */
export function splitPeriods(dates: readonly string[], choice: PeriodChoice, what: string): PeriodSplit {
  const count = (p: Period) => new Set(dates.map((d) => periodStart(d, p))).size;
  const months = count('month');
  let period: Period;
  if (choice === 'auto') period = months >= MIN_PERIODS ? 'month' : 'week';
  else period = choice;
  const starts = [...new Set(dates.map((d) => periodStart(d, period)))];
  if (starts.length < MIN_PERIODS)
    throw new InsufficientDataError(
      `an out-of-time split of ${what} needs at least ${MIN_PERIODS} as-of ${period}s; found ${starts.length}` +
        (period === 'week' ? ` (and ${months} month${months === 1 ? '' : 's'})` : ''),
      {
        missing: `history: ${MIN_PERIODS} ${period}s of ${what}`,
        hint:
          period === 'month'
            ? 'pass --period week to split by ISO week'
            : 'load a longer history of this data',
      },
    );
  return { ...splitMonths(starts), period, fellBack: choice === 'auto' && period !== 'month' };
}
