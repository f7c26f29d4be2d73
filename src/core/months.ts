/**
 * Month arithmetic (UTC calendar): on ISO month starts for as-of grids and out-of-time splits, and on day numbers
 * (src/core/days.ts) for the generator's installment schedules.
 */
import { dayOfParts, partsOf } from './days.ts';

/** Average days per month (365.25 / 12): how the models turn days into months and back. */
export const DAYS_PER_MONTH = 30.4375;

/** First day of the month of `date` (YYYY-MM-DD). */
export function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

/** Adds `n` months to a month start. */
export function addMonths(monthStartDate: string, n: number): string {
  const y = Number(monthStartDate.slice(0, 4));
  const m = Number(monthStartDate.slice(5, 7)) - 1 + n;
  const d = new Date(Date.UTC(y + Math.floor(m / 12), ((m % 12) + 12) % 12, 1));
  return d.toISOString().slice(0, 10);
}

/** Month starts from `from` to `to` inclusive (both month starts). */
export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = monthStart(from); m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** Adds days to a date. */
export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Months since year 0 of a day number: a flat month index for month arithmetic. */
export function monthIndex(day: number): number {
  const { y, m } = partsOf(day);
  return y * 12 + (m - 1);
}

/** First day (day number) of a flat month index. */
export function monthStartDay(mi: number): number {
  return dayOfParts(Math.floor(mi / 12), (mi % 12) + 1, 1);
}

/** The same day-of-month `n` months later, clamped to the month's length (Jan 31 + 1 month = Feb 28/29). */
export function addMonthsToDay(day: number, n: number): number {
  const { y, m, d } = partsOf(day);
  const mi = y * 12 + (m - 1) + n;
  const ny = Math.floor(mi / 12);
  const nm = (mi % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return dayOfParts(ny, nm, Math.min(d, last));
}
