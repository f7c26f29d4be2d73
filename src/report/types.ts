/**
 * ReportData: everything a report is drawn from, as plain JSON. `collectReportData` fills it from the warehouse;
 * chart builders and the HTML page read only this, so a report can be rebuilt from a saved `report-data.json`.
 * A part whose inputs are missing is `{ ok: false, reason }` and is shown as a visible "not available" note.
 */
import type { Lang } from '../core/format.ts';

/** A part of the report that is either there or says why not. */
export type Part<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A point of a curve (ROC, KS, gains): x and y in [0, 1] unless stated. */
export interface CurvePoint {
  x: number;
  y: number;
}

/** Discrimination and calibration of one model variant on one horizon. */
export interface VariantMetrics {
  /** `network` (the tfjs model) or `baseline` (logistic regression). */
  variant: string;
  /** Rows with a matured label. */
  n: number;
  /** Rows with y = 1. */
  positives: number;
  /** Area under the ROC curve, 0–1; null when one class is missing. */
  auc: number | null;
  /** 2·AUC − 1; null when AUC is. */
  gini: number | null;
  /** Max distance between the score CDFs of bads and goods, 0–1; null when one class is missing. */
  ks: number | null;
  /** Score at which KS is reached. */
  ks_threshold: number | null;
  /** Share of the population scored above ks_threshold (riskiest first), where the KS marker stands. */
  ks_at: number | null;
  /** Mean squared error of p against y, 0–1. */
  brier: number;
  /** Expected calibration error over equal-width bins (default 10), 0–1. */
  ece: number;
  /** ROC curve: x = false-positive rate, y = true-positive rate; at most ~200 points. */
  roc: CurvePoint[];
  /** KS/gains curve: x = share of the population ranked riskiest first; bads, goods = share of each class in it. */
  ks_curve: { x: number; bads: number; goods: number }[];
  /** Reliability by equal-count bins (1 = lowest predictions): mean predicted, observed rate and its 95 % interval. */
  calibration: { bin: number; predicted: number; observed: number; low: number; high: number; n: number }[];
  /** Deciles by descending score (1 = riskiest 10 %): bad rate, lift vs overall rate, cumulative share of bads. */
  lift: { decile: number; n: number; bad_rate: number; lift: number; cum_gain: number }[];
  /** Gains/KS table by score band (10 near-equal bands, 1 = riskiest): counts, bad rate, score range, cumulative shares. */
  gains: {
    band: number;
    n: number;
    bads: number;
    bad_rate: number;
    min_score: number;
    max_score: number;
    cum_bads: number;
    cum_goods: number;
    ks: number;
  }[];
  /** Rows per scorecard-points band (600 points = odds 50:1, 20 points double the odds; lowest band = riskiest). */
  bands: {
    band: string;
    min_points: number | null;
    n: number;
    share: number;
    bads: number;
    bad_rate: number;
  }[];
  /** Score histogram by outcome (20 equal-width bins up to the scores' 99th percentile): share of each class per bin. */
  score_hist: { bin_start: number; bin_end: number; outcome: 0 | 1; share: number }[];
}

/** One model and horizon: the network beside the baseline. */
export interface PerformanceGroup {
  /** Model name as written in eval_predictions.model. */
  model: string;
  /** Months ahead for the delinquency hazard (1…H); 0 for the binary hang-up model. */
  horizon: number;
  /** Display key, e.g. `delinquency · 3 m` (stable, used for facets). */
  label: string;
  variants: VariantMetrics[];
}

/** AUC and rates per calendar month of the prediction (matured labels only). */
export interface MonthlyPoint {
  /** Group label as in PerformanceGroup.label. */
  label: string;
  variant: string;
  /** First day of the month, YYYY-MM-DD. */
  month: string;
  n: number;
  /** null when the month has only one class. */
  auc: number | null;
  /** Observed bad rate and mean predicted probability, 0–1. */
  observed: number;
  predicted: number;
}

export interface PerformanceData {
  /** Split the metrics are computed on (default `test`). */
  split: string;
  groups: PerformanceGroup[];
  /** Performance by month over all splits; empty when eval_predictions.month is null everywhere. */
  by_month: MonthlyPoint[];
}

/** Population stability of one feature (or the score) between training and scored populations. */
export interface PsiRow {
  model: string;
  /** Feature name; `score` is the model's score (SCORE_FEATURE). */
  feature: string;
  /** Population stability index, ≥ 0. */
  psi: number;
  /** `stable` (< 0.10), `watch` (0.10–0.25) or `shift` (> 0.25). */
  band: 'stable' | 'watch' | 'shift';
  /** Rows in the training (expected) and scored (actual) populations. */
  n_train: number;
  n_scored: number;
  /** Bins used (deciles of the training population, plus one for missing when present). */
  bins: number;
  /** 95th percentile of PSI under no change, ≈ (1/n + 1/m)·χ²₀.₉₅(bins − 1): PSI below it is noise. */
  noise_p95: number;
}

/** Hang-up rate for one cell (weekday × hour, a channel, or pre-notified yes/no). */
export interface HangupCell {
  /** ISO weekday 1 = Monday … 7 = Sunday (heatmaps only). */
  weekday?: number;
  /** Local hour 0–23 in the borrower's zone (heatmaps only). */
  hour?: number;
  /** Channel (by-channel only). */
  channel?: string;
  /** Pre-notified by SMS/email within the window before the attempt (by-prenotify only). */
  prenotified?: boolean;
  /** Attempts in the cell. */
  n: number;
  /** Observed share of attempts that ended hung_up or refused, 0–1. */
  rate: number;
}

export interface HangupData {
  /** Hours before an attempt in which an outbound SMS/email counts as pre-notification (default 48). */
  prenotify_window_hours: number;
  observed_heatmap: HangupCell[];
  observed_by_channel: HangupCell[];
  observed_by_prenotify: HangupCell[];
  /** Mean predicted hang-up probability per cell (eval_predictions joined on contact id). */
  predicted: Part<{ heatmap: HangupCell[]; by_channel: HangupCell[]; by_prenotify: HangupCell[] }>;
}

/** The recommendation run the schedule section describes. */
export interface RunInfo {
  run_id: string;
  /** As-of date, YYYY-MM-DD. */
  as_of: string;
  created_at: string;
  policy_version: string;
  delinquency_model: string;
  hangup_model: string;
  n_recommendations: number;
}

export interface ScheduleData {
  run: RunInfo;
  /** Days from the run's as-of date to the next follow-up per segment = loan type × credit grade: five-number summary. */
  interval_by_segment: {
    segment: string;
    loan_type: string;
    credit_grade: string;
    n: number;
    min: number;
    q1: number;
    median: number;
    q3: number;
    max: number;
  }[];
  /** Histogram of predicted risk at the next follow-up (risk_at_due): 20 bins equal in log(risk), from its 0.5th percentile to its maximum. */
  risk_hist: { bin_start: number; bin_end: number; n: number }[];
  /** Median risk budget that applied, 0–1. */
  risk_budget: number;
  /** Follow-ups per due date; capacity and overflow when capacity is known. */
  daily_load: { day: string; n: number; moved: number; over: boolean }[];
  /** Contacts per day the call centre can make; null when neither the run nor the caller gave it. */
  capacity: number | null;
  /** Days whose load exceeds capacity (empty when capacity is unknown). */
  overflow_days: { day: string; n: number; excess: number }[];
  /** Most frequent reason codes with an example text. */
  top_reasons: { code: string; n: number; share: number; example: string }[];
}

/** One metric of the backtest: the recommended schedule beside the fixed practice. */
export interface BacktestMetric {
  /** Metric name, e.g. `missed_30dpd`, `contacts`, `hangup_rate`. */
  name: string;
  /** Value under the fixed practice and under the recommended schedule. */
  fixed: number;
  recommended: number;
  /** The other policies of the backtest, when it ran them (grade tiers, random floor, oracle ceiling). */
  tiered?: number;
  random?: number;
  oracle?: number;
  /** Unit for display ('' when none). */
  unit: string;
  /** True when a lower value is better (default true). */
  lower_is_better: boolean;
}

/** Weight of evidence and information value of one feature on the delinquency model's training population. */
export interface WoeFeature {
  feature: string;
  /** Information value Σ (goods share − bads share)·WoE, ≥ 0. */
  iv: number;
  /** none (< 0.02), weak (< 0.10), medium (< 0.30), strong. */
  strength: 'none' | 'weak' | 'medium' | 'strong';
  /** Training rows and bads (30+ DPD onset within the horizon) among them. */
  n: number;
  bads: number;
  /** Bins: decile index `00`…`09` (ties merged) with the value range, `missing`, or the text value. */
  bins: { bin: string; lo: number | null; hi: number | null; n: number; bad_rate: number; woe: number }[];
}

/** Vintage curves and roll rates from the repayment history. */
export interface VintageData {
  /** Last date whose events are known, YYYY-MM-DD. */
  data_end: string;
  /** Per vintage (half-year of disbursement, e.g. `2024-H1`) and month on book: loans observed that long, how many reached 30+ DPD by then, and the share. */
  curves: { vintage: string; mob: number; n: number; bads: number; rate: number }[];
  /** Month-to-month DPD bucket transitions over the last 12 month ends: count and share of the starting bucket. */
  roll_rates: { from: string; to: string; n: number; share: number }[];
}

/** A current loan to act on: predicted risk, the model's reasons and the planned follow-up. */
export interface ActionRow {
  loan_id: string;
  borrower_id: string;
  loan_type: string;
  credit_grade: string;
  /** Predicted probability of 30+ DPD onset within 3 and 6 months, 0–1. */
  risk_3m: number;
  risk_6m: number;
  /** Planned follow-up (null when the run has none for the loan). */
  due_on: string | null;
  purpose: string | null;
  channel: string | null;
  hour_start: number | null;
  hour_end: number | null;
  /** The model's reasons in words (the features that raise the risk most), English as the scorer wrote them. */
  reasons: string[];
}

/** Versions and data window behind the report. */
export interface Versions {
  delinquency_model: string | null;
  hangup_model: string | null;
  policy_version: string | null;
  run_id: string | null;
  as_of: string | null;
  /** First and last date per source table (YYYY-MM-DD; null when the table is missing or empty). */
  disbursed: { from: string | null; to: string | null };
  repayments_due: { from: string | null; to: string | null };
  contacts: { from: string | null; to: string | null };
  /** Package versions of the code that wrote the report. */
  code: Record<string, string>;
}

/** Where one model's figures in a section come from. */
export interface FigureSource {
  model: string;
  /**
   * `warehouse`: this warehouse's eval_predictions / score_population; `registry`: the files the model version
   * saved in the registry at training (its test-period predictions, its training population), read because this
   * warehouse has none of its own (e.g. training ran on a sample warehouse).
   */
  from: 'warehouse' | 'registry';
  /** Registry: the version read (the described run's, else the champion); null for the warehouse (rows carry none). */
  version: string | null;
  /** Registry: when that version was trained (its card's createdAt, ISO 8601); null for the warehouse. */
  trained_at: string | null;
}

export interface ReportData {
  /** Format version of this record. */
  version: 1;
  /** When the report was built (ISO 8601, from the injected clock). */
  generated_at: string;
  /** Language of labels: `en` or `zh-CN`. */
  lang: Lang;
  /** Models, policy, run, data window and code versions. */
  versions: Versions;
  performance: Part<PerformanceData>;
  stability: Part<PsiRow[]>;
  /**
   * Per model, where the performance figures, the training population of the stability figures and the WoE/IV
   * table's training rows come from (absent in report-data.json files written before it).
   */
  sources?: { performance: FigureSource[]; stability: FigureSource[]; woe?: FigureSource[] };
  /** Vintage curves and roll rates. */
  vintage: Part<VintageData>;
  /** WoE/IV per feature of the delinquency model (training population). */
  woe: Part<WoeFeature[]>;
  hangups: Part<HangupData>;
  schedule: Part<ScheduleData>;
  /** Current loans ranked by predicted risk, with reasons. */
  actions: Part<ActionRow[]>;
  backtest: Part<BacktestMetric[]>;
}

/** Report language (src/core/format.ts). Default: `en`. */
export { LANGS, type Lang } from '../core/format.ts';
