/**
 * Trains the delinquency hazard network and its logistic baseline from the warehouse:
 *
 *   checkDelinquencyData (SQL counts) ─► fallback (no repayments, no known outcome) | InsufficientDataError
 *     ─► as-of grid (month starts, or ISO weeks when < 3 months, whose 6-month outcome is known) ─► buildSnapshots
 *     ─► FeatureTable + labels ─► 0 training onsets? fallback ─► out-of-time split by period (train < valid < test)
 *     ─► network + baseline (same code, same split) ─► evaluate both on the test period
 *     ─► eval_predictions, score_population ─► registry
 */
import { DEFAULT_SEED } from '../core/defaults.ts';
import { BadInputError, InsufficientDataError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import { addDays, addMonths, monthRange, monthStart } from '../core/months.ts';
import { evaluateHazard } from '../evaluate/index.ts';
import { buildSnapshots, defaultDataEnd, readHazardLabels, readSnapshotFeatures } from '../features/index.ts';
import { MIN_PERIODS, type PeriodSplit, periodStart, splitPeriods } from '../features/periods.ts';
import type { FeatureTable } from '../features/types.ts';
import type { FallbackCard } from '../models/index.ts';
import {
  type ChampionSelection,
  calibrationOnTest,
  hazardTargets,
  predictHazard,
  selectChampion,
  splitByAsOf,
  type Targets,
  type TestCalibration,
  type TrainedModel,
  type TrainOptions,
  trainHazardModel,
} from '../models/index.ts';
import { writePopulation, writePredictions } from '../score/store.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { FitConfig } from './config.ts';

/** Below this many onsets in the training rows the hazard network is an ensemble of three (see defaultMembers). */
export const SMALL_DATA_ONSETS = 2000;

/**
 * A few hundred onsets are few for a network: three members averaged cut the variance of its hazards (measured
 * in the closing note of issue 3). With thousands of onsets one member is as good and three times faster.
 */
export function defaultMembers(event: Int32Array, train: Uint8Array): number {
  let onsets = 0;
  for (let i = 0; i < train.length; i++) if (train[i] && event[i]! > 0) onsets++;
  return onsets < SMALL_DATA_ONSETS ? 3 : 1;
}

export interface DelinquencyTrainConfig extends FitConfig {
  /** Label horizon in months. Default 6. */
  horizon?: number;
  /** Last date whose events are known. Default: the latest payment or contact in the warehouse. */
  dataEnd?: string;
  /** First as-of month. Default: 2 months after the first disbursement, not before the first installment's month. */
  from?: string;
  /** Last as-of month. Default: dataEnd's month minus the horizon, so every test label has matured. */
  to?: string;
  /** Ensemble members of the network. Default 3 below SMALL_DATA_ONSETS training onsets, else 1. */
  members?: number;
  /** Further network options (architecture, regularization) over the defaults; benchmarks compare variants. */
  network?: Omit<TrainOptions, 'log' | 'seed'>;
}

export interface DelinquencyTrained {
  network: TrainedModel;
  baseline: TrainedModel;
  /** Network or baseline, whichever won on the validation period (selection says why). */
  champion: TrainedModel;
  selection: ChampionSelection;
  table: FeatureTable;
  split: PeriodSplit;
  dataEnd: string;
  /** Test-period evaluation of both, per horizon month. */
  evaluation: { network: ReturnType<typeof evaluateHazard>; baseline: ReturnType<typeof evaluateHazard> };
  /** Test-period calibration of each monthly hazard, Platt alone and with the prior-shift correction. */
  calibrationTest: { network?: TestCalibration; baseline?: TestCalibration };
  labels: { event: Int32Array; observed: Int32Array; delinquent: Uint8Array };
}

/** What the data allows: snapshots on this as-of grid, or a fallback with its reason. */
export type DelinquencyPlan =
  | { kind: 'train'; asOf: string[]; split: PeriodSplit; dataEnd: string; horizon: number }
  | { kind: 'fallback'; card: Omit<FallbackCard, 'createdAt'> };

export const DELINQUENCY_FALLBACK_EFFECT =
  'score gives every loan zero hazards, so recommend places follow-ups by the lifecycle bounds of each grade';

type Fallback = Extract<DelinquencyPlan, { kind: 'fallback' }>;

const fallback = (reason: string): Fallback => ({
  kind: 'fallback',
  card: { name: 'delinquency', fallback: 'lifecycle-bounds', reason, effect: DELINQUENCY_FALLBACK_EFFECT },
});

/**
 * Checks the warehouse before any fit (SQL counts only): no loans → InsufficientDataError; no repayments, or no
 * as-of date whose outcome is known yet → fallback; else the as-of grid (months, or ISO weeks when fewer than 3
 * months) and its out-of-time split, or InsufficientDataError when even weeks are too few.
 */
export async function checkDelinquencyData(
  w: Warehouse,
  cfg: DelinquencyTrainConfig,
): Promise<DelinquencyPlan> {
  const horizon = cfg.horizon ?? 6;
  const facts = await w.one<{
    loans: number;
    repayments: number;
    first: string | null;
    firstDue: string | null;
  }>(
    `SELECT (SELECT count(*) FROM loans)::INTEGER AS loans, (SELECT count(*) FROM repayments)::INTEGER AS repayments,
       (SELECT min(disbursed_on) FROM loans)::VARCHAR AS first, (SELECT min(due_on) FROM repayments)::VARCHAR AS "firstDue"`,
  );
  if (!facts?.loans || !facts.first)
    throw new InsufficientDataError(`warehouse ${w.path}: expected loans to train on; found none`, {
      missing: 'loans',
      hint: 'load data first with `followup ingest --warehouse W …`',
    });
  if (!facts.repayments)
    return fallback('0 repayments in the warehouse; delinquency onsets are read from installments');
  const dataEnd = cfg.dataEnd ?? (await defaultDataEnd(w));
  if (!dataEnd)
    throw new BadInputError(`warehouse ${w.path}: expected repayments or contacts to train on; found none`, {
      hint: 'load data first with `followup ingest --warehouse W …`',
    });
  // The grid starts once loans have aged 2 months and the installment history has begun (a short export of
  // recent installments on old loans must not make years of as-of dates without any history).
  const from =
    cfg.from ?? maxDate(addMonths(monthStart(facts.first), 2), monthStart(facts.firstDue ?? facts.first));
  // The last as-of date whose H-month outcome is fully known by dataEnd.
  const lastMonth = cfg.to ?? addMonths(monthStart(dataEnd), -horizon);
  const lastDay = cfg.to ?? minusMonths(dataEnd, horizon);
  const months = lastMonth >= from ? monthRange(from, lastMonth) : [];
  const weeks = weekRange(from, lastDay);
  if (months.length === 0 && weeks.length === 0)
    return fallback(
      `no as-of date has a known ${horizon}-month outcome yet: installments from ${facts.firstDue} and events to ${dataEnd}, so the first as-of date ${from} would need data to ${addMonths(from, horizon)}`,
    );
  const choice = cfg.period ?? 'auto';
  const period = choice === 'auto' ? (months.length >= MIN_PERIODS ? 'month' : 'week') : choice;
  const asOf = period === 'month' ? months : weeks;
  const split = splitPeriods(
    asOf,
    period,
    `delinquency as-of dates (${from} … ${lastDay}, ${horizon}-month outcomes)`,
  );
  return {
    kind: 'train',
    asOf,
    split: { ...split, fellBack: period !== 'month' && choice === 'auto' },
    dataEnd,
    horizon,
  };
}

export async function trainDelinquency(
  w: Warehouse,
  cfg: DelinquencyTrainConfig,
  log: Logger,
  plan?: DelinquencyPlan,
): Promise<DelinquencyTrained | Fallback> {
  const p = plan ?? (await checkDelinquencyData(w, cfg));
  if (p.kind === 'fallback') return p;
  const { horizon, dataEnd, split } = p;
  const months = p.asOf;
  if (split.fellBack)
    log.warn(
      `delinquency: fewer than 3 as-of months have a known ${horizon}-month outcome; the out-of-time split is by ISO week (${split.train.length} train, ${split.valid.length} valid, ${split.test.length} test)`,
      { period: split.period },
    );
  log.info('delinquency: building snapshots', {
    from: months[0],
    to: months.at(-1),
    periods: months.length,
    period: split.period,
    dataEnd,
  });
  await buildSnapshots(w, { asOf: months, horizon, dataEnd });
  const table = await readSnapshotFeatures(w);
  const labels = await readHazardLabels(w);
  const masks = splitByAsOf(table.keys.as_of!, split.validFrom, split.testFrom);
  // Loans already 30+ DPD are in collection: they are not in the population at risk of a first onset.
  for (const m of [masks.train, masks.valid, masks.test]) {
    for (let i = 0; i < m.length; i++) if (labels.delinquent[i]) m[i] = 0;
  }
  const atRisk = rowsWhere(masks.train).length;
  let onsets = 0;
  for (let i = 0; i < masks.train.length; i++) if (masks.train[i] && labels.event[i]! > 0) onsets++;
  if (atRisk === 0)
    throw new InsufficientDataError(
      `delinquency: the training ${split.period}s ${split.train[0]} … ${split.train.at(-1)} hold no loan at risk of a first 30+ DPD onset`,
      {
        missing: 'active loans not yet 30+ DPD in the training periods',
        hint: 'load a longer history of loans',
      },
    );
  if (onsets === 0)
    return fallback(
      `0 first 30+ DPD onsets among ${atRisk} training rows (${split.train[0]} … ${split.train.at(-1)})`,
    );
  const opts = {
    seed: cfg.seed ?? DEFAULT_SEED,
    log,
    ...(cfg.epochs ? { epochs: cfg.epochs } : {}),
    ...(cfg.priorShift ? { priorShift: true } : {}),
    ...(cfg.signal ? { signal: cfg.signal } : {}),
  };
  log.info('delinquency: training network and baseline', {
    rows: table.n,
    features: table.manifest.features.length,
    onsets,
  });
  const network = await trainHazardModel(table, labels, masks, {
    ...opts,
    members: cfg.members ?? defaultMembers(labels.event, masks.train),
    arch: 'mlp',
    ...cfg.network,
  });
  const baseline = await trainHazardModel(table, labels, masks, { ...opts, arch: 'logistic' });
  const selection = selectChampion(network, baseline, cfg.championMargin);
  logSelection(log, 'delinquency', selection);
  const champion = selection.champion === 'network' ? network : baseline;
  const pn = predictHazard(network, table);
  const pb = predictHazard(baseline, table);
  const evaluation = {
    network: evaluateHazard(labels, pn.cumulative, masks.test),
    baseline: evaluateHazard(labels, pb.cumulative, masks.test),
  };
  const calibrationTest = testCalibrations(
    { network, baseline },
    table,
    hazardTargets(labels),
    masks.test,
    split,
  );

  // The report's inputs: test-period predictions per horizon for both variants, and the training population.
  const month = table.keys.as_of!.map(monthStart);
  const testRows = rowsWhere(masks.test);
  for (const [variant, pred] of [
    ['network', pn],
    ['baseline', pb],
  ] as const) {
    for (let t = 1; t <= horizon; t++) {
      const y = new Float64Array(table.n);
      const p = new Float64Array(table.n);
      for (let i = 0; i < table.n; i++) {
        const e = labels.event[i]!;
        y[i] = e > 0 && e <= t ? 1 : labels.observed[i]! >= t ? 0 : Number.NaN;
        p[i] = pred.cumulative[i * horizon + t - 1]!;
      }
      await writePredictions(w, {
        model: 'delinquency',
        variant,
        horizon: t,
        split: 'test',
        month,
        y,
        p,
        entity: table.keys.loan_id,
        rows: testRows,
      });
    }
  }
  // The training population monitor compares against is the champion's: the model that actually scores.
  const pc = champion === network ? pn : pb;
  const score = new Float64Array(table.n);
  for (let i = 0; i < table.n; i++) score[i] = pc.cumulative[i * horizon + horizon - 1]!;
  await writePopulation(w, 'delinquency', 'train', { ...table.numeric, score }, rowsWhere(masks.train));
  return {
    network,
    baseline,
    champion,
    selection,
    table,
    split,
    dataEnd,
    evaluation,
    calibrationTest,
    labels,
  };
}

/** Test-period calibration of both variants (fit.ts `calibrationOnTest`), for their cards. */
export function testCalibrations(
  models: { network: TrainedModel; baseline: TrainedModel },
  table: FeatureTable,
  targets: Targets,
  test: Uint8Array,
  split: PeriodSplit,
): { network?: TestCalibration; baseline?: TestCalibration } {
  const rows = rowsWhere(test);
  const period = `${split.test[0]} … ${split.test.at(-1)}`;
  const out: { network?: TestCalibration; baseline?: TestCalibration } = {};
  for (const v of ['network', 'baseline'] as const) {
    const c = calibrationOnTest(models[v], table, targets, rows, period);
    if (c) out[v] = c;
  }
  return out;
}

/** One line in the training log: which model won on validation and why (a warning when the network lost). */
export function logSelection(log: Logger, name: string, s: ChampionSelection): void {
  const fields = { metric: s.metric, network: s.network, baseline: s.baseline, margin: s.margin };
  if (s.champion === 'network') log.info(`${name}: champion is the network: ${s.reason}`, fields);
  else log.warn(`${name}: champion is the logistic baseline: ${s.reason}`, fields);
}

const maxDate = (a: string, b: string) => (a > b ? a : b);

/** `date` minus `n` calendar months, the day clamped to the target month's length (2025-08-31 − 6 → 2025-02-28). */
export function minusMonths(date: string, n: number): string {
  const start = addMonths(monthStart(date), -n);
  const next = addMonths(start, 1);
  const last = Number(addDays(next, -1).slice(8, 10));
  return `${start.slice(0, 8)}${String(Math.min(Number(date.slice(8, 10)), last)).padStart(2, '0')}`;
}

/** ISO-week Mondays on or after `from` and on or before `to`. */
export function weekRange(from: string, to: string): string[] {
  const out: string[] = [];
  let d = periodStart(from, 'week');
  if (d < from) d = addDays(d, 7);
  for (; d <= to; d = addDays(d, 7)) out.push(d);
  return out;
}

export function rowsWhere(mask: Uint8Array): Int32Array {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i]!;
  const out = new Int32Array(n);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) out[k++] = i;
  return out;
}
