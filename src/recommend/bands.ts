/** The time bands in which contact outcomes are counted and personal call windows chosen. Pure. */

/** Time bands: weekdays 08–11, 12–13, 14–17, 18–20 (and any hour outside falls in the nearest), weekends. */
export const BAND_COUNT = 5;
export const BAND_LABELS = ['08:00–12:00', '12:00–14:00', '14:00–18:00', '18:00–21:00', 'weekends'] as const;

/** Band of a local hour on an ISO weekday (1 = Monday … 7 = Sunday). */
export function bandOf(hour: number, isoWeekday: number): number {
  if (isoWeekday >= 6) return 4;
  if (hour < 12) return 0;
  if (hour < 14) return 1;
  if (hour < 18) return 2;
  return 3;
}

/** Outbound phone attempts per band and what became of them. Arrays of length BAND_COUNT. */
export interface BandCounts {
  attempts: number[];
  hangups: number[];
  /** Attempts that were picked up and not hung up (answered, promise to pay, refused). */
  pickups: number[];
  /** Contacts the borrower made (inbound calls, app messages) per band: when they are free. Optional. */
  inbound?: number[];
}

/** Rates per band of a population (book or segment): hang-up per attempt, pick-up per attempt not hung up. */
export interface BandRates {
  hang: number[];
  pickup: number[];
}
