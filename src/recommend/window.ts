/**
 * Call window: the hang-up model is evaluated over EVERY allowed (weekday, hour) slot of the loan's rule pack in
 * the borrower's own zone; per weekday the best contiguous window of `width` hours (lowest mean hang-up) and the
 * worst single hour are kept. The date is then the working day, within the last `searchDays` before the preferred
 * date, whose weekday has the lowest risk (ties: the later day, i.e. the longer interval).
 */

import { isoWeekday } from '../core/days.ts';
import type { WorkCalendar } from './calendar.ts';
import { R } from './reasons.ts';

/** Per-loan, per-weekday window summary; index = loan * 7 + (weekday − 1). */
export interface WeekdayTable {
  bestStart: Uint8Array;
  bestScore: Float32Array;
  /** Chance the call at the best window fails (hung up or not picked up); the window is chosen by it. */
  bestFail: Float32Array;
  worstHour: Uint8Array;
  worstScore: Float32Array;
}

/** Allocates the table for `n` loans. */
export function newWeekdayTable(n: number): WeekdayTable {
  return {
    bestStart: new Uint8Array(n * 7),
    bestScore: new Float32Array(n * 7),
    bestFail: new Float32Array(n * 7),
    worstHour: new Uint8Array(n * 7),
    worstScore: new Float32Array(n * 7),
  };
}

/**
 * Reads the 7 × (end − start) scores of one loan (weekday-major, hours ascending, starting at `off`) and fills its
 * rows of the weekday table. With `fail` (same layout: the chance a call fails, hung up or not picked up) the
 * window is chosen by it; `scores` (hang-up) is still what the table reports.
 */
export function summarizeSlots(
  scores: Float32Array,
  off: number,
  start: number,
  end: number,
  width: number,
  loan: number,
  t: WeekdayTable,
  fail: Float32Array | null = null,
): void {
  const by = fail ?? scores;
  const h = end - start;
  const w = Math.min(width, h);
  for (let wd = 0; wd < 7; wd++) {
    const base = off + wd * h;
    let best = Number.POSITIVE_INFINITY;
    let bestAt = start;
    let bestHang = 0;
    let worst = Number.NEGATIVE_INFINITY;
    let worstAt = start;
    for (let k = 0; k < h; k++) {
      const v = scores[base + k]!;
      if (v > worst) {
        worst = v;
        worstAt = start + k;
      }
      if (k + w <= h) {
        let sum = 0;
        let hang = 0;
        for (let j = 0; j < w; j++) {
          sum += by[base + k + j]!;
          hang += scores[base + k + j]!;
        }
        const mean = sum / w;
        if (mean < best) {
          best = mean;
          bestAt = start + k;
          bestHang = hang / w;
        }
      }
    }
    const ix = loan * 7 + wd;
    t.bestStart[ix] = bestAt;
    t.bestScore[ix] = bestHang;
    t.bestFail[ix] = best;
    t.worstHour[ix] = worstAt;
    t.worstScore[ix] = worst;
  }
}

/** Chosen date and the reason bits it adds. */
export interface DateChoice {
  day: number;
  reasons: number;
  /** True when no working day lies in [earliest, latest] and the date had to leave the window. */
  outside: boolean;
}

/**
 * Picks the call date in [earliest, latest]: among working days in [max(earliest, pref − searchDays), pref] the
 * one whose weekday has the lowest best-window risk; else the allowed working day nearest to pref; else the first
 * working day after `latest` (reported).
 */
export function chooseDate(
  earliest: number,
  pref: number,
  latest: number,
  searchDays: number,
  cal: WorkCalendar,
  workingOnly: boolean,
  t: WeekdayTable,
  loan: number,
  out: DateChoice,
): void {
  out.reasons = 0;
  out.outside = false;
  const ok = (d: number) => !workingOnly || cal.isWorkingDay(d);
  let best = Number.NaN;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let d = pref; d >= Math.max(earliest, pref - searchDays); d--) {
    if (!ok(d)) continue;
    const sc = t.bestFail[loan * 7 + isoWeekday(d) - 1]!;
    // Strictly better only: ties keep the later day (longer interval).
    if (sc < bestScore - 1e-6) {
      bestScore = sc;
      best = d;
    }
  }
  if (!Number.isNaN(best)) {
    const first = firstOk(pref, Math.max(earliest, pref - searchDays), ok);
    if (best !== first) out.reasons |= R.BEST_WEEKDAY;
    out.day = best;
    return;
  }
  for (let k = 1; pref - k >= earliest || pref + k <= latest; k++) {
    if (pref - k >= earliest && ok(pref - k)) {
      out.day = pref - k;
      return;
    }
    if (pref + k <= latest && ok(pref + k)) {
      out.day = pref + k;
      return;
    }
  }
  let d = latest + 1;
  while (!ok(d) && d < latest + 60) d++;
  out.day = d;
  out.outside = true;
  out.reasons |= R.NO_WORKING_DAY_IN_WINDOW;
}

function firstOk(from: number, to: number, ok: (d: number) => boolean): number {
  for (let d = from; d >= to; d--) if (ok(d)) return d;
  return Number.NaN;
}
