/**
 * Champion by validation: of a network and its logistic baseline trained on the same split, the network is kept
 * only when it beats the baseline on the validation period by a stated margin; otherwise the baseline is served.
 *
 *   metric: mean masked log loss per row of the calibrated predictions on the validation rows
 *           (TrainingInfo.validLogLoss; every hazard month at risk for the delinquency model)
 *   rule:   network  ⇔  loss(network) < loss(baseline) × (1 − margin)
 *
 * Log loss is the proper score both models are fitted on, and relative rather than absolute because its level
 * follows the base rate (a 2 % event rate has a far smaller loss than a 20 % one). The validation period is the
 * one the test period never sees, so the choice cannot be tuned on the figures a report prints. The default margin
 * is zero: the network is served whenever it is better on validation, the baseline whenever it is not. A margin
 * above zero (0.2 % was tried) threw away networks the schedule needs: log loss barely registers what the planner
 * uses the hang-up model for — ranking one borrower's call slots — and on the 5,000-borrower backtest world
 * (seed 11) a hang-up network 0.197 % better than its baseline cut true hang-ups to 0.83× the fixed practice's,
 * where the baseline served in its place reached 0.87×. `championMargin` in the train config sets another.
 */
import { UsageError } from '../core/errors.ts';
import type { TrainedModel } from './types.ts';

/** Relative validation log-loss improvement the network needs to be kept: none beyond being better. */
export const CHAMPION_MARGIN = 0;

/** What was compared, what was chosen and why; written to the card and the training log. */
export interface ChampionSelection {
  champion: 'network' | 'baseline';
  metric: 'validation log loss (calibrated, mean per row)';
  /** Relative improvement the network needed. */
  margin: number;
  network: number;
  baseline: number;
  /** (baseline − network) / baseline: positive when the network is better. */
  improvement: number;
  /** Validation rows both were measured on. */
  rows: number;
  reason: string;
}

/** Chooses the champion of a (network, baseline) pair trained on the same split. */
export function selectChampion(
  network: TrainedModel,
  baseline: TrainedModel,
  margin: number = CHAMPION_MARGIN,
): ChampionSelection {
  if (!(margin >= 0 && margin < 1))
    throw new UsageError(`champion margin must be in [0, 1); got ${margin}`, {
      hint: 'a relative improvement, e.g. 0.002 for 0.2 %',
    });
  const ln = network.training.validLogLoss;
  const lb = baseline.training.validLogLoss;
  if (ln === undefined || lb === undefined)
    throw new UsageError('champion selection needs the validation log loss of both models; found none', {
      hint: 'train both models with this version of followup',
    });
  if (network.training.nValid !== baseline.training.nValid)
    throw new UsageError(
      `champion selection needs both models on the same validation rows; got ${network.training.nValid} and ${baseline.training.nValid}`,
    );
  const improvement = lb > 0 ? (lb - ln) / lb : 0;
  const keep = ln < lb * (1 - margin);
  const f = (x: number) => x.toFixed(5);
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  const reason = keep
    ? `the network's validation log loss ${f(ln)} is ${pct(improvement)} below the logistic baseline's ${f(lb)} (needed ≥ ${pct(margin)})`
    : `the network's validation log loss ${f(ln)} is ${improvement >= 0 ? `only ${pct(improvement)} below` : `${pct(-improvement)} above`} the logistic baseline's ${f(lb)} (needed ≥ ${pct(margin)} below), so the baseline is the champion`;
  return {
    champion: keep ? 'network' : 'baseline',
    metric: 'validation log loss (calibrated, mean per row)',
    margin,
    network: ln,
    baseline: lb,
    improvement,
    rows: network.training.nValid,
    reason,
  };
}
