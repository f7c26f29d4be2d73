/**
 * Trains the delinquency hazard network and its logistic baseline from the warehouse:
 *
 *   as-of grid (month starts whose 6-month outcome is known) ─► buildSnapshots ─► FeatureTable + labels
 *     ─► out-of-time split by month (train < valid < test) ─► network + baseline (same code, same split)
 *     ─► evaluate both on the test months ─► eval_predictions, score_population ─► registry
 */
import { BadInputError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import { evaluateHazard } from '../evaluate/index.ts';
import { buildSnapshots, defaultDataEnd, readHazardLabels, readSnapshotFeatures } from '../features/index.ts';
import type { FeatureTable } from '../features/types.ts';
import {
  predictHazard,
  splitByAsOf,
  type TrainedModel,
  type TrainOptions,
  trainHazardModel,
} from '../models/index.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { addMonths, monthRange, monthStart } from './months.ts';
import { type MonthSplit, splitMonths } from './split-months.ts';
import { writePopulation, writePredictions } from './store.ts';

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

export interface DelinquencyTrainConfig {
  /** Label horizon in months. Default 6. */
  horizon?: number;
  /** Last date whose events are known. Default: the latest payment or contact in the warehouse. */
  dataEnd?: string;
  /** First as-of month. Default: 2 months after the first disbursement. */
  from?: string;
  /** Last as-of month. Default: dataEnd's month minus the horizon, so every test label has matured. */
  to?: string;
  seed?: number;
  /** Ensemble members of the network. Default 3 below SMALL_DATA_ONSETS training onsets, else 1. */
  members?: number;
  /** Most epochs. Default 60. */
  epochs?: number;
  /** Further network options (architecture, regularization) over the defaults; benchmarks compare variants. */
  network?: Omit<TrainOptions, 'log' | 'seed'>;
}

export interface DelinquencyTrained {
  network: TrainedModel;
  baseline: TrainedModel;
  table: FeatureTable;
  split: MonthSplit;
  dataEnd: string;
  /** Test-period evaluation of both, per horizon month. */
  evaluation: { network: ReturnType<typeof evaluateHazard>; baseline: ReturnType<typeof evaluateHazard> };
  labels: { event: Int32Array; observed: Int32Array; delinquent: Uint8Array };
}

export async function trainDelinquency(
  w: Warehouse,
  cfg: DelinquencyTrainConfig,
  log: Logger,
): Promise<DelinquencyTrained> {
  const horizon = cfg.horizon ?? 6;
  const dataEnd = cfg.dataEnd ?? (await defaultDataEnd(w));
  if (!dataEnd)
    throw new BadInputError(`warehouse ${w.path}: expected repayments or contacts to train on; found none`, {
      hint: 'load data first with `followup ingest --warehouse W …`',
    });
  const first = await w.one<{ d: string }>('SELECT min(disbursed_on)::VARCHAR AS d FROM loans');
  const from = cfg.from ?? addMonths(monthStart(first!.d), 2);
  const to = cfg.to ?? addMonths(monthStart(dataEnd), -horizon);
  const months = monthRange(from, to);
  const split = splitMonths(months);
  log.info('delinquency: building snapshots', { from, to, months: months.length, dataEnd });
  await buildSnapshots(w, { asOf: months, horizon, dataEnd });
  const table = await readSnapshotFeatures(w);
  const labels = await readHazardLabels(w);
  const masks = splitByAsOf(table.keys.as_of!, split.validFrom, split.testFrom);
  // Loans already 30+ DPD are in collection: they are not in the population at risk of a first onset.
  for (const m of [masks.train, masks.valid, masks.test]) {
    for (let i = 0; i < m.length; i++) if (labels.delinquent[i]) m[i] = 0;
  }
  const opts = {
    seed: cfg.seed ?? 42,
    log,
    ...(cfg.epochs ? { epochs: cfg.epochs } : {}),
  };
  log.info('delinquency: training network and baseline', {
    rows: table.n,
    features: table.manifest.features.length,
  });
  const network = await trainHazardModel(table, labels, masks, {
    ...opts,
    members: cfg.members ?? defaultMembers(labels.event, masks.train),
    arch: 'mlp',
    ...cfg.network,
  });
  const baseline = await trainHazardModel(table, labels, masks, { ...opts, arch: 'logistic' });
  const pn = predictHazard(network, table);
  const pb = predictHazard(baseline, table);
  const evaluation = {
    network: evaluateHazard(pn.cumulative, labels, masks.test),
    baseline: evaluateHazard(pb.cumulative, labels, masks.test),
  };

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
  const score = new Float64Array(table.n);
  for (let i = 0; i < table.n; i++) score[i] = pn.cumulative[i * horizon + horizon - 1]!;
  await writePopulation(w, 'delinquency', 'train', { ...table.numeric, score }, rowsWhere(masks.train));
  return { network, baseline, table, split, dataEnd, evaluation, labels };
}

export function rowsWhere(mask: Uint8Array): Int32Array {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i]!;
  const out = new Int32Array(n);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) out[k++] = i;
  return out;
}
