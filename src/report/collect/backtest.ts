/**
 * Reads the backtest comparison (recommended schedule vs the fixed practice) from a `backtest_results` JSON file.
 * Accepted shape, validated with zod: `{ "metrics": [{ "name", "fixed", "recommended", "unit"?, "lower_is_better"? }] }`
 * or the bare array. No file → a visible note; a file that does not parse → BadInputError naming the path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { BadInputError } from '../../core/errors.ts';
import type { BacktestMetric, Part } from '../types.ts';

const Metric = z.object({
  name: z.string().min(1),
  fixed: z.number(),
  recommended: z.number(),
  tiered: z.number().optional(),
  random: z.number().optional(),
  oracle: z.number().optional(),
  unit: z.string().default(''),
  lower_is_better: z.boolean().default(true),
});
const Results = z.union([z.object({ metrics: z.array(Metric).min(1) }), z.array(Metric).min(1)]);

export function loadBacktest(path: string | undefined): Part<BacktestMetric[]> {
  if (path === undefined) return { ok: false, reason: 'no backtest_results file given (--backtest FILE)' };
  if (!existsSync(path)) return { ok: false, reason: `backtest_results file ${path} does not exist` };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new BadInputError(`backtest_results is not valid JSON: ${(e as Error).message}`, {
      place: { file: path },
    });
  }
  const parsed = Results.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadInputError(
      `backtest_results: expected {metrics: [{name, fixed, recommended, unit?, lower_is_better?}]}; ${
        issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unexpected shape'
      }`,
      { place: { file: path } },
    );
  }
  const metrics = Array.isArray(parsed.data) ? parsed.data : parsed.data.metrics;
  return { ok: true, value: metrics };
}
