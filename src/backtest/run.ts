/**
 * `runBacktest`: the risk-based schedule against the fixed practice on a replayed world, at the same number of
 * follow-ups.
 *
 *   months [from, to] ─► prepareMonths (score + planner view per month start, once)
 *   fixed practice ─► its calls in the period (in scope) = the contact budget N
 *   risk budget scale s: replay(policy with every risk_budget × s) ─► calls(s), decreasing in s
 *     bracket, then bisect log s until calls(s) ≤ N with as many calls as possible
 *   both ─► scheduleMetrics ─► backtest_results.json { metrics: [...], detail }
 */
import { writeFile } from 'node:fs/promises';
import type { Logger } from '../core/log.ts';
import { defaultDataEnd } from '../features/index.ts';
import { addMonths, monthRange, monthStart } from '../ops/months.ts';
import { dayOf } from '../recommend/days.ts';
import { loadPolicy, type Policy } from '../recommend/index.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { type ScheduleMetrics, scheduleMetrics } from './metrics.ts';
import { inScope, loanOutcomes } from './outcomes.ts';
import { prepareMonths, replay } from './replay.ts';
import { fixedSchedule, type MadeContact } from './schedule.ts';

/** What to replay. */
export interface BacktestConfig {
  /** Model registry root (champions are used). */
  modelsDir: string;
  /** First and last month of the period (YYYY-MM-01). */
  from: string;
  to: string;
  /** Policy YAML; default the shipped policy. */
  policy?: string;
  /** Replays spent searching the budget scale. Default 10. */
  searches?: number;
  /** Where to write backtest_results.json; none when undefined. */
  out?: string;
}

/** One replay of the search: the scale tried and the calls it made. */
export interface SearchStep {
  scale: number;
  contacts: number;
}

/** The backtest's result. */
export interface BacktestResult {
  period: { from: string; to: string; months: number; data_end: string };
  models: { delinquency: string; hangup: string };
  /** Risk-budget multiplier chosen, and every replay of the search. */
  budget_scale: number;
  search: SearchStep[];
  /** False when even the loosest budget makes more calls than the fixed practice (lifecycle bounds bind). */
  matched: boolean;
  fixed: ScheduleMetrics;
  recommended: ScheduleMetrics;
  /** Coverage of the recommended schedule over that of the fixed practice. */
  coverage_ratio: number;
  /** The report's table (src/report/collect/backtest.ts). */
  metrics: { name: string; fixed: number; recommended: number; unit: string; lower_is_better: boolean }[];
  seconds: number;
}

/** The policy with every risk budget (defaults and segment overrides) multiplied by `s`. */
export function scalePolicy(policy: Policy, s: number): Policy {
  const p = structuredClone(policy);
  p.defaults.risk_budget = Math.min(0.99, p.defaults.risk_budget * s);
  for (const byGrade of Object.values(p.segments)) {
    for (const o of Object.values(byGrade ?? {}))
      if (o && typeof o.risk_budget === 'number') o.risk_budget = Math.min(0.99, o.risk_budget * s);
  }
  return p;
}

export async function runBacktest(w: Warehouse, cfg: BacktestConfig, log: Logger): Promise<BacktestResult> {
  const t0 = performance.now();
  const policy = loadPolicy(cfg.policy);
  const months = monthRange(monthStart(cfg.from), monthStart(cfg.to));
  const fromDay = dayOf(months[0]!);
  const toDay = dayOf(addMonths(months[months.length - 1]!, 1));
  const dataEnd = (await defaultDataEnd(w)) ?? cfg.to;
  const loans = await loanOutcomes(w, dataEnd);
  const byId = new Map(loans.map((o) => [o.loan_id, o]));
  const fixed: MadeContact[] = [];
  for (const o of loans)
    for (const c of fixedSchedule(o, policy, fromDay, toDay)) if (inScope(o, c.day)) fixed.push(c);
  log.info('backtest: fixed practice', { contacts: fixed.length });
  const prepared = await prepareMonths(w, cfg.modelsDir, months, log);
  const search: SearchStep[] = [];
  const runs = new Map<number, MadeContact[]>();
  const at = async (s: number) => {
    const r = await replay(prepared, byId, scalePolicy(policy, s));
    search.push({ scale: s, contacts: r.contacts.length });
    runs.set(s, r.contacts);
    log.info('backtest: replay', { scale: s, contacts: r.contacts.length, fixed: fixed.length });
    return r.contacts.length;
  };
  const N = fixed.length;
  const budget = cfg.searches ?? 10;
  // Bracket [lo, hi] with calls(lo) > N ≥ calls(hi), doubling or halving from 1.
  let lo = 0;
  let hi = 0;
  let s = 1;
  let n = await at(s);
  if (n <= N) {
    hi = s;
    while (n <= N && search.length < budget && s > 1 / 1024) {
      s /= 2;
      n = await at(s);
      if (n <= N) hi = s;
      else lo = s;
    }
  } else {
    lo = s;
    while (n > N && search.length < budget && s < 256) {
      s *= 4;
      n = await at(s);
      if (n > N) lo = s;
      else hi = s;
    }
  }
  while (lo > 0 && hi > 0 && search.length < budget) {
    const mid = Math.sqrt(lo * hi);
    if ((await at(mid)) <= N) hi = mid;
    else lo = mid;
  }
  const matched = hi > 0;
  const scale = matched ? hi : lo;
  const rec = runs.get(scale)!;
  const fm = scheduleMetrics(fixed, loans, policy, fromDay, toDay);
  const rm = scheduleMetrics(rec, loans, policy, fromDay, toDay);
  const result: BacktestResult = {
    period: { from: months[0]!, to: months[months.length - 1]!, months: months.length, data_end: dataEnd },
    models: prepared[0]!.models,
    budget_scale: scale,
    search,
    matched,
    fixed: fm,
    recommended: rm,
    coverage_ratio: fm.coverage > 0 ? rm.coverage / fm.coverage : Number.NaN,
    metrics: reportMetrics(fm, rm),
    seconds: (performance.now() - t0) / 1000,
  };
  if (cfg.out) await writeFile(cfg.out, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

function reportMetrics(f: ScheduleMetrics, r: ScheduleMetrics): BacktestResult['metrics'] {
  const row = (name: string, unit: string, lower: boolean, pick: (m: ScheduleMetrics) => number) => ({
    name,
    fixed: round(pick(f)),
    recommended: round(pick(r)),
    unit,
    lower_is_better: lower,
  });
  return [
    row('early_warning_coverage', '%', false, (m) => 100 * m.coverage),
    row('median_lead_days', 'days', false, (m) =>
      Number.isFinite(m.median_lead_days) ? m.median_lead_days : 0,
    ),
    row('contacts', 'calls', true, (m) => m.contacts),
    row('contacts_per_loan_year', 'calls', true, (m) => m.contacts_per_loan_year),
    row('expected_hangup_rate', '%', true, (m) => 100 * m.expected_hangup_rate),
    row('rule_violations', '', true, (m) => m.violations),
    row('capacity_overflow', 'calls', true, (m) => m.capacity_overflow),
  ];
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
