/**
 * `followup scripts stats --warehouse W [--run ID]`: outcomes per script and next action for a recommendation run
 * (the contacts sent back with its followup_ids), and each configured challenger script against its champion.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { UsageError } from '../../core/errors.ts';
import { type ScriptStats, scriptStats } from '../../scripts/stats.ts';
import { makeContext, printSummary } from '../context.ts';
import { flagProblems, withLockedWarehouse } from '../with-warehouse.ts';

const Options = z.object({
  warehouse: z.string().min(1),
  run: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

export function register(program: Command): void {
  const scripts = program
    .command('scripts')
    .description('The script library: outcomes per script and variant.');
  scripts
    .command('stats')
    .description(
      'Attempts, answered and hang-up rates per script and next action; challengers against champions.',
    )
    .requiredOption('--warehouse <file>', 'DuckDB warehouse')
    .option('--run <id>', 'recommendation run (default: the latest)')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (raw: unknown) => {
      const parsed = Options.safeParse(raw);
      if (!parsed.success) throw new UsageError(flagProblems('scripts stats', parsed.error.issues));
      const o = parsed.data;
      const ctx = makeContext(o);
      const s = await withLockedWarehouse(o.warehouse, (w) => scriptStats(w, o.run));
      printSummary(ctx, o.json, s, () => human(s));
    });
}

const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);

function human(s: ScriptStats): string {
  return [
    `run ${s.run_id}: scripts ${s.scripts_version?.slice(0, 12) ?? 'unrecorded'}, seed ${s.seed ?? '—'}`,
    ...s.rows.map(
      (r) =>
        `  ${r.script_id.padEnd(24)} ${r.next_action.padEnd(16)} ${String(r.follow_ups).padStart(6)} follow-ups  ${String(r.attempts).padStart(6)} attempts  answered ${pct(r.answered_rate)}  hung up ${pct(r.hangup_rate)}`,
    ),
    ...s.comparisons.map(
      (c) =>
        `  ${c.challenger} vs ${c.champion}: answered ${c.answered_diff ? `${pct(c.answered_diff[0])} [${pct(c.answered_diff[1])}, ${pct(c.answered_diff[2])}]` : '—'}, hung up ${c.hangup_diff ? `${pct(c.hangup_diff[0])} [${pct(c.hangup_diff[1])}, ${pct(c.hangup_diff[2])}]` : '—'} (${c.attempts[1]} vs ${c.attempts[0]} attempts)`,
    ),
  ].join('\n');
}
