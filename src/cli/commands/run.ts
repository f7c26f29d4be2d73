/**
 * `followup run <pipeline> [--workdir DIR] [--set k=v …] [--wait-lock S] [--json]`: runs a declarative pipeline
 * (pipelines/<name>.yaml or a path) and prints what each step did. Runs are recorded in the warehouse
 * (pipeline_runs, pipeline_steps); one run per warehouse at a time.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { runPipeline } from '../../pipeline/run.ts';
import { loadPipeline } from '../../pipeline/spec.ts';
import { STAGES } from '../../pipeline/stages/index.ts';
import { summarizeRun } from '../../pipeline/summary.ts';
import { makeContext, printSummary } from '../context.ts';
import { progressReporter } from '../progress.ts';

export const PIPELINES_DIR = resolve(import.meta.dirname, '../../../pipelines');

export function resolvePipeline(name: string): string {
  if (existsSync(name)) return name;
  const p = join(PIPELINES_DIR, `${name}.yaml`);
  if (existsSync(p)) return p;
  const known = existsSync(PIPELINES_DIR)
    ? readdirSync(PIPELINES_DIR)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => f.slice(0, -5))
    : [];
  throw new UsageError(
    `no pipeline "${name}": expected a YAML file path or one of ${known.join(', ') || '(none)'} in ${PIPELINES_DIR}`,
  );
}

export function register(program: Command): void {
  program
    .command('run')
    .description('Run a declarative pipeline (demo, daily-score, monthly-retrain, or a YAML path).')
    .argument('[pipeline]', 'pipeline name or file', 'demo')
    .option('--workdir <dir>', 'work directory for the warehouse, models, exports and report', '.work/demo')
    .option('--warehouse <file>', 'warehouse file (default <workdir>/warehouse.duckdb)')
    .option('--set <kv...>', 'override pipeline params, e.g. --set as_of=2025-12-31')
    .option('--wait-lock <seconds>', 'wait this long for another run to finish before refusing', '0')
    .option(
      '--allow-mass-cancel',
      'let export steps cancel more than their max_cancel_share of what a target holds (sets allow_mass_cancel)',
    )
    .option('--list-stages', 'list the stages pipelines can use, with what they read and write')
    .option('--json', 'JSON logs and a JSON summary on stdout')
    .action(
      async (
        name: string,
        o: {
          workdir: string;
          warehouse?: string;
          set?: string[];
          waitLock: string;
          json?: boolean;
          listStages?: boolean;
          allowMassCancel?: boolean;
        },
      ) => {
        const ctx = makeContext(o);
        if (o.listStages) {
          const list = Object.values(STAGES).map((s) => ({
            name: s.name,
            doc: s.doc,
            reads: s.reads,
            writes: s.writes,
            produces: s.produces ?? [],
          }));
          printSummary(ctx, o.json, list, () =>
            list
              .map(
                (s) =>
                  `${s.name}: ${s.doc}\n  reads ${s.reads.join(', ')}\n  writes ${s.writes.join(', ')}` +
                  (s.produces.length
                    ? `\n  produces ${s.produces.map((n) => `\${steps.<id>.${n}}`).join(', ')}`
                    : ''),
              )
              .join('\n'),
          );
          return;
        }
        const set: Record<string, string> = {};
        for (const kv of o.set ?? []) {
          const i = kv.indexOf('=');
          if (i < 1) throw new UsageError(`--set expects name=value; got ${JSON.stringify(kv)}`);
          set[kv.slice(0, i)] = kv.slice(i + 1);
        }
        if (o.allowMassCancel) set.allow_mass_cancel = 'true';
        const wait = Number(o.waitLock);
        if (!Number.isFinite(wait) || wait < 0)
          throw new UsageError(`--wait-lock expects seconds ≥ 0; got ${o.waitLock}`);
        const spec = await loadPipeline(resolvePipeline(name));
        const progress = progressReporter(o.json === true ? false : process.stderr.isTTY === true);
        const record = await runPipeline(spec, {
          workdir: o.workdir,
          ...(o.warehouse ? { warehouse: o.warehouse } : {}),
          set,
          log: ctx.log,
          clock: ctx.clock,
          stages: STAGES,
          waitLockSeconds: wait,
          progress: progress.update,
        }).finally(progress.stop);
        const summary = summarizeRun(record);
        printSummary(ctx, o.json, summary.json, () => summary.text);
      },
    );
}
