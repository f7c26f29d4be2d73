/**
 * Calendar dates as integer day numbers (days since 1970-01-01, UTC calendar): the one date module of the project.
 * The planner and the generator work on day numbers so their hot loops compare integers instead of parsing strings
 * or allocating Date objects; ISO strings are parsed and formatted once per distinct day (cached).
 */
import { z } from 'zod';

const DAY_MS = 86_400_000;
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The shape of an ISO calendar date, `YYYY-MM-DD` (use isIsoDate to also require a real date). */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

// History dates repeat across loans; parsing each distinct text once is much cheaper than a regex per date.
const dayCache = new Map<string, number>();

/** Day number of a `YYYY-MM-DD` date, or NaN when the text is not a real calendar date. */
export function dayOf(ymd: string): number {
  let v = dayCache.get(ymd);
  if (v === undefined) {
    v = parseDay(ymd);
    if (dayCache.size < 200_000) dayCache.set(ymd, v);
  }
  return v;
}

function parseDay(ymd: string): number {
  const m = YMD.exec(ymd);
  if (!m) return Number.NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  // Date.UTC rolls 2026-02-30 over to March; a real date survives the round trip.
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return Number.NaN;
  return ms / DAY_MS;
}

// Most runs touch a few hundred distinct days; formatting each once keeps a million rows cheap.
const ymdCache = new Map<number, string>();

/** `YYYY-MM-DD` of a day number. */
export function ymdOf(day: number): string {
  let s = ymdCache.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (ymdCache.size < 100_000) ymdCache.set(day, s);
  }
  return s;
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** Day number of a UTC instant given in milliseconds. */
export function dayOfMs(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** True when `text` is a real calendar date written `YYYY-MM-DD` (2026-02-30 is not). */
export function isIsoDate(text: string): boolean {
  return Number.isFinite(dayOf(text));
}

/**
 * An as-of date: the one schema every command, stage and library entry point checks it with, so the same input is
 * accepted or refused with the same words everywhere.
 */
export const AsOfDate = z.string().superRefine((text, ctx) => {
  if (!ISO_DATE.test(text))
    ctx.addIssue({ code: 'custom', message: `expected a date YYYY-MM-DD, found ${JSON.stringify(text)}` });
  else if (!isIsoDate(text))
    ctx.addIssue({ code: 'custom', message: `expected a real calendar date, found ${JSON.stringify(text)}` });
});

/** Day number of a calendar date given by parts (month 1–12). */
export function dayOfParts(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
}

/** Calendar parts of a day number (Howard Hinnant's civil_from_days: no Date objects in the hot loops). */
export function partsOf(day: number): { y: number; m: number; d: number } {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

export { DAY_MS };
