/**
 * A model's version string: the last test period plus a content hash of what made the model — the data, the train
 * config as given, and every setting the fit resolved (defaults included). The config alone is not enough: it
 * holds only what the caller set, so a default changed in code (a learning rate, the clip share, the champion
 * margin) would otherwise keep the old version for a different model.
 */
import { sha256, stableStringify } from '../core/hash.ts';
import type { ChampionSelection, TrainedModel } from '../models/index.ts';

/** The settings a fit actually used, from the trained model (fit.ts records them with defaults applied). */
export function effectiveSettings(m: TrainedModel): Record<string, unknown> {
  return {
    kind: m.kind,
    arch: m.arch,
    outputs: m.outputs,
    fit: m.training.options,
    preprocess: m.training.preprocess ?? null,
    calibrate: m.training.calibrate ?? null,
  };
}

/** What one version is computed from. */
export interface VersionInput {
  /** Start of the last test period (the version's readable prefix). */
  lastTest: string;
  name: string;
  dataHash: string;
  /** The train config as given (without the abort signal). */
  config: unknown;
  backend: string;
  network: TrainedModel;
  baseline: TrainedModel;
  selection: ChampionSelection;
}

/** `<last test period>-<10 hex>`; the same inputs give the same string. */
export function modelVersion(v: VersionInput): string {
  // A baseline served in the network's place is another model under the name: it gets its own version.
  const served = v.selection.champion === 'network' ? {} : { served: 'baseline' };
  const settings = {
    network: effectiveSettings(v.network),
    baseline: effectiveSettings(v.baseline),
    championMargin: v.selection.margin,
  };
  const h = sha256(
    stableStringify({
      dataHash: v.dataHash,
      config: v.config,
      name: v.name,
      backend: v.backend,
      settings,
      ...served,
    }),
  );
  return `${v.lastTest}-${h.slice(0, 10)}`;
}
