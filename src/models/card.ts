/**
 * The model card: what a model is, what it was trained on and how well it does, as card.json and card.md.
 */
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
  libraries: Record<string, string>;
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
    '',
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
