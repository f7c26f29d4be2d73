/**
 * Pre-notification: when the predicted hang-up probability at the chosen slot without notice exceeds the policy
 * threshold and notice lowers it by at least `min_gain`, an SMS (or an email when the borrower cannot receive SMS)
 * announces the call 24–48 h ahead, at an hour the rule pack allows.
 */
import { utcMsOfLocal } from './zone.ts';

const H = 3_600_000;

/**
 * UTC instant of the notice for a call starting at local `hour` on `day`, or NaN when no allowed instant 24–48 h
 * ahead exists on or after `notBefore` (a day number). Candidates: the day before at the same hour, one hour
 * earlier (DST days are 23 h), two days before at the same or the next hour.
 */
export function noticeInstant(
  zone: string,
  day: number,
  hour: number,
  callStart: number,
  callEnd: number,
  notBefore: number,
): number {
  const call = utcMsOfLocal(zone, day, hour);
  const candidates: [number, number][] = [
    [day - 1, hour],
    [day - 1, hour - 1],
    [day - 2, hour],
    [day - 2, hour + 1],
  ];
  for (const [d, h] of candidates) {
    if (d < notBefore || h < callStart || h + 1 > callEnd) continue;
    const t = utcMsOfLocal(zone, d, h);
    const gap = call - t;
    if (gap >= 24 * H && gap <= 48 * H) return t;
  }
  return Number.NaN;
}

/** Whether notice is worth sending: risky without it and clearly better with it. */
export function worthNotice(hang: number, hangNotified: number, threshold: number, minGain: number): boolean {
  return hang > threshold && hang - hangNotified >= minGain;
}
