/**
 * Hang-up likelihood: a binary network (sigmoid output, log loss) per contact attempt, or its logistic baseline.
 */
import { BadInputError } from '../core/errors.ts';
import type { FeatureTable } from '../features/types.ts';
import { fitModel, predictProba } from './fit.ts';
import type { Split, TrainedModel, TrainOptions } from './types.ts';

/** Trains the hang-up model; `y[i]` is 1 when attempt i ended in a hang-up or refusal. */
export function trainHangupModel(
  table: FeatureTable,
  y: ArrayLike<number>,
  split: Split,
  opts: TrainOptions = {},
): Promise<TrainedModel> {
  if (y.length !== table.n)
    throw new BadInputError(`hang-up labels have ${y.length} rows but the table has ${table.n}`);
  const yy = new Float32Array(table.n);
  for (let i = 0; i < table.n; i++) {
    const v = y[i] as number;
    if (v !== 0 && v !== 1)
      throw new BadInputError(`hang-up label row ${i} must be 0 or 1; got ${v}`, { place: { line: i } });
    yy[i] = v;
  }
  return fitModel('hangup', table, { y: yy, m: new Float32Array(table.n).fill(1), k: 1 }, split, opts);
}

/** Calibrated hang-up probability per row. */
export function predictHangup(model: TrainedModel, table: FeatureTable): Float32Array {
  return predictProba(model, table);
}
