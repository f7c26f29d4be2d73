/**
 * Follow-ups by purpose: how many, mean predicted risk at the due date, mean hang-up risk at the chosen slot and
 * the share pre-notified — the table an analyst reads first after a run. Columnar (arquero), not row objects.
 */
import * as aq from 'arquero';
import type { Recommendation } from '../recommend/index.ts';

export interface PurposeRow {
  purpose: string;
  n: number;
  mean_risk_at_due: number;
  mean_hangup_risk: number;
  prenotified_share: number;
  mean_cadence_days: number;
}

export function byPurpose(recs: readonly Recommendation[]): PurposeRow[] {
  if (recs.length === 0) return [];
  const t = aq.table({
    purpose: recs.map((r) => r.purpose),
    risk: Float64Array.from(recs, (r) => r.risk_at_due),
    hang: Float64Array.from(recs, (r) => r.hangup_risk),
    pre: Float64Array.from(recs, (r) => (r.prenotify ? 1 : 0)),
    cadence: Float64Array.from(recs, (r) => r.cadence_days),
  });
  return t
    .groupby('purpose')
    .rollup({
      n: aq.op.count(),
      mean_risk_at_due: aq.op.mean('risk'),
      mean_hangup_risk: aq.op.mean('hang'),
      prenotified_share: aq.op.mean('pre'),
      mean_cadence_days: aq.op.mean('cadence'),
    })
    .orderby(aq.desc('n'))
    .objects() as PurposeRow[];
}
