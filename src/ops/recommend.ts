/**
 * `followup recommend`: the next follow-up of every active loan.
 *
 *   score (champion delinquency: h1…hH, reasons) ─► planner loans (loans + dpd + market + follow-up history +
 *   recent contacts) ─► planFollowUps(policy, hang-up champion over every allowed slot) ─► recommendations
 *
 * The run id is a hash of (as-of, models, policy, loans), so re-running the same inputs replaces the same run.
 */
import { join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import { BadInputError } from '../core/errors.ts';
import { sha256 } from '../core/hash.ts';
import type { Logger } from '../core/log.ts';
import { stopwatch } from '../core/stopwatch.ts';
import { hangupManifest } from '../features/index.ts';
import { championVersion, loadModel } from '../models/index.ts';
import { type CapacityOverflow, loadPolicy, type PlanStats, planFollowUps } from '../recommend/index.ts';
import { ensureRecommendationTables } from '../recommend/table.ts';
import { parseShard, shareCapacity } from '../shard/index.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { plannerLoans } from './planner-loans.ts';
import { byPurpose, PurposeColumns, type PurposeRow } from './rec-segments.ts';
import { scoreLoans } from './score.ts';
import { slotScorer } from './slot-table.ts';
import { commitRecommendations, stageRecommendations } from './write-recommendations.ts';

export interface RecommendConfig {
  modelsDir: string;
  asOf: string;
  /** Policy YAML; default the shipped policy. */
  policy?: string;
  /** Only these loans (a shard). */
  loanIds?: readonly string[];
  /** Shard `K/N` stored on the run (e.g. `2/8`); the policy's capacities become this shard's share. Default none. */
  shard?: string;
}

export interface RecommendSummary {
  run_id: string;
  as_of: string;
  policy_version: string;
  models: { delinquency: string; hangup: string };
  stats: PlanStats;
  /** Follow-ups by purpose with mean risk at due, mean hang-up risk, notice share and cadence. */
  by_purpose: PurposeRow[];
  overflow: CapacityOverflow[];
  seconds: number;
}

export async function runRecommend(
  w: Warehouse,
  cfg: RecommendConfig,
  log: Logger,
  clock: Clock,
): Promise<RecommendSummary> {
  const t0 = performance.now();
  const policy = loadPolicy(cfg.policy);
  if (cfg.shard) {
    // Capacity is global: a shard plans against its share, so the shards together never exceed it.
    const s = parseShard(cfg.shard);
    policy.capacity = {
      daily: shareCapacity(policy.capacity.daily, s),
      hourly: shareCapacity(policy.capacity.hourly, s),
    };
  }
  const hangVersion = await championVersion(cfg.modelsDir, 'hangup');
  if (!hangVersion)
    throw new BadInputError(`no champion hang-up model in ${cfg.modelsDir}`, {
      hint: 'run `followup train` first',
    });
  const hangModel = await loadModel(join(cfg.modelsDir, 'hangup', hangVersion), hangupManifest());
  const scored = await scoreLoans(
    w,
    { modelsDir: cfg.modelsDir, asOf: cfg.asOf, ...(cfg.loanIds ? { loanIds: cfg.loanIds } : {}) },
    log,
  );
  // Each phase logs its seconds, so a slow run says where its time went.
  const watch = stopwatch();
  const lap = (msg: string, fields: Record<string, unknown> = {}) =>
    log.info(msg, { ...fields, seconds: Math.round(watch() * 1000) / 1000 });
  lap('recommend: scored', { loans: scored.state.n });
  const { loans, stateRow, contactPriors } = await plannerLoans(w, cfg.asOf, scored, {
    lookbackDays: policy.contact.lookback_days,
  });
  lap('recommend: planner view built', { loans: loans.length });
  const runId = `rec-${cfg.asOf}-${sha256(
    JSON.stringify([
      cfg.asOf,
      scored.version,
      hangVersion,
      policy.policy_version,
      cfg.shard ?? '',
      loans.length,
      scored.state.keys.loan_id,
    ]),
  ).slice(0, 10)}`;
  // Follow-ups go to the warehouse as they are emitted; only the by-purpose columns stay in memory.
  await ensureRecommendationTables(w);
  const sink = await stageRecommendations(w);
  const segments = new PurposeColumns();
  const loanIndex = new Map<string, number>();
  loans.forEach((l, i) => {
    loanIndex.set(l.loan_id, i);
  });
  const hang = slotScorer(hangModel, scored.state, stateRow);
  lap('recommend: hang-up scorer ready', { factored: hang.factored });
  let result: Awaited<ReturnType<typeof planFollowUps>>;
  try {
    result = await planFollowUps({
      asOf: cfg.asOf,
      runId,
      loans,
      policy,
      modelVersions: { delinquency: scored.version, hangup: hangVersion },
      hangup: hang.score,
      contactPriors,
      onRecommendation: (r) => {
        const i = loanIndex.get(r.loan_id);
        const why = i === undefined ? [] : (scored.reasons[stateRow[i]!] ?? []);
        // The model's own drivers make the risk figure explainable to the agent who calls.
        if (why.length) {
          r.reason_codes.push('RISK_DRIVERS');
          r.reasons.push(`main risk drivers: ${why.join('; ')}`);
        }
        sink.add(r);
        segments.add(r);
      },
    });
  } finally {
    hang.dispose();
    sink.close();
  }
  lap('recommend: planned', { recommendations: sink.count, stats: result.stats });
  await commitRecommendations(
    w,
    runId,
    cfg,
    policy.policy_version,
    scored.version,
    hangVersion,
    sink.count,
    clock,
  );
  lap('recommendations written', { run_id: runId, n: sink.count });
  return {
    run_id: runId,
    as_of: cfg.asOf,
    policy_version: policy.policy_version,
    models: { delinquency: scored.version, hangup: hangVersion },
    stats: result.stats,
    by_purpose: byPurpose(segments),
    overflow: result.overflow,
    seconds: (performance.now() - t0) / 1000,
  };
}
