/**
 * `followup monitor`: is the champion still looking at the population it was trained on, and is it still right?
 *
 *   score_population (train vs scored) ─► PSI per feature and for the score (sample-size-aware verdicts)
 *   scores at earlier as-of dates + outcomes since ─► AUC / Brier / calibration in the large on matured labels
 *   ─► drift = the score or any feature at or beyond the alert level
 */
import type { Logger } from '../core/log.ts';
import { championVersion } from '../models/index.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { SCORE_FEATURE } from '../warehouse/report-inputs.ts';
import { type DriftRow, populationDrift } from './drift.ts';
import { type MaturedPerformance, maturedPerformance } from './matured.ts';

/** What `monitor` is asked for. */
export interface MonitorConfig {
  /** Registry root, to name the champion in the result. Optional. */
  modelsDir?: string;
  /** Model whose populations are compared. Default `delinquency`. */
  model?: string;
  /** Verdict that counts as drift: `shift` (PSI > 0.25, default) or `watch` (PSI > 0.10), both beyond noise. */
  level?: 'watch' | 'shift';
  /**
   * What raises the alarm: `score` (default) — the distribution the schedule acts on; or `any` — the score or any
   * feature. Features are always measured and listed: some trend by construction (loan age, house-price levels
   * in a growing book), so alarming on every feature would fire every month.
   */
  on?: 'score' | 'any';
  /** PSI bins over the training deciles. Default 10. */
  bins?: number;
  /** Label horizon of matured performance, months. Default 6. */
  horizon?: number;
}

/** The monitoring result, JSON-serializable. */
export interface MonitorResult {
  model: string;
  champion: string | null;
  level: 'watch' | 'shift';
  on: 'score' | 'any';
  /** True when the score (or, with on = any, a feature) drifted at `level` or beyond. */
  drift: boolean;
  /** What raised the alarm: the score and/or features beyond `level`, with their PSI. */
  drifted: { feature: string; psi: number; noChange95: number; verdict: string }[];
  /** PSI of the score; null when there is no scored population. */
  score: DriftRow | null;
  /** PSI per feature, the largest first; empty when there is no scored population. */
  features: DriftRow[];
  /** Performance on matured labels; null when nothing has matured. */
  matured: MaturedPerformance | null;
  /** What the monitor concluded, in words. */
  messages: string[];
}

export async function runMonitor(w: Warehouse, cfg: MonitorConfig, log: Logger): Promise<MonitorResult> {
  const model = cfg.model ?? 'delinquency';
  const level = cfg.level ?? 'shift';
  const champion = cfg.modelsDir ? ((await championVersion(cfg.modelsDir, model)) ?? null) : null;
  const rows = (await populationDrift(w, model, cfg.bins ?? 10)) ?? [];
  const alarm = (r: DriftRow) => r.verdict === 'shift' || (level === 'watch' && r.verdict === 'watch');
  const on = cfg.on ?? 'score';
  const drifted = rows
    .filter((r) => alarm(r) && (on === 'any' || r.feature === SCORE_FEATURE))
    .map((r) => ({ feature: r.feature, psi: r.psi, noChange95: r.noChange95, verdict: r.verdict }));
  const score = rows.find((r) => r.feature === SCORE_FEATURE) ?? null;
  const matured = await maturedPerformance(w, { horizon: cfg.horizon ?? 6 });
  const messages: string[] = [];
  if (!rows.length)
    messages.push(
      `no drift check: ${model} has no training and scored population to compare (run train, then score or recommend)`,
    );
  else if (drifted.length)
    messages.push(
      `drift: ${drifted.map((d) => `${d.feature} PSI ${d.psi.toFixed(3)} (${d.verdict}, noise ${d.noChange95.toFixed(3)})`).join('; ')}`,
    );
  else
    messages.push(
      `no drift at level ${level}: ${on === 'score' ? 'the score PSI is' : 'every PSI is'} within its band or within sampling noise`,
    );
  const moved = rows.filter((r) => r.feature !== SCORE_FEATURE && alarm(r));
  if (on === 'score' && moved.length)
    messages.push(
      `features beyond ${level} (not alarming on their own): ${moved.map((r) => `${r.feature} ${r.psi.toFixed(2)}`).join(', ')}`,
    );
  if (matured) {
    const o = matured.overall;
    messages.push(
      `matured labels (${o.n} rows, ${o.events} onsets): AUC ${o.auc.toFixed(3)}, Brier ${o.brier.toFixed(4)}, predicted ${(100 * o.predicted).toFixed(2)} % vs observed ${(100 * o.observed).toFixed(2)} %`,
    );
  } else messages.push('no stored score has matured yet');
  for (const m of messages) log.info(m);
  return {
    model,
    champion,
    level,
    on,
    drift: drifted.length > 0,
    drifted,
    score,
    features: rows,
    matured,
    messages,
  };
}
