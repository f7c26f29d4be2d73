/**
 * `followup report --warehouse W --out DIR [--models DIR] [--lang en|zh-CN] [--run RUN_ID] [--split test]
 *  [--capacity N] [--backtest FILE] [--no-images] [--part all|history] [--history FILE] [--json]`
 * Writes Vega-Lite specs, SVG/PNG per chart and one offline index.html for the latest (or given) run. A model with
 * no matured predictions (or training population) in the warehouse is reported from the files its version saved
 * in the registry (--models) at training. The warehouse is opened read-only: a report never changes it.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_MODELS_DIR } from '../../core/defaults.ts';
import { BadInputError, BusyError, UsageError } from '../../core/errors.ts';
import { buildReport, buildReportHistory } from '../../report/build.ts';
import { readHistory } from '../../report/history.ts';
import { LANGS } from '../../report/types.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/db.ts';
import { makeContext, printSummary } from '../context.ts';

const optionsSchema = z.object({
  warehouse: z.string().min(1),
  out: z.string().min(1),
  models: z.string().min(1).default(DEFAULT_MODELS_DIR),
  lang: z.enum(LANGS).default('en'),
  run: z.string().min(1).optional(),
  split: z.string().min(1).default('test'),
  capacity: z.coerce.number().int().positive().optional(),
  backtest: z.string().min(1).optional(),
  prenotifyHours: z.coerce
    .number()
    .int()
    .positive()
    .max(24 * 30)
    .optional(),
  images: z.boolean().default(true),
  part: z.enum(['all', 'history']).default('all'),
  history: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

export function register(program: Command): void {
  program
    .command('report')
    .description('Build the report: Vega-Lite specs, SVG/PNG charts and one offline HTML page.')
    .requiredOption('--warehouse <path>', 'warehouse DuckDB file')
    .requiredOption('--out <dir>', 'output directory (created if missing)')
    .option(
      '--models <dir>',
      "model registry root: a model with no matured predictions or training population in the warehouse is reported from its version's saved evaluation",
      DEFAULT_MODELS_DIR,
    )
    .option('--lang <lang>', `label language: ${LANGS.join(' or ')} (default en)`)
    .option('--run <run_id>', 'recommendation run to describe (default: the latest)')
    .option('--split <name>', 'eval_predictions split for model metrics (default test)')
    .option(
      '--capacity <n>',
      'contacts per day the call centre can make (default: stored with the run, if any)',
    )
    .option(
      '--backtest <file>',
      'backtest_results JSON (default: backtest_results.json beside the warehouse)',
    )
    .option(
      '--prenotify-hours <h>',
      'hours before a call in which an SMS/email counts as notice (default 48)',
    )
    .option('--no-images', 'write specs and index.html only, no SVG/PNG')
    .option(
      '--part <part>',
      'all (default), or history: only performance, WoE/IV, vintages and hang-ups, to <out>/report-history.json',
    )
    .option(
      '--history <file>',
      'a report-history.json collected earlier: its sections are used when the data and options are the same',
    )
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (raw: Record<string, unknown>) => {
      const parsed = optionsSchema.safeParse(raw);
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw new UsageError(
          `--${String(i?.path[0] ?? '?')}: ${i?.message ?? 'invalid'}; got ${JSON.stringify(raw[String(i?.path[0])])}`,
        );
      }
      const o = parsed.data;
      const ctx = makeContext({ json: o.json });
      if (!existsSync(o.warehouse))
        throw new BadInputError(`warehouse not found: expected a DuckDB file, found nothing`, {
          place: { file: o.warehouse },
        });
      if (o.part === 'history' && o.history !== undefined)
        throw new UsageError(
          `--history: expected it with the whole report (--part all), where it replaces sections; found it with --part history, which only collects them`,
        );
      const history = o.history === undefined ? undefined : readHistory(o.history);
      const w = await openReadOnly(o.warehouse);
      let summary: Awaited<ReturnType<typeof buildReport>>;
      try {
        const opts = {
          outDir: o.out,
          lang: o.lang,
          split: o.split,
          modelsDir: o.models,
          images: o.images,
          clock: ctx.clock,
          log: ctx.log,
          ...(o.run === undefined ? {} : { runId: o.run }),
          ...(o.capacity === undefined ? {} : { capacity: o.capacity }),
          ...(o.backtest === undefined ? {} : { backtestPath: o.backtest }),
          ...(o.prenotifyHours === undefined ? {} : { prenotifyHours: o.prenotifyHours }),
        };
        if (o.part === 'history') {
          const path = await buildReportHistory(w, opts);
          printSummary(ctx, o.json, { history: path }, () => `report history sections written to ${path}`);
          return;
        }
        summary = await buildReport(w, { ...opts, ...(history ? { history, historyPath: o.history } : {}) });
      } finally {
        w.close();
      }
      printSummary(ctx, o.json, summary, () =>
        [
          `report written to ${summary.out_dir} (${summary.charts.length} charts, ${summary.files.length} files)`,
          ...summary.not_available.map((n) => `  not available: ${n.name}: ${n.reason}`),
          ...(summary.history ? [`  history sections: ${summary.history}`] : []),
        ].join('\n'),
      );
    });
}

/** Opens the warehouse read-only; a writer holding its lock is BusyError (exit 4), any other failure bad input. */
async function openReadOnly(path: string): Promise<Warehouse> {
  try {
    return await openWarehouse(path, { readOnly: true });
  } catch (e) {
    const msg = (e as Error).message;
    if (/lock/i.test(msg))
      throw new BusyError(`warehouse ${path} is locked by another process`, {
        hint: 'retry when the writer is done',
      });
    throw new BadInputError(`cannot open warehouse: expected a DuckDB file; ${msg}`, {
      place: { file: path },
      cause: e,
    });
  }
}
