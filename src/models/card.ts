/**
 * The model card: what a model is, what it was trained on and how well it does, as card.json and card.md.
 */
import type { PriorShift, TestCalibration } from './calibrate.ts';
import type { ChampionSelection } from './champion.ts';
import type { TrainedModel } from './types.ts';

/** Contents of card.json. */
export interface ModelCard {
  name: string;
  version: string;
  kind: TrainedModel['kind'];
  arch: TrainedModel['arch'];
  /** Months of the hazard (1 for hang-up). */
  outputs: number;
  features: { name: string; type: string; family: string }[];
  manifestHash: string;
  featureVersion: string;
  /** sha256 of the training data as given by the caller (e.g. the feature snapshot); null when unknown. */
  dataHash: string | null;
  training: TrainedModel['training'];
  calibration: TrainedModel['calibration']['method'];
  /** The prior-shift check on the latest validation month (calibrate.ts), when it ran. */
  calibration_shift?: PriorShift;
  /** Calibration of the test period: ECE and Brier with Platt alone and with the prior-shift correction. */
  calibration_test?: TestCalibration;
  libraries: Record<string, string>;
  /** Why this model (network or logistic baseline) is the one served: champion by validation (champion.ts). */
  selection?: ChampionSelection;
  /** Headline metrics (e.g. test AUC per horizon), as given by the caller. */
  metrics: Record<string, unknown>;
  /** ISO timestamp of the save, from the injected clock. */
  createdAt: string;
}

/** Renders card.md from the card. */
export function renderCardMarkdown(c: ModelCard): string {
  const t = c.training;
  const lines = [
    `# ${c.name} ${c.version}`,
    '',
    `${c.kind === 'hazard' ? `Discrete-time delinquency hazard over ${c.outputs} months` : 'Hang-up likelihood per contact attempt'}` +
      ` — ${c.arch === 'mlp' ? `MLP ${t.options.hidden.join('-')}` : 'logistic regression'}, ${c.calibration} calibration.`,
    '',
    '| item | value |',
    '|---|---|',
    `| backend | ${t.backend} |`,
    `| seed | ${t.seed} |`,
    `| training rows / validation rows | ${t.nTrain} / ${t.nValid} |`,
    `| training window | ${t.window ? `${t.window.from} … ${t.window.to}` : 'n/a'} |`,
    `| training seconds | ${t.seconds.toFixed(1)} |`,
    `| epochs (best) | ${t.epochs.join(', ')} (${t.bestEpoch.join(', ')}) |`,
    `| feature version / manifest hash | ${c.featureVersion} / ${c.manifestHash} |`,
    `| data hash | ${c.dataHash ?? 'n/a'} |`,
    `| libraries | ${Object.entries(c.libraries)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} |`,
    `| created | ${c.createdAt} |`,
    ...shiftRows(c.calibration_shift),
    '',
    ...testCalibrationRows(c.calibration_test),
    ...selectionLines(c.selection),
    '## Metrics',
    '',
    '```json',
    JSON.stringify(c.metrics, null, 2),
    '```',
    '',
    `## Features (${c.features.length})`,
    '',
    ...c.features.map((f) => `- \`${f.name}\` (${f.type}, ${f.family})`),
    '',
  ];
  return lines.join('\n');
}

/** The champion-by-validation section: both losses, the margin and the decision in words. */
function selectionLines(s: ChampionSelection | undefined): string[] {
  if (!s) return [];
  return [
    '## Champion by validation',
    '',
    `Champion: **${s.champion === 'network' ? 'the network' : 'the logistic baseline'}** — ${s.reason}.`,
    '',
    `| ${s.metric} | value |`,
    '|---|---|',
    `| network | ${s.network.toFixed(5)} |`,
    `| logistic baseline | ${s.baseline.toFixed(5)} |`,
    `| improvement of the network (needed) | ${(100 * s.improvement).toFixed(2)} % (≥ ${(100 * s.margin).toFixed(2)} %) |`,
    `| validation rows | ${s.rows} |`,
    '',
  ];
}

/** Card rows of the prior-shift check: per output column, the recent base rate and what the shift did. */
function shiftRows(s: PriorShift | undefined): string[] {
  if (!s) return [];
  const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(2)} %` : 'n/a');
  const f4 = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : 'n/a');
  return s.delta.map((d, j) => {
    const col = s.delta.length > 1 ? ` (output ${j + 1})` : '';
    const what =
      d === 0
        ? 'within two standard errors: no shift'
        : `${s.applied ? 'intercept moved' : 'not applied (train --prior-shift): intercept would move'} ${d > 0 ? '+' : ''}${d.toFixed(3)}, Brier ${f4(s.brier_before[j]!)} → ${f4(s.brier_after[j]!)}, ECE ${f4(s.ece_before[j]!)} → ${f4(s.ece_after[j]!)} on those rows`;
    return `| prior shift on ${s.period}${col} | ${s.rows[j]} rows, observed ${pct(s.observed_rate[j]!)} vs predicted ${pct(s.predicted_rate[j]!)}; ${what} |`;
  });
}

/**
 * The test period's calibration as a section of card.md: per output, the observed rate and, for Platt alone and
 * with the prior-shift correction, the mean prediction, ECE and Brier; the one the model applies is marked.
 */
function testCalibrationRows(c: TestCalibration | undefined): string[] {
  if (!c) return [];
  const pct = (v: number | undefined) =>
    v !== undefined && Number.isFinite(v) ? `${(100 * v).toFixed(2)} %` : 'n/a';
  const f4 = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v.toFixed(4) : 'n/a');
  const mark = (m: TestCalibration['used']) => (c.used === m ? ' (applied)' : '');
  const rows = c.rows.flatMap((n, j) => {
    const out = c.rows.length > 1 ? `${j + 1}` : '1';
    const lines = [
      `| ${out} | ${n} | ${pct(c.observed_rate[j])} | Platt${mark('platt')} | ${pct(c.platt.mean[j])} | ${f4(c.platt.ece[j])} | ${f4(c.platt.brier[j])} |`,
    ];
    const s = c.prior_shift;
    if (s)
      lines.push(
        `| ${out} | ${n} | ${pct(c.observed_rate[j])} | Platt + prior shift ${(s.delta[j] ?? 0) >= 0 ? '+' : ''}${(s.delta[j] ?? 0).toFixed(3)}${mark('prior_shift')} | ${pct(s.mean[j])} | ${f4(s.ece[j])} | ${f4(s.brier[j])} |`,
      );
    return lines;
  });
  return [
    `## Calibration on the test period (${c.period})`,
    '',
    c.prior_shift
      ? 'Platt scaling fitted on the validation period, alone and with the prior-shift correction of the latest validation period (a shift of 0 means its base rate was within two standard errors of the prediction).'
      : 'Platt scaling fitted on the validation period; no prior-shift check ran (the validation rows span one period).',
    '',
    '| output | rows | observed | calibration | mean predicted | ECE | Brier |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ];
}
