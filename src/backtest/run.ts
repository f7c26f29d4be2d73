/**
 * `runBacktest`: five follow-up policies replayed on the same generated world at the same number of contact
 * attempts, judged by the world's truth.
 *
 *   months [from, to] ─► prepareMonths (score + planner view per month start, once; contact history cut at
 *                        the period start) ─► oracleMonths (true hazards, true hang-up and pick-up)
 *   fixed    the seeds' 90-day cycle + the reactive collection rule, best single hour, SMS before every call
 *            ─► its attempts N set the volume
 *   tiered   grade tiers, same extras, intervals × f     ┐
 *   random   N placed at random each month (the floor)    │ each matched to N within 0.5 %
 *   risk     the shipped planner, risk budgets × s        │ (bisection on f or s; the gap is reported)
 *   oracle   the same planner on the truth, budgets × s  ┘
 *   ─► judge (true hang-up and answer per call, pre-delinquency reach per episode) ─► paired bootstrap over
 *      loans ─► backtest_results.json; the same again with collection calls off (ablation)
 */
import { writeFile } from 'node:fs/promises';
import { dayOf } from '../core/days.ts';
import type { Logger } from '../core/log.ts';
import { addMonths, monthRange, monthStart } from '../core/months.ts';
import { defaultDataEnd } from '../features/index.ts';
import { loadPolicy, type Policy } from '../recommend/index.ts';
import type { Warehouse } from '../warehouse/db.ts';
import {
  type CycleContext,
  cycleCalls,
  FIXED_CADENCE,
  lifecyclePerMonth,
  randomCalls,
  TIERED_CADENCE,
} from './cycles.ts';
import { bootstrap, episodeLoans, type Interval, judge, type LoanSums, totals } from './judge.ts';
import { coverage, loanYears, median, violations } from './metrics.ts';
import { inScope, loanOutcomes } from './outcomes.ts';
import { oracleMonths, prepareMonths, type ReplayMonth, replay } from './replay.ts';
import type { MadeContact } from './schedule.ts';
import { installments, loadWorldTruth, preHistory } from './world.ts';

/** What to replay. */
export interface BacktestConfig {
  /** Model registry root (champions are used). */
  modelsDir: string;
  /** The generated world's folder (its truth/ judges the policies and feeds the oracle). */
  world: string;
  /** First and last month of the period (YYYY-MM-01). */
  from: string;
  to: string;
  /** Policy YAML; default the shipped policy. */
  policy?: string;
  /** Most replays per matched policy. Default 14. */
  searches?: number;
  /** Bootstrap replicates. Default 400. */
  replicates?: number;
  /** Also run the ablation with collection calls off. Default true. */
  ablation?: boolean;
  /** Where to write backtest_results.json; none when undefined. */
  out?: string;
}

export const POLICIES = ['fixed', 'tiered', 'random', 'risk', 'oracle'] as const;
export type PolicyName = (typeof POLICIES)[number];

/** One policy's yardsticks. */
export interface PolicyMetrics {
  /** Contact attempts in scope (calls and written follow-ups; a call joined by a second loan counts once). */
  attempts: number;
  attempts_per_loan_year: number;
  /** attempts / the fixed practice's − 1 (the volume match's gap). */
  volume_gap: number;
  /** Within 0.5 % of the fixed practice's attempts. */
  matched: boolean;
  /** Multiplier the volume match applied (risk budgets for risk/oracle, intervals for tiered; 1 = as shipped). */
  scale: number;
  /** Replays spent matching the volume. */
  replays: number;
  /** Pre-delinquency reach over the episodes, with its 95 % bootstrap interval. */
  reach: Interval;
  /** True hang-up and answered rate per phone attempt. */
  hangup_rate: Interval;
  answered_rate: number;
  /** Any follow-up in the 30 days before the 30+ DPD onset (the older yardstick), lifecycle follow-ups only. */
  coverage: number;
  coverage_lifecycle_only: number;
  /** Median days from the earliest follow-up in the reach window to the first missed due date. */
  median_lead_days: number;
  prenotified: number;
  violations: number;
  violations_by_rule: Record<string, number>;
  /** Calls above the policy's daily capacity (0 when it is unlimited, as in the shipped policy). */
  capacity_overflow: number;
  by_purpose: Record<string, number>;
}

/** One comparison (all policies at one volume). */
export interface Comparison {
  /** The fixed practice's attempts: the volume every policy is matched to. */
  volume: number;
  episodes: number;
  policies: Record<PolicyName, PolicyMetrics>;
  /** risk / fixed reach and hang-up rate, risk − tiered reach, and the share of the oracle's gain captured. */
  reach_ratio: Interval;
  hangup_ratio: Interval;
  reach_vs_tiered: Interval;
  oracle_gain_share: Interval;
  /**
   * Ablation: the risk-based plan's own calls (same loans and days) at the simple practices' best single hour
   * with an SMS before each — personal hour and notice channel undone. Its reach and hang-up rate beside the
   * plan's say what the dates alone give and what the timing adds (a static counterfactual: the later months'
   * plans are the ones the real outcomes fed).
   */
  timing_off: { reach: Interval; hangup_rate: Interval; hangup_ratio: Interval };
}

/** The backtest's result. */
export interface BacktestResult {
  period: { from: string; to: string; months: number; data_end: string };
  models: { delinquency: string; hangup: string };
  /** The simple practices' call hour (local), chosen on the calls before the period by answered rate. */
  practice_hour: { hour: number; answered_rate: number; attempts: number };
  /** The shipped policy without the volume match: its own attempts and reach. */
  shipped: { attempts: number; reach: number; hangup_rate: number };
  main: Comparison;
  /** The same with every collection call removed (and volumes matched again). */
  no_collection: Comparison | null;
  /** The report's table (src/report/collect/backtest.ts): fixed vs risk, plus the other policies. */
  metrics: {
    name: string;
    fixed: number;
    recommended: number;
    tiered: number;
    random: number;
    oracle: number;
    unit: string;
    lower_is_better: boolean;
  }[];
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

/** Attempts a list of contacts counts (a call joined by another loan of the borrower is one attempt). */
export function attemptsOf(calls: readonly MadeContact[]): number {
  let n = 0;
  for (const c of calls) if (!c.joined) n++;
  return n;
}

/**
 * Matches a policy's volume to `target`: `run(x)` makes fewer attempts as x grows. Brackets x from 1 by
 * doubling/halving, then bisects on log x; returns the run closest to the target (the first within `tol`).
 */
export async function matchVolume(
  run: (x: number) => Promise<MadeContact[]>,
  target: number,
  maxRuns: number,
  tol = 0.005,
): Promise<{ x: number; calls: MadeContact[]; runs: number; first: MadeContact[] }> {
  let best = { x: 1, calls: [] as MadeContact[], gap: Number.POSITIVE_INFINITY };
  let runs = 0;
  let first: MadeContact[] = [];
  const at = async (x: number) => {
    const calls = await run(x);
    if (runs === 0) first = calls;
    runs++;
    const n = attemptsOf(calls);
    const gap = Math.abs(n / Math.max(1, target) - 1);
    if (gap < best.gap) best = { x, calls, gap };
    return n;
  };
  let lo = 0; // too many attempts at lo
  let hi = 0; // too few at hi
  let x = 1;
  let n = await at(x);
  while (best.gap > tol && runs < maxRuns && (lo === 0 || hi === 0)) {
    if (n > target) {
      lo = x;
      if (hi > 0) break;
      x *= 2;
    } else {
      hi = x;
      if (lo > 0) break;
      x /= 2;
    }
    if (x > 1024 || x < 1 / 1024) break;
    n = await at(x);
  }
  if (n > target) lo = x;
  else hi = x;
  while (best.gap > tol && runs < maxRuns && lo > 0 && hi > 0) {
    const mid = Math.sqrt(lo * hi);
    if ((await at(mid)) > target) lo = mid;
    else hi = mid;
  }
  return { x: best.x, calls: best.calls, runs, first };
}

/** The call hour (08–20 local) with the best answered rate among outbound calls before `from`. */
async function practiceHour(w: Warehouse, from: string): Promise<BacktestResult['practice_hour']> {
  const r = await w.one<{ hour: number; rate: number; n: bigint }>(
    `SELECT hour(timezone(l.time_zone, c.started_at)) AS hour,
       avg((c.outcome IN ('answered', 'promise_to_pay'))::INT) AS rate, count(*) AS n
     FROM contacts c JOIN loans l USING (loan_id)
     WHERE c.channel = 'phone' AND c.direction = 'outbound' AND c.started_at < $1::DATE
       AND hour(timezone(l.time_zone, c.started_at)) BETWEEN 8 AND 20
     GROUP BY 1 HAVING count(*) >= 30 ORDER BY rate DESC, hour LIMIT 1`,
    [from],
  );
  return r
    ? { hour: Number(r.hour), answered_rate: r.rate, attempts: Number(r.n) }
    : { hour: 10, answered_rate: Number.NaN, attempts: 0 };
}

export async function runBacktest(w: Warehouse, cfg: BacktestConfig, log: Logger): Promise<BacktestResult> {
  const t0 = performance.now();
  const policy = loadPolicy(cfg.policy);
  // Capacity `auto` is a first run's safety net, derived from each plan; the backtest's volume match is its
  // capacity control and the simple practices have no plan to derive it from, so every policy runs without it.
  const cap = policy.capacity.daily === 'auto' ? null : policy.capacity.daily;
  if (policy.capacity.daily === 'auto')
    log.info(
      'backtest: capacity auto → unlimited for every policy (set a number in the policy to apply one)',
    );
  policy.capacity.daily = cap;
  const months = monthRange(monthStart(cfg.from), monthStart(cfg.to));
  const fromDay = dayOf(months[0]!);
  const toDay = dayOf(addMonths(months[months.length - 1]!, 1));
  const dataEnd = (await defaultDataEnd(w)) ?? cfg.to;
  const loans = await loanOutcomes(w, dataEnd);
  const byId = new Map(loans.map((o) => [o.loan_id, o]));
  const truth = await loadWorldTruth(w, cfg.world);
  const pre = await preHistory(w, months[0]!);
  const hour = await practiceHour(w, months[0]!);
  log.info('backtest: practice hour', hour);
  const prepared = await prepareMonths(w, cfg.modelsDir, months, log, policy.contact.lookback_days);
  const oracle = oracleMonths(prepared, truth, byId, pre);
  const episodes = episodeLoans(loans, fromDay, toDay);
  const inst = await installments(
    w,
    episodes.map((o) => o.loan_id),
  );
  const inScopeOnly = (calls: MadeContact[]) =>
    calls.filter((c) => {
      const o = byId.get(c.loan_id);
      return o !== undefined && inScope(o, c.day);
    });
  const maxRuns = cfg.searches ?? 14;
  const ctx: CycleContext = {
    policy,
    months: prepared,
    loans,
    hour: hour.hour,
    leadDays: policy.planning.min_lead_days,
  };
  // Replays are the expensive part: keep every run by scale, for the ablation's second match.
  const memo = (f: (x: number) => Promise<MadeContact[]>) => {
    const cache = new Map<number, MadeContact[]>();
    return async (x: number) => {
      let c = cache.get(x);
      if (!c) {
        c = await f(x);
        cache.set(x, c);
      }
      return c;
    };
  };
  const planned = (m: readonly ReplayMonth[], name: string) =>
    memo(async (s: number) => {
      const r = await replay(m, byId, scalePolicy(policy, s), { truth, pre });
      const calls = inScopeOnly(r.contacts);
      log.info('backtest: replay', { policy: name, scale: s, attempts: attemptsOf(calls) });
      return calls;
    });
  const runs = {
    tiered: memo(async (f: number) => inScopeOnly(cycleCalls(ctx, TIERED_CADENCE, f))),
    risk: planned(prepared, 'risk'),
    oracle: planned(oracle, 'oracle'),
  };
  const fixedAll = inScopeOnly(cycleCalls(ctx, FIXED_CADENCE, 1));
  const shippedCalls = await runs.risk(1);

  const compare = async (keep: (c: MadeContact) => boolean, label: string): Promise<Comparison> => {
    const only = (f: (x: number) => Promise<MadeContact[]>) => async (x: number) => (await f(x)).filter(keep);
    const fixed = fixedAll.filter(keep);
    const N = attemptsOf(fixed);
    log.info('backtest: volume', { comparison: label, fixed_attempts: N });
    const tiered = await matchVolume(only(runs.tiered), N, 24);
    const risk = await matchVolume(only(runs.risk), N, maxRuns);
    const orc = await matchVolume(only(runs.oracle), N, maxRuns);
    // The floor: as many lifecycle calls per month as the fixed practice, on random current loans; drawn with
    // a margin, then cut per month to the fixed practice's count after the scope filter.
    const perMonth = lifecyclePerMonth(prepared, fixed);
    const drawn = inScopeOnly(
      randomCalls(
        ctx,
        perMonth.map((n) => Math.ceil(n * 1.05) + 2),
        20_240_601,
      ),
    ).filter(keep);
    const left = [...perMonth];
    const random = drawn.filter((c) => {
      if (c.purpose === 'collection') return true;
      const k = prepared.findIndex((m) => c.day >= dayOf(m.asOf) && c.day < m.endDay);
      return k >= 0 && left[k]!-- > 0;
    });
    const calls: Record<PolicyName, MadeContact[]> = {
      fixed,
      tiered: tiered.calls,
      random,
      risk: risk.calls,
      oracle: orc.calls,
    };
    const scaleOf: Record<PolicyName, [number, number]> = {
      fixed: [1, 0],
      tiered: [tiered.x, tiered.runs],
      random: [1, 0],
      risk: [risk.x, risk.runs],
      oracle: [orc.x, orc.runs],
    };
    const sums = {} as Record<PolicyName, LoanSums>;
    for (const p of POLICIES) sums[p] = judge(calls[p], loans, truth, pre, inst, fromDay, toDay);
    const timingOff = calls.risk.map(
      (c): MadeContact => ({
        ...c,
        hour: hour.hour,
        hour_end: hour.hour + 1,
        prenotified: true,
        notice_channel: 'sms',
      }),
    );
    const offSums = judge(timingOff, loans, truth, pre, inst, fromDay, toDay);
    const ci = bootstrap(
      { ...sums, timing_off: offSums },
      (t) => {
        const out: Record<string, number> = {};
        for (const p of POLICIES) {
          out[`${p}.reach`] = t[p]!.reach;
          out[`${p}.hang`] = t[p]!.hangup_rate;
        }
        out.reach_ratio = t.risk!.reach / t.fixed!.reach;
        out.hangup_ratio = t.risk!.hangup_rate / t.fixed!.hangup_rate;
        out.reach_vs_tiered = t.risk!.reach - t.tiered!.reach;
        out.oracle_gain_share = (t.risk!.reach - t.fixed!.reach) / (t.oracle!.reach - t.fixed!.reach);
        out['timing_off.reach'] = t.timing_off!.reach;
        out['timing_off.hang'] = t.timing_off!.hangup_rate;
        out['timing_off.hangup_ratio'] = t.timing_off!.hangup_rate / t.fixed!.hangup_rate;
        return out;
      },
      cfg.replicates ?? 400,
      7,
    );
    const years = loanYears(loans, fromDay, toDay);
    const policies = {} as Record<PolicyName, PolicyMetrics>;
    for (const p of POLICIES) {
      const c = calls[p];
      const tt = totals(sums[p]);
      const cov = coverage(c, loans, fromDay, toDay);
      const life = coverage(
        c.filter((x) => x.purpose !== 'collection'),
        loans,
        fromDay,
        toDay,
      );
      const sorted = [...c].sort(
        (a, b) => a.start_utc.localeCompare(b.start_utc) || a.loan_id.localeCompare(b.loan_id),
      );
      const v = violations(sorted, policy);
      const byPurpose: Record<string, number> = {};
      for (const x of c) if (!x.joined) byPurpose[x.purpose] = (byPurpose[x.purpose] ?? 0) + 1;
      const leads: number[] = [];
      for (const o of episodes) {
        const missed = o.onset - 30;
        let first = Number.POSITIVE_INFINITY;
        for (const x of c)
          if (x.loan_id === o.loan_id && x.day >= missed - 30 && x.day < missed && x.day < first)
            first = x.day;
        if (Number.isFinite(first)) leads.push(missed - first);
      }
      const attempts = attemptsOf(c);
      policies[p] = {
        attempts,
        attempts_per_loan_year: years > 0 ? attempts / years : 0,
        volume_gap: N > 0 ? attempts / N - 1 : 0,
        matched: N > 0 && Math.abs(attempts / N - 1) <= 0.005,
        scale: scaleOf[p][0],
        replays: scaleOf[p][1],
        reach: ci[`${p}.reach`]!,
        hangup_rate: ci[`${p}.hang`]!,
        answered_rate: tt.answered_rate,
        coverage: cov.onsets ? cov.covered / cov.onsets : 0,
        coverage_lifecycle_only: life.onsets ? life.covered / life.onsets : 0,
        median_lead_days: median(leads),
        prenotified: c.filter((x) => x.prenotified && !x.joined).length,
        violations: Object.values(v).reduce((a, b) => a + b, 0),
        violations_by_rule: v,
        capacity_overflow: overCapacity(c, cap),
        by_purpose: byPurpose,
      };
    }
    return {
      volume: N,
      episodes: episodes.length,
      policies,
      reach_ratio: ci.reach_ratio!,
      hangup_ratio: ci.hangup_ratio!,
      reach_vs_tiered: ci.reach_vs_tiered!,
      oracle_gain_share: ci.oracle_gain_share!,
      timing_off: {
        reach: ci['timing_off.reach']!,
        hangup_rate: ci['timing_off.hang']!,
        hangup_ratio: ci['timing_off.hangup_ratio']!,
      },
    };
  };

  const main = await compare(() => true, 'main');
  const noCollection =
    cfg.ablation === false ? null : await compare((c) => c.purpose !== 'collection', 'no collection');
  const shippedSums = judge(shippedCalls, loans, truth, pre, inst, fromDay, toDay);
  const st = totals(shippedSums);
  const result: BacktestResult = {
    period: { from: months[0]!, to: months[months.length - 1]!, months: months.length, data_end: dataEnd },
    models: prepared[0]!.models,
    practice_hour: hour,
    shipped: { attempts: attemptsOf(shippedCalls), reach: st.reach, hangup_rate: st.hangup_rate },
    main,
    no_collection: noCollection,
    metrics: reportMetrics(main),
    seconds: (performance.now() - t0) / 1000,
  };
  if (cfg.out) await writeFile(cfg.out, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** Calls (joined ones are part of their leader's) above the policy's daily capacity, summed over local days. */
function overCapacity(calls: readonly MadeContact[], daily: number | null): number {
  if (daily === null) return 0;
  const perDay = new Map<number, number>();
  for (const c of calls) if (!c.joined) perDay.set(c.day, (perDay.get(c.day) ?? 0) + 1);
  let over = 0;
  for (const n of perDay.values()) over += Math.max(0, n - daily);
  return over;
}

function reportMetrics(c: Comparison): BacktestResult['metrics'] {
  const row = (name: string, unit: string, lower: boolean, pick: (m: PolicyMetrics) => number) => {
    const v = (p: PolicyName) => {
      const x = pick(c.policies[p]);
      return Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : 0;
    };
    return {
      name,
      fixed: v('fixed'),
      recommended: v('risk'),
      tiered: v('tiered'),
      random: v('random'),
      oracle: v('oracle'),
      unit,
      lower_is_better: lower,
    };
  };
  return [
    row('pre_delinquency_reach', '%', false, (m) => 100 * m.reach.value),
    row('early_warning_coverage', '%', false, (m) => 100 * m.coverage),
    row('median_lead_days', 'days', false, (m) => m.median_lead_days),
    row('attempts', 'calls', true, (m) => m.attempts),
    row('attempts_per_loan_year', 'calls', true, (m) => m.attempts_per_loan_year),
    row('true_hangup_rate', '%', true, (m) => 100 * m.hangup_rate.value),
    row('answered_rate', '%', false, (m) => 100 * m.answered_rate),
    row('rule_violations', '', true, (m) => m.violations),
  ];
}
