/**
 * What-if planning for the what-if notebook: score the demo warehouse once, then re-plan the same loans under
 * modified policies (risk budget, capacity, contact-rule pack) and summarise how the schedule moves.
 * Works on a temporary copy of the warehouse so the demo run's tables stay as the pipeline wrote them.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import * as F from '../src/index.ts';
import type { Row } from './lib.ts';

/** A planner bound to one scored as-of date; `plan(policy)` re-plans every open loan under that policy. */
export interface WhatIf {
  asOf: string;
  loans: F.recommend.PlannerLoan[];
  plan(policy: F.recommend.Policy): Promise<F.recommend.PlanResult>;
  close(): Promise<void>;
}

/** Scores the loans of `demoDir` at `asOf` (default: the latest recommendation run's as-of) with the champions. */
export async function whatIf(demoDir: string, asOf?: string): Promise<WhatIf> {
  const tmp = await Deno.makeTempDir({ prefix: 'followup-whatif-' });
  copyFileSync(join(demoDir, 'warehouse.duckdb'), join(tmp, 'warehouse.duckdb'));
  const w = await F.openWarehouse(join(tmp, 'warehouse.duckdb'));
  const modelsDir = join(demoDir, 'models');
  const day =
    asOf ??
    (await w.one<{ d: string }>('SELECT strftime(max(as_of), \'%Y-%m-%d\') AS d FROM recommendation_runs'))?.d;
  if (!day) throw new Error(`expected a recommendation run in ${demoDir}; run the demo pipeline first`);
  // The planning step `recommend` and the backtest use: scores once, the planner's view, the factored slot
  // scorer; every scenario below is a plan of the same inputs under another policy.
  const planning = await F.preparePlanning(
    w,
    { modelsDir, asOf: day, lookbackDays: F.recommend.loadPolicy().contact.lookback_days },
    F.silentLogger,
  );
  const { loans } = planning;
  return {
    asOf: day,
    loans,
    plan: (policy) =>
      F.recommend.planFollowUps({
        asOf: day,
        runId: `whatif-${day}`,
        loans,
        policy,
        hangup: planning.hangup,
        modelVersions: planning.models,
        ...(planning.contactPriors ? { contactPriors: planning.contactPriors } : {}),
      }),
    close: async () => {
      planning.dispose();
      await w.close();
      await Deno.remove(tmp, { recursive: true });
    },
  };
}

/** A deep copy of the shipped policy with `edit` applied (the policy_version marks it as a what-if). */
export function variant(name: string, edit: (p: F.recommend.Policy) => void): F.recommend.Policy {
  const p = structuredClone(F.recommend.loadPolicy());
  edit(p);
  p.policy_version = `whatif-${name}`;
  return p;
}

/** Days from the as-of date covered by the headline figures (the next 30 days). */
export const HORIZON_DAYS = 30;

/** True when the call centre had no room for the follow-up anywhere in its window (it is listed, not placed). */
const overflowed = (x: F.recommend.Recommendation) => x.reason_codes.includes('CAPACITY_OVERFLOW');

/**
 * Headline figures of one plan: placed (not overflowed) calls per calendar day over the next HORIZON_DAYS (mean and
 * peak; a borrower's second loan joining a call is the same call, as capacity counts it),
 * coverage (share of open loans with a follow-up placed within capacity), mean risk at due (probability of
 * delinquency accrued by the follow-up date) and mean expected hang-up rate of the planned contacts.
 */
export function summarize(scenario: string, asOf: string, loans: number, r: F.recommend.PlanResult): Row {
  const start = Date.parse(`${asOf}T00:00:00Z`);
  const perDay = new Map<string, number>();
  let risk = 0;
  let hang = 0;
  for (const x of r.recommendations) {
    risk += x.risk_at_due;
    hang += x.hangup_risk;
    const d = (Date.parse(`${x.due_on}T00:00:00Z`) - start) / 86_400_000;
    const joined = x.reason_codes.includes('COORDINATED');
    if (d >= 0 && d < HORIZON_DAYS && !overflowed(x) && !joined)
      perDay.set(x.due_on, (perDay.get(x.due_on) ?? 0) + 1);
  }
  const n = r.recommendations.length || 1;
  const inHorizon = [...perDay.values()].reduce((a, b) => a + b, 0);
  return {
    scenario,
    recommendations: r.recommendations.length,
    contacts_per_day: inHorizon / HORIZON_DAYS,
    peak_day: Math.max(0, ...perDay.values()),
    coverage: (r.recommendations.length - r.stats.overflow) / Math.max(1, loans),
    moved: r.stats.moved,
    overflow: r.stats.overflow,
    mean_risk_at_due: risk / n,
    mean_hangup_risk: hang / n,
    prenotified: r.stats.prenotified,
  };
}

/** Placed follow-ups per day over the horizon, one row per (scenario, day), for charts. */
export function perDay(scenario: string, asOf: string, r: F.recommend.PlanResult): Row[] {
  const start = Date.parse(`${asOf}T00:00:00Z`);
  const m = new Map<string, number>();
  for (const x of r.recommendations) {
    const d = (Date.parse(`${x.due_on}T00:00:00Z`) - start) / 86_400_000;
    if (d >= 0 && d < HORIZON_DAYS && !overflowed(x)) m.set(x.due_on, (m.get(x.due_on) ?? 0) + 1);
  }
  return [...m].sort(([a], [b]) => a.localeCompare(b)).map(([day, n]) => ({ scenario, day, contacts: n }));
}
