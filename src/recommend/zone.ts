/**
 * Borrower-local wall time ↔ UTC instants with real zone rules (luxon over the platform's IANA database), so DST
 * zones get the right offset on each side of a transition. Results are memoized per (zone, day, hour): a million
 * borrowers share a few zones and a few hundred days.
 */
import { DateTime, IANAZone } from 'luxon';
import { DAY_MS } from '../core/days.ts';

const zoneIds = new Map<string, number>();
const utcMemo = new Map<number, number>();

/** True when the platform knows the IANA zone name. */
export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

function zoneId(zone: string): number {
  let id = zoneIds.get(zone);
  if (id === undefined) {
    id = zoneIds.size;
    zoneIds.set(zone, id);
  }
  return id;
}

/**
 * UTC milliseconds of local `hour`:00 on local day `day` (day number) in `zone`. `hour` may be 24 (the midnight that
 * ends the day). A local time skipped by a DST jump resolves forward, as luxon does (02:30 → 03:30).
 */
export function utcMsOfLocal(zone: string, day: number, hour: number): number {
  if (hour >= 24) return utcMsOfLocal(zone, day + 1, hour - 24);
  const key = (zoneId(zone) * 1_000_000 + day) * 24 + hour;
  let ms = utcMemo.get(key);
  if (ms === undefined) {
    const d = new Date(day * DAY_MS);
    ms = DateTime.fromObject(
      { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour },
      { zone },
    ).toMillis();
    if (utcMemo.size < 2_000_000) utcMemo.set(key, ms);
  }
  return ms;
}

/** Local calendar day (day number), hour and minute of a UTC instant in `zone`. */
export function localOfUtc(zone: string, ms: number): { day: number; hour: number; minute: number } {
  const t = DateTime.fromMillis(ms, { zone });
  return { day: Date.UTC(t.year, t.month - 1, t.day) / DAY_MS, hour: t.hour, minute: t.minute };
}

/** ISO 8601 UTC text of an instant, e.g. `2026-03-09T13:00:00.000Z`. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

const offsetMemo = new Map<number, number>();

/**
 * Local calendar day (day number) of a UTC instant in `zone`. Offsets are memoized per 15-minute UTC bucket, the
 * finest step at which any zone's offset changes, so scanning millions of contacts stays cheap.
 */
export function localDayOfUtc(zone: string, ms: number): number {
  const bucket = Math.floor(ms / 900_000);
  const key = zoneId(zone) * 1e8 + bucket;
  let off = offsetMemo.get(key);
  if (off === undefined) {
    off = DateTime.fromMillis(bucket * 900_000, { zone }).offset * 60_000;
    if (offsetMemo.size < 2_000_000) offsetMemo.set(key, off);
  }
  return Math.floor((ms + off) / DAY_MS);
}

const isoMemo = new Map<number, string>();

/** ISO 8601 UTC text of local `hour`:00 on `day` in `zone` (memoized like utcMsOfLocal). */
export function utcIsoOfLocal(zone: string, day: number, hour: number): string {
  const ms = utcMsOfLocal(zone, day, hour);
  let s = isoMemo.get(ms);
  if (s === undefined) {
    s = new Date(ms).toISOString();
    if (isoMemo.size < 2_000_000) isoMemo.set(ms, s);
  }
  return s;
}
