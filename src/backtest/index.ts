/**
 * Backtest and truth evaluation on generated worlds: replay month by month against the fixed practice, and
 * compare predicted hazards with the generator's ground truth.
 */

export { runTruthEvaluation, truthAgreement } from './evaluate-truth.ts';
export { type BacktestConfig, type BacktestResult, runBacktest, scalePolicy } from './run.ts';
