/**
 * Calendar dates as integer day numbers (days since 1970-01-01). The planner works on day numbers so its hot loops
 * compare integers instead of parsing strings or allocating Date objects.
 */
const DAY_MS = 86_400_000;
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

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

export { DAY_MS };
