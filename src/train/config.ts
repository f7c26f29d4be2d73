/** Options both models' training takes alike (delinquency.ts and hangup.ts add their own grid bounds). */
import type { PeriodChoice } from '../features/periods.ts';

export interface FitConfig {
  seed?: number;
  /** Ensemble members of the network. */
  members?: number;
  /** Most epochs. Default 60. */
  epochs?: number;
  /** Move the calibration to the latest validation month's base rate when it differs (calibrate.ts). */
  priorShift?: boolean;
  /**
   * Relative validation log-loss improvement the network needs over its logistic baseline to be the champion
   * (src/models/champion.ts). Default CHAMPION_MARGIN (0: better at all).
   */
  championMargin?: number;
  /** As-of period of the out-of-time split. Default `auto`: months, or ISO weeks when fewer than 3 months. */
  period?: PeriodChoice;
  /** Aborted on SIGINT/SIGTERM: the fit stops after the current batch. */
  signal?: AbortSignal;
}
