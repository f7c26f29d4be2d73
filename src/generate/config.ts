/**
 * `followup generate` configuration: validated with zod, then normalized (dates to day numbers, downturns to
 * month indexes). Errors say what was expected and what was found.
 */
import { z } from 'zod';
import { dayOf, partsOf } from '../core/days.ts';
import { UsageError } from '../core/errors.ts';
import { addMonthsToDay } from '../core/months.ts';
import { DEFAULT_PARAMS } from './defaults.ts';

/** What `generate` is asked for. */
export const GenerateConfigSchema = z.object({
  /** Number of borrowers (each holds one loan, some a second). Default 3000. */
  borrowers: z.number().int().min(1).max(50_000_000).default(3000),
  /** Length of the window in months. Default 36. */
  months: z.number().int().min(1).max(240).default(36),
  /** Seed of every random draw; same seed, same bytes. Default 7. */
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(7),
  /** Output directory (created if missing). */
  out: z.string().min(1),
  /** First day of the window, `YYYY-MM-DD`. Default 2023-01-01. */
  start: z.string().default('2023-01-01'),
  /** Write `.csv.gz` instead of `.csv`. Default false. */
  gzip: z.boolean().default(false),
  /** Forced downturns, `REGION@YYYY-MM` each. Default none. */
  downturn: z.array(z.string()).default([]),
});

export type GenerateConfig = z.infer<typeof GenerateConfigSchema>;

/** The configuration resolved into the generator's units. */
export interface ResolvedConfig extends GenerateConfig {
  /** First day of the window (day number). */
  startDay: number;
  /** Last day of the window, inclusive (day number). */
  endDay: number;
  /** Flat month indexes of the first and last window months. */
  startMonth: number;
  endMonth: number;
  /** Forced downturns: region and first month (flat index). */
  forced: { region: string; month: number }[];
}

/** Validates and resolves a configuration; throws UsageError listing every problem. */
export function resolveConfig(input: unknown): ResolvedConfig {
  const parsed = GenerateConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`);
    throw new UsageError(`generate: invalid options: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  const startDay = dayOf(c.start);
  if (Number.isNaN(startDay)) {
    throw new UsageError(`generate: --start must be a date YYYY-MM-DD; got ${JSON.stringify(c.start)}`);
  }
  const s = partsOf(startDay);
  const startMonth = s.y * 12 + s.m - 1;
  const endMonth = startMonth + c.months - 1;
  // The window ends the day before the same day-of-month `months` later (clamped to short months).
  const endDay = addMonthsToDay(startDay, c.months) - 1;
  const codes = DEFAULT_PARAMS.world.regions.map((r) => r.code);
  const forced = c.downturn.map((spec) => {
    const m = /^([A-Z]{2}-[A-Z0-9]{1,3})@(\d{4})-(\d{2})$/.exec(spec);
    if (!m || !codes.includes(m[1]!) || Number(m[3]) < 1 || Number(m[3]) > 12) {
      throw new UsageError(
        `generate: --downturn must be REGION@YYYY-MM with REGION one of ${codes.join(', ')}; got ${JSON.stringify(spec)}`,
      );
    }
    const month = Number(m[2]) * 12 + Number(m[3]) - 1;
    if (month < startMonth || month > endMonth) {
      throw new UsageError(
        `generate: --downturn month must fall inside the window ${c.start} + ${c.months} months; got ${JSON.stringify(spec)}`,
      );
    }
    return { region: m[1]!, month };
  });
  return { ...c, startDay, endDay, startMonth, endMonth, forced };
}
