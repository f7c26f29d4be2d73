/**
 * The mass-cancellation guard: an export that would cancel more than `maxCancelShare` of the follow-ups its
 * target currently holds is refused unless the caller allows it. A plan of an empty or truncated book, a clock
 * decades off, or a wrong run would otherwise wipe a dialer's list or a subscribed calendar in one export.
 *
 * Reads: temp table export_prev (what the target holds, from src/export/plan.ts). Writes: nothing.
 */
import { MassCancelError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { StateCounts } from './types.ts';

/** Active follow-ups the target holds before this export (call after buildPlan). */
export async function heldByTarget(w: Warehouse): Promise<number> {
  const r = await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM export_prev WHERE state = 'active'`);
  return Number(r?.n ?? 0n);
}

/** Throws MassCancelError when `counts.cancelled` exceeds `maxShare` of `held`, unless `allow`; warns when allowed. */
export function guardCancellations(
  p: { counts: StateCounts; held: number; maxShare: number; allow: boolean; target: string; runId: string },
  log: Logger,
): void {
  const { cancelled } = p.counts;
  if (p.held === 0 || cancelled <= p.maxShare * p.held) return;
  const share = cancelled / p.held;
  const pct = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });
  const what = `run ${p.runId} would cancel ${cancelled} of the ${p.held} follow-ups ${p.target} holds (${pct.format(share)}; at most ${pct.format(p.maxShare)} allowed)`;
  if (p.allow) {
    log.warn(`mass cancellation allowed: ${what}`, { cancelled, held: p.held, share });
    return;
  }
  throw new MassCancelError(`export refused: ${what}`, {
    hint:
      'check the run (its as-of date, the clock, the data it was planned on); if the cancellations are meant, ' +
      're-run with --allow-mass-cancel (or raise --max-cancel-share)',
  });
}
