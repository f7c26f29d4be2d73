/**
 * Trains the hang-up network and its logistic baseline: one row per outbound phone attempt with features as of
 * just before it, split out of time by attempt month (train < valid < test).
 */
import type { Logger } from '../core/log.ts';
import { type BinaryEvaluation, evaluateBinary } from '../evaluate/index.ts';
import { buildHangupRows, readHangupRows } from '../features/index.ts';
import type { FeatureTable } from '../features/types.ts';
import { predictHangup, splitByAsOf, type TrainedModel, trainHangupModel } from '../models/index.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { monthStart } from './months.ts';
import { type MonthSplit, splitMonths } from './split-months.ts';
import { writePopulation, writePredictions } from './store.ts';
import { rowsWhere } from './train-delinquency.ts';

export interface HangupTrainConfig {
  /** First attempt date (UTC, inclusive). Default: all. */
  from?: string;
  /** Attempt date bound (UTC, exclusive). Default: all. */
  to?: string;
  seed?: number;
  members?: number;
  epochs?: number;
}

export interface HangupTrained {
  network: TrainedModel;
  baseline: TrainedModel;
  table: FeatureTable;
  y: Uint8Array;
  split: MonthSplit;
  evaluation: { network: BinaryEvaluation; baseline: BinaryEvaluation };
}

export async function trainHangup(w: Warehouse, cfg: HangupTrainConfig, log: Logger): Promise<HangupTrained> {
  log.info('hangup: building attempt rows', { from: cfg.from ?? null, to: cfg.to ?? null });
  await buildHangupRows(w, { ...(cfg.from ? { from: cfg.from } : {}), ...(cfg.to ? { to: cfg.to } : {}) });
  const { table, y } = await readHangupRows(w);
  const month = table.keys.as_of!.map(monthStart);
  const split = splitMonths([...new Set(month)]);
  const masks = splitByAsOf(month, split.validFrom, split.testFrom);
  const opts = { seed: cfg.seed ?? 42, log, ...(cfg.epochs ? { epochs: cfg.epochs } : {}) };
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
  const pn = predictHangup(network, table);
  const pb = predictHangup(baseline, table);
  const evaluation = {
    network: evaluateBinary(pn, y, masks.test),
    baseline: evaluateBinary(pb, y, masks.test),
  };
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
  await writePopulation(w, 'hangup', 'train', { ...table.numeric, score: pn }, rowsWhere(masks.train));
  return { network, baseline, table, y, split, evaluation };
}
