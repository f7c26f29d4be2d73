/**
 * `followup train`: both models and their baselines from the warehouse into the registry.
 *
 *   checkDelinquencyData ─┐  (SQL counts, before any fit: a typed error here costs seconds, not a long fit)
 *   checkHangupData ──────┤
 *                         ├─ fallback ─► models/<name>/fallback.json (+ one warning) ─► score/recommend use it
 *   trainDelinquency ─────┤
 *   trainHangup ──────────┴─► champion by validation (network only when it beats its logistic baseline by the
 *                             margin; src/models/champion.ts) ─► version = hash(data, config, resolved
 *                             settings; version.ts) ─► saveModel (the chosen model under <name>/, the baseline
 *                             under <name>-baseline/) + evaluation.json + the report's inputs of the model
 *                             (its test predictions and training population, as Parquet)
 *                             ─► promote (first model, or when asked); the fallback card is removed
 * Versions are content hashes, so training the same data with the same config and code defaults again writes the
 * same version.
 */
import { join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import { throwIfInterrupted } from '../core/interrupt.ts';
import type { Logger } from '../core/log.ts';
import { type BinaryEvaluation, writeEvaluation } from '../evaluate/index.ts';
import type { Period, PeriodSplit } from '../features/periods.ts';
import { trainingRowsSql } from '../features/training-rows.ts';
import {
  type ChampionSelection,
  championVersion,
  clearFallback,
  type FallbackCard,
  type FallbackKind,
  initBackend,
  saveFallback,
  saveModel,
  type TestCalibration,
  type TrainedModel,
} from '../models/index.ts';
import { promoteVersion } from '../models/promotions.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { saveReportInputs } from '../warehouse/report-inputs.ts';
import { featureTableHash } from './datahash.ts';
import { checkDelinquencyData, type DelinquencyTrainConfig, trainDelinquency } from './delinquency.ts';
import { checkHangupData, type HangupTrainConfig, trainHangup } from './hangup.ts';
import { modelVersion } from './version.ts';

export interface TrainConfig {
  /** Registry root (models/). */
  modelsDir: string;
  delinquency?: DelinquencyTrainConfig | false;
  hangup?: HangupTrainConfig | false;
  /** `auto` (default): promote when the model has no champion yet; `always`; `never` (retrain decides). */
  promote?: 'auto' | 'always' | 'never';
  /** Aborted on SIGINT/SIGTERM: training stops after the current batch with InterruptedError. Default none. */
  signal?: AbortSignal;
}

/** A model the data could not support, and what replaces it (the card in models/<name>/fallback.json). */
export interface FallbackEntry {
  name: string;
  fallback: FallbackKind;
  /** Why no model was trained. */
  reason: string;
  /** What score/recommend do instead. */
  effect: string;
  /** Path of the fallback card. */
  card: string;
  /** A champion trained earlier on other data stays in use over the fallback; null when there is none. */
  champion: string | null;
}

/** What `train` did: the models it saved and the fallbacks it recorded instead of models. */
export interface TrainResult {
  models: TrainedEntry[];
  fallbacks: FallbackEntry[];
}

export interface TrainedEntry {
  name: string;
  version: string;
  dir: string;
  baselineVersion: string;
  promoted: boolean;
  backend: string;
  rows: { train: number; valid: number; total: number };
  /** As-of period starts of the out-of-time split (months, or ISO-week Mondays when `period` is week). */
  window: { train: string[]; valid: string[]; test: string[] };
  /** Length of the as-of periods; `week` when the months were too few (or asked for). */
  period: Period;
  /** Test-period headline metrics of network and baseline. */
  test: Record<string, Record<string, number>>;
  /** Wall seconds of the whole model (features, both fits, evaluation, registry). */
  seconds: number;
  /** Seconds of the fits alone (preprocessing, networks, calibration): what a training benchmark compares. */
  fit_seconds: { network: number; baseline: number };
  /** Ensemble members of the network. */
  members: number;
  /** The served model's test-period calibration: ECE and Brier with Platt alone and with the prior-shift correction. */
  calibration_test?: TestCalibration;
  /** Which model is saved (and served) under this name: the network or its logistic baseline; why in selection. */
  champion: ChampionSelection['champion'];
  selection: ChampionSelection;
}

/** Trains both models (or records their fallbacks); see trainModels. Returns the saved models only. */
export async function runTrain(
  w: Warehouse,
  cfg: TrainConfig,
  log: Logger,
  clock: Clock,
): Promise<TrainedEntry[]> {
  return (await trainModels(w, cfg, log, clock)).models;
}

export async function trainModels(
  w: Warehouse,
  cfg: TrainConfig,
  log: Logger,
  clock: Clock,
): Promise<TrainResult> {
  const backend = await initBackend();
  log.info(`training on the ${backend} backend`, { backend });
  const out: TrainResult = { models: [], fallbacks: [] };
  const signal = cfg.signal ? { signal: cfg.signal } : {};
  // 1. What the data allows, for both models, before anything is fitted.
  const dc = cfg.delinquency === false ? undefined : { ...cfg.delinquency, ...signal };
  const hc = cfg.hangup === false ? undefined : { ...cfg.hangup, ...signal };
  const dPlan = dc && (await checkDelinquencyData(w, dc));
  const hPlan = hc && (await checkHangupData(w, hc));
  // 2. The delinquency network, or its fallback (also when the snapshots hold no onset to learn from).
  if (dc && dPlan) {
    const t0 = performance.now();
    const r = await trainDelinquency(w, dc, log, dPlan);
    if ('kind' in r) out.fallbacks.push(await recordFallback(cfg, r.card, log, clock));
    else {
      const dataHash = featureTableHash(r.table, r.labels.event, r.labels.observed);
      const test = {
        network: headline(r.evaluation.network.byMonth),
        baseline: headline(r.evaluation.baseline.byMonth),
      };
      out.models.push(
        await register(cfg, 'delinquency', r, dataHash, hashed(dc), r.evaluation, test, {
          w,
          backend,
          clock,
          log,
          split: r.split,
          seconds: (performance.now() - t0) / 1000,
          calibrationTest: r.calibrationTest,
        }),
      );
    }
  }
  throwIfInterrupted(cfg.signal, 'between models; the hang-up model was not trained');
  // 3. The hang-up network, or its fallback.
  if (hc && hPlan) {
    if (hPlan.kind === 'fallback') out.fallbacks.push(await recordFallback(cfg, hPlan.card, log, clock));
    else {
      const t0 = performance.now();
      const r = await trainHangup(w, hc, log, hPlan);
      const dataHash = featureTableHash(r.table, r.y);
      const test = { network: r.evaluation.network.metrics, baseline: r.evaluation.baseline.metrics };
      out.models.push(
        await register(cfg, 'hangup', r, dataHash, hashed(hc), r.evaluation, test, {
          w,
          backend,
          clock,
          log,
          split: r.split,
          seconds: (performance.now() - t0) / 1000,
          calibrationTest: r.calibrationTest,
        }),
      );
    }
  }
  return out;
}

/** The config as it enters the version hash: without the abort signal, so versions stay content hashes. */
function hashed<T extends { signal?: AbortSignal }>(c: T): Omit<T, 'signal'> {
  const { signal: _signal, ...rest } = c;
  return rest;
}

/** Writes the fallback card, says so in one warning line, and notes a champion that stays in use. */
async function recordFallback(
  cfg: TrainConfig,
  card: Omit<FallbackCard, 'createdAt'>,
  log: Logger,
  clock: Clock,
): Promise<FallbackEntry> {
  const path = await saveFallback(cfg.modelsDir, card, clock);
  const champion = (await championVersion(cfg.modelsDir, card.name)) ?? null;
  log.warn(
    `${card.name}: no model trained (${card.reason}); fallback ${card.fallback}: ${champion ? `the champion ${champion} trained earlier stays in use` : card.effect}`,
    { model: card.name, fallback: card.fallback, card: path },
  );
  return { ...card, card: path, champion };
}

/** AUC, KS, Brier, ECE per horizon month (`m1`…`mH`) for the card and the summary. */
function headline(byMonth: BinaryEvaluation[]): Record<string, number> {
  const o: Record<string, number> = {};
  byMonth.forEach((e, i) => {
    for (const k of ['auc', 'ks', 'brier', 'ece'] as const) o[`${k}_m${i + 1}`] = round(e.metrics[k]);
  });
  return o;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** What a training run hands to the registry: both fits and the champion chosen on validation. */
interface Fitted {
  network: TrainedModel;
  baseline: TrainedModel;
  champion: TrainedModel;
  selection: ChampionSelection;
}

async function register(
  cfg: TrainConfig,
  name: string,
  fitted: Fitted,
  dataHash: string,
  config: unknown,
  evaluation: unknown,
  test: Record<string, Record<string, number>>,
  ctx: {
    /** The training warehouse: its report inputs of this model are saved with the version. */
    w: Warehouse;
    backend: string;
    clock: Clock;
    log: Logger;
    split: PeriodSplit;
    seconds: number;
    calibrationTest: { network?: TestCalibration; baseline?: TestCalibration };
  },
): Promise<TrainedEntry> {
  const version = modelVersion({
    lastTest: ctx.split.test.at(-1)!,
    name,
    dataHash,
    config,
    backend: ctx.backend,
    network: fitted.network,
    baseline: fitted.baseline,
    selection: fitted.selection,
  });
  const metrics = Object.fromEntries(
    Object.entries(test.network ?? {}).map(([k, v]) => [k, { network: v, baseline: test.baseline?.[k] }]),
  );
  const { network, baseline, selection } = fitted;
  // <name>/<version> holds the model score and recommend serve: the network, or the baseline when the network
  // did not beat it on validation; its card says which and why.
  // Each saved model's card carries its own test-period calibration.
  const calNet = ctx.calibrationTest.network;
  const calBase = ctx.calibrationTest.baseline;
  const calChampion = fitted.champion === network ? calNet : calBase;
  const dir = await saveModel(cfg.modelsDir, fitted.champion, {
    name,
    version,
    dataHash,
    metrics,
    clock: ctx.clock,
    selection,
    ...(calChampion ? { calibrationTest: calChampion } : {}),
  });
  await writeEvaluation(dir, { model: name, version, backend: ctx.backend, split: ctx.split, evaluation });
  // A report on another warehouse (the daily book, when training ran on a sample) reads these (report/collect).
  const rows = name === 'delinquency' ? await trainingRowsSql(ctx.w) : undefined;
  await saveReportInputs(ctx.w, dir, name, rows && 'sql' in rows ? rows.sql : undefined);
  const bdir = await saveModel(cfg.modelsDir, baseline, {
    name: `${name}-baseline`,
    version,
    dataHash,
    metrics,
    clock: ctx.clock,
    selection,
    ...(calBase ? { calibrationTest: calBase } : {}),
  });
  await writeEvaluation(bdir, {
    model: `${name}-baseline`,
    version,
    backend: ctx.backend,
    split: ctx.split,
    evaluation,
  });
  // A trained model replaces whatever fallback an earlier run recorded for this name.
  await clearFallback(cfg.modelsDir, name);
  const mode = cfg.promote ?? 'auto';
  const promoted = mode === 'always' || (mode === 'auto' && !(await championVersion(cfg.modelsDir, name)));
  if (promoted) {
    // Recorded in models/<name>/promotions.jsonl like every later promotion; the baseline follows.
    await promoteVersion(cfg.modelsDir, name, version, {
      clock: ctx.clock,
      reason: mode === 'always' ? 'train --promote always' : 'first trained model of this name',
      actor: 'train',
    });
  }
  ctx.log.info(
    `${name}: saved ${version} (${selection.champion === 'network' ? 'network' : 'logistic baseline'})${promoted ? ' as champion' : ''}`,
    { backend: ctx.backend, dir },
  );
  const n = network.training;
  return {
    name,
    version,
    dir,
    baselineVersion: version,
    promoted,
    backend: ctx.backend,
    rows: { train: n.nTrain, valid: n.nValid, total: n.nTrain + n.nValid },
    window: (({ period: _p, fellBack: _f, ...window }) => window)(ctx.split),
    period: ctx.split.period,
    test,
    fit_seconds: { network: n.seconds, baseline: baseline.training.seconds },
    members: n.options.members,
    champion: selection.champion,
    selection,
    seconds: ctx.seconds,
    ...(calChampion ? { calibration_test: calChampion } : {}),
  };
}

export const championDir = (root: string, name: string, version: string) => join(root, name, version);
