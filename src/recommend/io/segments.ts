/**
 * Follow-ups by purpose: how many, mean predicted risk at the due date, mean hang-up risk at the chosen slot and
 * the share pre-notified — the table an analyst reads first after a run. Columnar (arquero), not row objects.
 */
import * as aq from 'arquero';
import type { Recommendation } from '../index.ts';

export interface PurposeRow {
  purpose: string;
  n: number;
  mean_risk_at_due: number;
  mean_hangup_risk: number;
  prenotified_share: number;
  mean_cadence_days: number;
}

/** The columns `byPurpose` needs, collected while recommendations stream past (no record kept). */
export class PurposeColumns {
  readonly purpose: string[] = [];
  readonly risk: number[] = [];
  readonly hang: number[] = [];
  readonly pre: number[] = [];
  readonly cadence: number[] = [];

  add(r: Recommendation): void {
    this.purpose.push(r.purpose);
    this.risk.push(r.risk_at_due);
    this.hang.push(r.hangup_risk);
    this.pre.push(r.prenotify ? 1 : 0);
    this.cadence.push(r.cadence_days);
  }
}

export function byPurpose(c: PurposeColumns): PurposeRow[] {
  if (c.purpose.length === 0) return [];
  const t = aq.table({
    purpose: c.purpose,
    risk: Float64Array.from(c.risk),
    hang: Float64Array.from(c.hang),
    pre: Float64Array.from(c.pre),
    cadence: Float64Array.from(c.cadence),
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
