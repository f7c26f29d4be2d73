/**
 * Calendar arithmetic on day numbers (days since 1970-01-01, UTC) and local wall-clock times in IANA zones.
 * Day numbers keep the inner loops free of Date objects; strings are formatted once per day and cached.
 */

const DAY_MS = 86_400_000;

/** Day number of a calendar date (month 1-12). */
export function dayOf(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
}

/** Day number of an ISO date `YYYY-MM-DD`; NaN when it is not a real date. */
export function parseIsoDay(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return Number.NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const day = dayOf(y, mo, d);
  const back = ymd(day);
  return back.y === y && back.m === mo && back.d === d ? day : Number.NaN;
}

/** Calendar parts of a day number (Howard Hinnant's civil_from_days: no Date objects in the hot loops). */
export function ymd(day: number): { y: number; m: number; d: number } {
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

const isoCache = new Map<number, string>();

/** `YYYY-MM-DD` of a day number (cached: the generator formats the same few thousand days millions of times). */
export function isoDay(day: number): string {
  let s = isoCache.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoCache.set(day, s);
  }
  return s;
}

/** Months since year 0 of a day number: a flat month index for month arithmetic. */
export function monthIndex(day: number): number {
  const { y, m } = ymd(day);
  return y * 12 + (m - 1);
}

/** First day (day number) of a flat month index. */
export function monthStart(mi: number): number {
  return dayOf(Math.floor(mi / 12), (mi % 12) + 1, 1);
}

/** The same day-of-month `n` months later, clamped to the month's length (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(day: number, n: number): number {
  const { y, m, d } = ymd(day);
  const mi = y * 12 + (m - 1) + n;
  const ny = Math.floor(mi / 12);
  const nm = (mi % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return dayOf(ny, nm, Math.min(d, last));
}

/** Day of week of a day number, 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();

/**
 * UTC offset in minutes of `zone` around local noon of `day`. Contacts happen 08:00–21:00 local, away from the
 * 01:00–03:00 daylight-saving switches, so the noon offset is the offset of every contact that day.
 */
export function zoneOffsetMinutes(zone: string, day: number): number {
  let byDay = offsetCache.get(zone);
  if (!byDay) {
    byDay = new Map();
    offsetCache.set(zone, byDay);
  }
  const hit = byDay.get(day);
  if (hit !== undefined) return hit;
  let fmt = offsetFormatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormatters.set(zone, fmt);
  }
  const part = fmt
    .formatToParts(new Date(day * DAY_MS + 12 * 3_600_000))
    .find((p) => p.type === 'timeZoneName');
  const m = /GMT(?:([+-])(\d{2}):(\d{2}))?/.exec(part?.value ?? 'GMT');
  const minutes = m?.[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  byDay.set(day, minutes);
  return minutes;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `+08:00` style suffix of an offset in minutes. */
export function offsetSuffix(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`;
}

/**
 * ISO 8601 local timestamp with the zone's offset, e.g. `2024-03-05T10:15:00+08:00`, for a local day and a
 * minute of that local day.
 */
export function localTimestamp(zone: string, day: number, minuteOfDay: number): string {
  const off = zoneOffsetMinutes(zone, day);
  return `${isoDay(day)}T${pad2(Math.floor(minuteOfDay / 60))}:${pad2(minuteOfDay % 60)}:00${offsetSuffix(off)}`;
}

/** Instant in minutes since the epoch (UTC) of a local day and minute in `zone`; orders contacts in time. */
export function utcMinutes(zone: string, day: number, minuteOfDay: number): number {
  return day * 1440 + minuteOfDay - zoneOffsetMinutes(zone, day);
}
