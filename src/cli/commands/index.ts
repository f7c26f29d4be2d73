/**
 * The command registry: one file per command under src/cli/commands/, named as the command, each exporting
 * `register(program)`. Add a command by adding its file and one line here.
 *
 * Loaded lazily: a command's module pulls in what it runs (DuckDB, TensorFlow.js, Vega-Lite, arquero — seconds of
 * startup all together), so `followup ingest …` loads the ingest command alone and only help, an unknown command or
 * a bare `followup` load every one.
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

type Loader = () => Promise<{ register: RegisterCommand }>;

/** Command name → its module, in the order help lists them. */
export const COMMANDS: Record<string, Loader> = {
  ingest: () => import('./ingest.ts'),
  export: () => import('./export.ts'),
  generate: () => import('./generate.ts'),
  features: () => import('./features.ts'),
  report: () => import('./report.ts'),
  benchmark: () => import('./benchmark.ts'),
  train: () => import('./train.ts'),
  score: () => import('./score.ts'),
  recommend: () => import('./recommend.ts'),
  run: () => import('./run.ts'),
  evaluate: () => import('./evaluate.ts'),
  warehouse: () => import('./warehouse.ts'),
  models: () => import('./models.ts'),
  retrain: () => import('./retrain.ts'),
  monitor: () => import('./monitor.ts'),
  backtest: () => import('./backtest.ts'),
  rejects: () => import('./rejects.ts'),
  config: () => import('./config.ts'),
  scripts: () => import('./scripts.ts'),
};

/**
 * The register functions a command line needs: the named command's alone when the first argument names one,
 * otherwise (help, a flag first, an unknown or misspelt command that gets suggestions) every command's.
 */
export async function loadCommands(args: readonly string[] = []): Promise<RegisterCommand[]> {
  const first = args[0];
  const one =
    first !== undefined && Object.hasOwn(COMMANDS, first) ? [COMMANDS[first]!] : Object.values(COMMANDS);
  return (await Promise.all(one.map((load) => load()))).map((m) => m.register);
}
