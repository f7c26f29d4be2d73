/**
 * Local wall-clock times in IANA zones for the generator's contacts, on day numbers (src/core/days.ts); offsets are
 * looked up once per (zone, day) and cached.
 */
import { DAY_MS, ymdOf } from '../core/days.ts';

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
  return `${ymdOf(day)}T${pad2(Math.floor(minuteOfDay / 60))}:${pad2(minuteOfDay % 60)}:00${offsetSuffix(off)}`;
}

/** Instant in minutes since the epoch (UTC) of a local day and minute in `zone`; orders contacts in time. */
export function utcMinutes(zone: string, day: number, minuteOfDay: number): number {
  return day * 1440 + minuteOfDay - zoneOffsetMinutes(zone, day);
}
