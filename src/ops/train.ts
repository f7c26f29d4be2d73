/**
 * `followup train`: both models and their baselines from the warehouse into the registry.
 *
 *   trainDelinquency ─┐
 *   trainHangup ──────┴─► version = hash(data, config) ─► saveModel + evaluation.json ─► promote (first model,
 *                                                                                       or when asked)
 * Versions are content hashes, so training the same data with the same config again writes the same version.
 */
import { join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import { sha256, stableStringify } from '../core/hash.ts';
import type { Logger } from '../core/log.ts';
import { type BinaryEvaluation, writeEvaluation } from '../evaluate/index.ts';
import { promoteVersion } from '../lifecycle/promotions.ts';
import { championVersion, initBackend, saveModel, type TrainedModel } from '../models/index.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { featureTableHash } from './datahash.ts';
import { type DelinquencyTrainConfig, trainDelinquency } from './train-delinquency.ts';
import { type HangupTrainConfig, trainHangup } from './train-hangup.ts';

export interface TrainConfig {
  /** Registry root (models/). */
  modelsDir: string;
  delinquency?: DelinquencyTrainConfig | false;
  hangup?: HangupTrainConfig | false;
  /** `auto` (default): promote when the model has no champion yet; `always`; `never` (retrain decides). */
  promote?: 'auto' | 'always' | 'never';
}

export interface TrainedEntry {
  name: string;
  version: string;
  dir: string;
  baselineVersion: string;
  promoted: boolean;
  backend: string;
  rows: { train: number; valid: number; total: number };
  window: { train: string[]; valid: string[]; test: string[] };
  /** Test-period headline metrics of network and baseline. */
  test: Record<string, Record<string, number>>;
  /** Wall seconds of the whole model (features, both fits, evaluation, registry). */
  seconds: number;
  /** Seconds of the fits alone (preprocessing, networks, calibration): what a training benchmark compares. */
  fit_seconds: { network: number; baseline: number };
  /** Ensemble members of the network. */
  members: number;
}

export async function runTrain(
  w: Warehouse,
  cfg: TrainConfig,
  log: Logger,
  clock: Clock,
): Promise<TrainedEntry[]> {
  const backend = await initBackend();
  log.info(`training on the ${backend} backend`, { backend });
  const out: TrainedEntry[] = [];
  if (cfg.delinquency !== false) {
    const c = cfg.delinquency ?? {};
    const t0 = performance.now();
    const r = await trainDelinquency(w, c, log);
    const dataHash = featureTableHash(r.table, r.labels.event, r.labels.observed);
    const test = {
      network: headline(r.evaluation.network.byMonth),
      baseline: headline(r.evaluation.baseline.byMonth),
    };
    out.push(
      await register(cfg, 'delinquency', r.network, r.baseline, dataHash, c, r.evaluation, test, {
        backend,
        clock,
        log,
        split: r.split,
        seconds: (performance.now() - t0) / 1000,
      }),
    );
  }
  if (cfg.hangup !== false) {
    const c = cfg.hangup ?? {};
    const t0 = performance.now();
    const r = await trainHangup(w, c, log);
    const dataHash = featureTableHash(r.table, r.y);
    const test = { network: r.evaluation.network.metrics, baseline: r.evaluation.baseline.metrics };
    out.push(
      await register(cfg, 'hangup', r.network, r.baseline, dataHash, c, r.evaluation, test, {
        backend,
        clock,
        log,
        split: r.split,
        seconds: (performance.now() - t0) / 1000,
      }),
    );
  }
  return out;
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

async function register(
  cfg: TrainConfig,
  name: string,
  network: TrainedModel,
  baseline: TrainedModel,
  dataHash: string,
  config: unknown,
  evaluation: unknown,
  test: Record<string, Record<string, number>>,
  ctx: {
    backend: string;
    clock: Clock;
    log: Logger;
    split: { train: string[]; valid: string[]; test: string[] };
    seconds: number;
  },
): Promise<TrainedEntry> {
  const version = `${ctx.split.test.at(-1)}-${sha256(stableStringify({ dataHash, config, name, backend: ctx.backend })).slice(0, 10)}`;
  const metrics = Object.fromEntries(
    Object.entries(test.network ?? {}).map(([k, v]) => [k, { network: v, baseline: test.baseline?.[k] }]),
  );
  const dir = await saveModel(cfg.modelsDir, network, { name, version, dataHash, metrics, clock: ctx.clock });
  await writeEvaluation(dir, { model: name, version, backend: ctx.backend, split: ctx.split, evaluation });
  const bdir = await saveModel(cfg.modelsDir, baseline, {
    name: `${name}-baseline`,
    version,
    dataHash,
    metrics,
    clock: ctx.clock,
  });
  await writeEvaluation(bdir, {
    model: `${name}-baseline`,
    version,
    backend: ctx.backend,
    split: ctx.split,
    evaluation,
  });
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
  ctx.log.info(`${name}: saved ${version}${promoted ? ' (champion)' : ''}`, { backend: ctx.backend, dir });
  const n = network.training;
  return {
    name,
    version,
    dir,
    baselineVersion: version,
    promoted,
    backend: ctx.backend,
    rows: { train: n.nTrain, valid: n.nValid, total: n.nTrain + n.nValid },
    window: ctx.split,
    test,
    fit_seconds: { network: n.seconds, baseline: baseline.training.seconds },
    members: n.options.members,
    seconds: ctx.seconds,
  };
}

export const championDir = (root: string, name: string, version: string) => join(root, name, version);
