/**
 * collectReportData: fills ReportData from the warehouse, one collector per section. A collector whose inputs
 * are missing returns `{ ok: false, reason }`, which the page shows as "not available: <reason>".
 *
 *   eval_predictions ──► performance (ROC, KS, calibration, lift, score distribution, by month)
 *   score_population ──► stability (PSI per feature and score)
 *     (a model with no matured predictions or no training population here: the files its version saved in the
 *      registry at training, --models; sources.ts, and `sources` says which figures came from where)
 *   contacts + loans (+ eval_predictions) ──► hang-ups
 *   recommendation_runs + recommendations + loans ──► schedule
 *   features_snapshot ──► WoE/IV per feature (training population)
 *   loans + repayments ──► vintage curves, roll rates
 *   scores + repayments + recommendations ──► borrowers to act on (current loans by risk)
 *   backtest_results JSON ──► backtest
 * The history sections (performance, WoE/IV, vintages, hang-ups) may come from a file collected earlier on the same
 * data (history.ts).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { collectActions } from './collect/actions.ts';
import { loadBacktest } from './collect/backtest.ts';
import { collectSchedule } from './collect/schedule.ts';
import { collectModelInputs } from './collect/sources.ts';
import { collectStability } from './collect/stability.ts';
import { collectVersions } from './collect/versions.ts';
import {
  collectHistorySections,
  type HistoryOptions,
  type HistorySections,
  type HistoryUse,
  historyKey,
  historyRecord,
  keyDifference,
  type ReportHistory,
} from './history.ts';
import type { Lang, ReportData } from './types.ts';

export interface CollectOptions {
  /** Label language. Default: `en`. */
  lang?: Lang;
  /** Recommendation run to describe. Default: the latest by created_at. */
  runId?: string;
  /** Split of eval_predictions the metrics use. Default: `test`. */
  split?: string;
  /** Contacts per day the call centre can make; overrides a capacity stored with the run. Default: none. */
  capacity?: number;
  /** Backtest results JSON. Default: `backtest_results.json` beside the warehouse file, when it exists. */
  backtestPath?: string;
  /** Pre-notification window in hours. Default: 48. */
  prenotifyHours?: number;
  /** Hang-up model name in eval_predictions. Default: the first model with horizon 0. */
  hangupModel?: string;
  /** Model registry root: models with no matured predictions (or training population) here are read from it. */
  modelsDir?: string;
  /** Clock for `generated_at`. */
  clock: Clock;
  /** History sections collected earlier (history.ts): used when collected on the same data, else collected again. */
  history?: ReportHistory;
}

export async function collectReportData(w: Warehouse, opts: CollectOptions): Promise<ReportData> {
  return (await collectReport(w, opts)).data;
}

/** The report's data, and whether the history sections came from `opts.history`. */
export async function collectReport(
  w: Warehouse,
  opts: CollectOptions,
): Promise<{ data: ReportData; history: HistoryUse }> {
  const lang = opts.lang ?? 'en';
  const besideWarehouse = w.path === ':memory:' ? undefined : join(dirname(w.path), 'backtest_results.json');
  const backtestPath =
    opts.backtestPath ?? (besideWarehouse && existsSync(besideWarehouse) ? besideWarehouse : undefined);
  const schedule = await collectSchedule(w, {
    ...(opts.runId === undefined ? {} : { runId: opts.runId }),
    ...(opts.capacity === undefined ? {} : { capacity: opts.capacity }),
  });
  const run = schedule.ok ? schedule.value.run : undefined;
  const split = opts.split ?? 'test';
  const inputs = await collectModelInputs(w, {
    split,
    ...(opts.modelsDir === undefined ? {} : { modelsDir: opts.modelsDir }),
    ...(run ? { run } : {}),
  });
  const ho = historyOptions(opts);
  let history: HistoryUse = null;
  let sections: HistorySections | undefined;
  if (opts.history) {
    const why = keyDifference(opts.history.key, await historyKey(w, ho, inputs));
    history = why === null ? { reused: true } : { reused: false, why };
    if (why === null) sections = opts.history.sections;
  }
  sections ??= await collectHistorySections(w, ho, inputs);
  const data: ReportData = {
    version: 1,
    generated_at: opts.clock.now().toISOString(),
    lang,
    versions: await collectVersions(w, run),
    performance: sections.performance,
    stability: await collectStability(w, inputs.population),
    sources: inputs.sources,
    woe: sections.woe,
    vintage: sections.vintage,
    hangups: sections.hangups,
    schedule,
    actions: await collectActions(w, run),
    backtest: loadBacktest(backtestPath),
  };
  return { data, history };
}

/**
 * The history sections alone (performance, WoE/IV, vintages, hang-ups), for a report that runs later on the same
 * data (history.ts). Their model versions are the champions': a run recommend is about to make uses those.
 */
export async function collectReportHistory(w: Warehouse, opts: CollectOptions): Promise<ReportHistory> {
  const inputs = await collectModelInputs(w, {
    split: opts.split ?? 'test',
    ...(opts.modelsDir === undefined ? {} : { modelsDir: opts.modelsDir }),
  });
  const ho = historyOptions(opts);
  const key = await historyKey(w, ho, inputs);
  return historyRecord(opts.clock.now().toISOString(), key, await collectHistorySections(w, ho, inputs));
}

function historyOptions(opts: CollectOptions): HistoryOptions {
  return {
    lang: opts.lang ?? 'en',
    split: opts.split ?? 'test',
    ...(opts.prenotifyHours === undefined ? {} : { prenotifyHours: opts.prenotifyHours }),
    ...(opts.hangupModel === undefined ? {} : { hangupModel: opts.hangupModel }),
  };
}
