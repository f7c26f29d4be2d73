/**
 * The clock is injected so runs and tests are deterministic. `FOLLOWUP_NOW` (ISO timestamp) pins it from outside.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = {
  now: () => (process.env.FOLLOWUP_NOW ? new Date(process.env.FOLLOWUP_NOW) : new Date()),
};

export function fixedClock(iso: string): Clock {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) throw new Error(`fixedClock: not an ISO timestamp: ${iso}`);
  return { now: () => new Date(t) };
}
