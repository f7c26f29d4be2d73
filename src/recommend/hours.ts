/**
 * Call hour on the due date. Default: the weekday's best window (lowest mean hang-up risk). With an hourly
 * capacity (policy `capacity.hourly`: calls whose window starts in the same UTC hour), follow-ups of each date are
 * taken in priority order and a follow-up whose best hour is full moves to the nearest allowed start hour with
 * room (earlier first); its hang-up risk at the new hour is scored again. Follow-ups with no hour left keep their
 * best hour and are reported (HOURLY_OVERFLOW), not hidden.
 */
import { isoWeekday } from '../core/days.ts';
import type { PlanState } from './prepare.ts';
import { R } from './reasons.ts';
import { utcMsOfLocal } from './zone.ts';

/** Window end for a start hour: `width` hours, never past the pack's end hour. */
export function windowEnd(s: PlanState, i: number, start: number): number {
  const { start: a, end } = s.packs[s.pack[i]!]!.rules.call_hours;
  return Math.min(end, start + Math.min(s.policy.planning.window_hours, end - a));
}

/** UTC hour index (hours since the epoch) of a local start hour on the loan's due date. */
export function utcHourOf(s: PlanState, zone: string, i: number, hour: number): number {
  return Math.floor(utcMsOfLocal(zone, s.due[i]!, hour) / 3_600_000);
}

/**
 * Assigns `s.hourStart` and `s.hang` for every planned loan; returns the loans whose hour moved (to be scored
 * again at the new hour). `zoneOf(i)` is the loan's time zone.
 */
export function assignHours(s: PlanState, zoneOf: (i: number) => string): number[] {
  const planned: number[] = [];
  for (let i = 0; i < s.n; i++) {
    if (s.purpose[i]! < 0) continue;
    const ix = i * 7 + isoWeekday(s.due[i]!) - 1;
    s.hourStart[i] = s.weekdays.bestStart[ix]!;
    s.hang[i] = s.weekdays.bestScore[ix]!;
    planned.push(i);
  }
  // A follow-up that joins another loan's call takes its window (one contact per borrower).
  const join = () => {
    for (const i of planned) {
      const j = s.joins[i]!;
      if (j < 0) continue;
      s.hourStart[i] = s.hourStart[j]!;
      s.hang[i] = s.hang[j]!;
    }
  };
  const cap = s.policy.capacity.hourly;
  if (cap === null) {
    join();
    return [];
  }
  planned.sort((a, b) => s.due[a]! - s.due[b]! || s.priority[b]! - s.priority[a]! || a - b);
  const used = new Map<number, number>();
  const moved: number[] = [];
  for (const i of planned) {
    const best = s.hourStart[i]!;
    const zone = zoneOf(i);
    const { start, end } = s.packs[s.pack[i]!]!.rules.call_hours;
    const lastStart = end - (windowEnd(s, i, start) - start);
    let placed = -1;
    // Offsets 0, −1, +1, −2, +2, … around the best hour, inside the pack's hours.
    for (let k = 0; k <= 2 * (end - start) && placed < 0; k++) {
      const h = best + (k % 2 === 1 ? -((k + 1) >> 1) : k >> 1);
      if (h < start || h > lastStart) continue;
      const key = utcHourOf(s, zone, i, h);
      const n = used.get(key) ?? 0;
      if (n < cap) {
        used.set(key, n + 1);
        placed = h;
      }
    }
    if (placed < 0) {
      s.hourOverflow[i] = 1;
      s.reasons[i]! |= R.HOURLY_OVERFLOW;
      const key = utcHourOf(s, zone, i, best);
      used.set(key, (used.get(key) ?? 0) + 1);
    } else if (placed !== best) {
      s.hourStart[i] = placed;
      s.hourMoved[i] = 1;
      s.reasons[i]! |= R.CAPACITY_HOUR_MOVED;
      moved.push(i);
    }
  }
  join();
  return moved;
}
