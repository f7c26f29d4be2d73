/**
 * Trains the hang-up network and its logistic baseline: one row per outbound phone attempt with features as of
 * just before it, split out of time by attempt period (month, or ISO week when the months are too few).
 *
 *   checkHangupData (attempts × outcome per UTC day, SQL only) ─► fallback | InsufficientDataError | period split
 *     ─► buildHangupRows ─► network + baseline ─► evaluate on the test period ─► eval_predictions, score_population
 * The check runs before anything is fitted, so a warehouse that cannot support the model fails (or falls back)
 * in seconds, not after a long fit.
 */
import { DEFAULT_SEED } from '../core/defaults.ts';
import { InsufficientDataError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import { monthStart } from '../core/months.ts';
import { type BinaryEvaluation, evaluateBinary } from '../evaluate/index.ts';
import { buildHangupRows, readHangupRows } from '../features/index.ts';
import { type PeriodSplit, periodStart, splitPeriods } from '../features/periods.ts';
import { buildAttemptSpine } from '../features/spine.ts';
import type { FeatureTable } from '../features/types.ts';
import type { FallbackCard } from '../models/index.ts';
import {
  type ChampionSelection,
  predictHangup,
  selectChampion,
  splitByAsOf,
  type TestCalibration,
  type TrainedModel,
  trainHangupModel,
} from '../models/index.ts';
import { writePopulation, writePredictions } from '../score/store.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { FitConfig } from './config.ts';
import { logSelection, rowsWhere, testCalibrations } from './delinquency.ts';

export interface HangupTrainConfig extends FitConfig {
  /** First attempt date (UTC, inclusive). Default: all. */
  from?: string;
  /** Attempt date bound (UTC, exclusive). Default: all. */
  to?: string;
}

export interface HangupTrained {
  network: TrainedModel;
  baseline: TrainedModel;
  /** Network or baseline, whichever won on the validation period (selection says why). */
  champion: TrainedModel;
  selection: ChampionSelection;
  table: FeatureTable;
  y: Uint8Array;
  split: PeriodSplit;
  evaluation: { network: BinaryEvaluation; baseline: BinaryEvaluation };
  /** Test-period calibration, Platt alone and with the prior-shift correction. */
  calibrationTest: { network?: TestCalibration; baseline?: TestCalibration };
}

/** What the data allows: a model on this split, or a fallback with its reason. */
export type HangupPlan =
  | { kind: 'train'; split: PeriodSplit; attempts: number; hangups: number }
  | { kind: 'fallback'; card: Omit<FallbackCard, 'createdAt'> };

export const HANGUP_FALLBACK_EFFECT =
  'recommend scores every call slot alike, so the planner keeps the policy default hours and channel';

/** Hang-up outcomes (constants, inlined into SQL). */
const HUNG_UP = "('hung_up', 'refused')";

/**
 * Checks the attempts before any fit: none → fallback; one outcome class, too few periods, or training periods
 * without both classes → InsufficientDataError naming what is missing.
 */
export async function checkHangupData(w: Warehouse, cfg: HangupTrainConfig): Promise<HangupPlan> {
  await buildAttemptSpine(w, {
    name: 'fx_hangup_check',
    ...(cfg.from ? { from: cfg.from } : {}),
    ...(cfg.to ? { to: cfg.to } : {}),
  });
  const days = await w.all<{ d: string; n: number; pos: number }>(
    `SELECT s.as_of::VARCHAR AS d, count(*)::INTEGER AS n,
       count(*) FILTER (WHERE c.outcome IN ${HUNG_UP})::INTEGER AS pos
     FROM temp.fx_hangup_check s JOIN contacts c USING (contact_id) GROUP BY ALL ORDER BY d`,
  );
  await w.run('DROP TABLE temp.fx_hangup_check');
  const attempts = days.reduce((s, r) => s + r.n, 0);
  const hangups = days.reduce((s, r) => s + r.pos, 0);
  if (attempts === 0) {
    const contacts = await w.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM contacts');
    return {
      kind: 'fallback',
      card: {
        name: 'hangup',
        fallback: 'policy-default-hours',
        reason: `0 outbound phone attempts among ${contacts?.n ?? 0} contacts${cfg.from || cfg.to ? ` between ${cfg.from ?? 'the start'} and ${cfg.to ?? 'the end'}` : ''}`,
        effect: HANGUP_FALLBACK_EFFECT,
      },
    };
  }
  if (hangups === 0 || hangups === attempts)
    throw new InsufficientDataError(
      `hangup: all ${attempts} outbound phone attempts have the same outcome (${hangups} hung up or refused); a model needs both`,
      {
        missing: hangups === 0 ? 'hang-ups (outcome hung_up or refused)' : 'attempts that were not hung up',
        hint: 'check the outcome mapping of contacts, or train without the hang-up model: `followup train --only delinquency`',
      },
    );
  const split = splitPeriods(
    days.map((r) => r.d),
    cfg.period ?? 'auto',
    'outbound phone attempts',
  );
  let n = 0;
  let pos = 0;
  for (const r of days) {
    if (periodStart(r.d, split.period) >= split.validFrom) continue;
    n += r.n;
    pos += r.pos;
  }
  if (pos === 0 || pos === n)
    throw new InsufficientDataError(
      `hangup: the training ${split.period}s ${split.train[0]} … ${split.train.at(-1)} hold ${n} attempts of one outcome (${pos} hung up or refused)`,
      {
        missing: pos === 0 ? 'hang-ups in the training periods' : 'answered attempts in the training periods',
        hint: 'load a longer history of outbound calls',
      },
    );
  return { kind: 'train', split, attempts, hangups };
}

/** Trains on the split `plan` chose (checked here when not given); a fallback plan is the caller's to handle. */
export async function trainHangup(
  w: Warehouse,
  cfg: HangupTrainConfig,
  log: Logger,
  plan?: HangupPlan,
): Promise<HangupTrained> {
  const p = plan ?? (await checkHangupData(w, cfg));
  if (p.kind !== 'train')
    throw new InsufficientDataError(`hangup: no model can be trained: ${p.card.reason}`, {
      missing: 'outbound phone attempts',
    });
  const split = p.split;
  if (split.fellBack)
    log.warn(
      `hangup: outbound phone attempts span fewer than 3 months; the out-of-time split is by ISO week (${split.train.length} train, ${split.valid.length} valid, ${split.test.length} test)`,
      { period: split.period },
    );
  log.info('hangup: building attempt rows', {
    from: cfg.from ?? null,
    to: cfg.to ?? null,
    period: split.period,
  });
  await buildHangupRows(w, { ...(cfg.from ? { from: cfg.from } : {}), ...(cfg.to ? { to: cfg.to } : {}) });
  const { table, y } = await readHangupRows(w);
  const asOf = table.keys.as_of!;
  const month = asOf.map(monthStart);
  // Period starts bound the masks; an attempt's date compares with them directly.
  const masks = splitByAsOf(asOf, split.validFrom, split.testFrom);
  const opts = {
    seed: cfg.seed ?? DEFAULT_SEED,
    log,
    ...(cfg.epochs ? { epochs: cfg.epochs } : {}),
    ...(cfg.priorShift ? { priorShift: true } : {}),
    ...(cfg.signal ? { signal: cfg.signal } : {}),
  };
  log.info('hangup: training network and baseline', {
    rows: table.n,
    features: table.manifest.features.length,
  });
  const network = await trainHangupModel(table, y, masks, {
    ...opts,
    members: cfg.members ?? 1,
    arch: 'mlp',
  });
  const baseline = await trainHangupModel(table, y, masks, { ...opts, arch: 'logistic' });
  const selection = selectChampion(network, baseline, cfg.championMargin);
  logSelection(log, 'hangup', selection);
  const champion = selection.champion === 'network' ? network : baseline;
  const pn = predictHangup(network, table);
  const pb = predictHangup(baseline, table);
  const evaluation = {
    network: evaluateBinary(y, pn, masks.test),
    baseline: evaluateBinary(y, pb, masks.test),
  };
  const targets = { y: Float32Array.from(y), m: new Float32Array(table.n).fill(1), k: 1 };
  const calibrationTest = testCalibrations({ network, baseline }, table, targets, masks.test, split);
  const testRows = rowsWhere(masks.test);
  for (const [variant, p] of [
    ['network', pn],
    ['baseline', pb],
  ] as const) {
    await writePredictions(w, {
      model: 'hangup',
      variant,
      horizon: 0,
      split: 'test',
      month,
      y,
      p,
      entity: table.keys.contact_id!,
      rows: testRows,
    });
  }
  // The training population monitor compares against is the champion's: the model that actually scores.
  const score = champion === network ? pn : pb;
  await writePopulation(w, 'hangup', 'train', { ...table.numeric, score }, rowsWhere(masks.train));
  return { network, baseline, champion, selection, table, y, split, evaluation, calibrationTest };
}
