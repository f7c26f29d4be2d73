/**
 * Errors of the lifecycle commands. `DriftError` has its own exit code (5) so a scheduler or an alerting rule can
 * tell "the data drifted" apart from bad input (2), a partial load (3) or a busy warehouse (4).
 */
import { FollowupError } from '../core/errors.ts';

/** Exit code of `followup monitor --fail-on drift` when drift was found. */
export const DRIFT_EXIT_CODE = 5;

/** `monitor --fail-on drift` found drift. Exit 5; the monitoring summary is printed before it is thrown. */
export class DriftError extends FollowupError {
  /** The monitoring result that found the drift. */
  readonly summary: unknown;
  constructor(message: string, summary: unknown) {
    super('E_DRIFT', DRIFT_EXIT_CODE, message, {
      hint: 'see the PSI table in the summary; `followup retrain` trains and compares a challenger',
    });
    this.summary = summary;
  }
}
