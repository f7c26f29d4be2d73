/**
 * Priority 0–100 from three parts, weighted by the policy: predicted risk relative to the budget (capped at 2×),
 * days past due (capped at 90) and, for hard deadlines, how close the deadline is (within 60 days → up to 1).
 * Capacity moves lower priorities first.
 */
import type { PolicyDoc } from './policy/schema.ts';

/** Priority of one follow-up, rounded to 0.1. */
export function priorityOf(
  w: PolicyDoc['priority'],
  riskAtDue: number,
  budget: number,
  dpd: number,
  hard: boolean,
  daysToDeadline: number,
): number {
  const total = w.risk + w.dpd + w.deadline;
  if (total <= 0) return 0;
  const risk = Math.min(1, riskAtDue / Math.max(budget, 1e-9) / 2);
  const late = Math.min(1, Math.max(0, dpd) / 90);
  const near = hard ? Math.min(1, Math.max(0, 1 - daysToDeadline / 60)) : 0;
  return Math.round(((100 * (w.risk * risk + w.dpd * late + w.deadline * near)) / total) * 10) / 10;
}
