/**
 * Retry timing: exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * the k-th retry (k = 0, 1, …) waits U(0, min(cap, base · 2^k)) ms. A seeded generator makes tests repeatable.
 */

import { mulberry32 } from '../../core/prng.ts';

/** Seeded generator of the jitter: the project's one small PRNG (mulberry32). */
export const seededRandom = mulberry32;

/** Wait before retry number `k` (0-based), in ms; at least `floorMs` (a server's Retry-After), never above cap. */
export function backoffMs(k: number, baseMs: number, capMs: number, rnd: () => number, floorMs = 0): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(k, 30));
  return Math.min(capMs, Math.max(floorMs, Math.floor(rnd() * ceiling)));
}

/** Retry-After header (seconds or HTTP date) in ms, or 0 when absent or unparsable. */
export function retryAfterMs(header: string | null, now: Date): number {
  if (!header) return 0;
  const s = Number(header);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(header);
  return Number.isNaN(t) ? 0 : Math.max(0, t - now.getTime());
}
