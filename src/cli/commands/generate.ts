/**
 * `followup generate`: writes a synthetic lending world (loans, repayments, contacts, market as CSV, plus the
 * ground truth under truth/) for demos, tests and benchmarks. Same seed, same bytes.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { runGenerate } from '../../generate/run.ts';
import { makeContext, printSummary } from '../context.ts';

function integer(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v))
      throw new InvalidArgumentError(`${name} must be a non-negative integer; got "${v}".`);
    return Number(v);
  };
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

export function register(program: Command): void {
  program
    .command('generate')
    .description('Write a synthetic lending world as CSV: loans, repayments, contacts, market, and truth/.')
    .requiredOption('--out <dir>', 'output directory (created if missing)')
    .option('--borrowers <n>', 'number of borrowers', integer('--borrowers'), 3000)
    .option('--months <n>', 'length of the window in months', integer('--months'), 36)
    .option('--seed <n>', 'random seed; same seed, same bytes', integer('--seed'), 7)
    .option('--start <date>', 'first day of the window, YYYY-MM-DD', '2023-01-01')
    .option('--gzip', 'write .csv.gz files', false)
    .option(
      '--downturn <REGION@YYYY-MM>',
      'force a housing downturn in a region from a month (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print a machine-readable summary on stdout')
    .action(async (opts) => {
      const ctx = makeContext(opts);
      const result = await runGenerate(
        {
          out: opts.out,
          borrowers: opts.borrowers,
          months: opts.months,
          seed: opts.seed,
          start: opts.start,
          gzip: opts.gzip === true,
          downturn: opts.downturn,
        },
        ctx.log,
      );
      printSummary(ctx, opts.json, result, () =>
        [
          `generated ${opts.borrowers} borrowers × ${opts.months} months into ${result.out} in ${result.seconds} s`,
          ...Object.entries(result.rows).map(([f, n]) => `  ${f}: ${n} rows`),
        ].join('\n'),
      );
    });
}
