/** Month arithmetic on ISO dates (UTC calendar), for as-of grids and out-of-time splits. */

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
