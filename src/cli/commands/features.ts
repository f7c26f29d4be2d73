/**
 * `followup features --warehouse W --as-of DATE[,DATE…] [--horizon 6] [--data-end DATE] [--hangup] [--json]`
 * Builds point-in-time snapshot features with hazard labels (table features_snapshot) and, with --hangup, one
 * row per outbound phone attempt (table features_hangup). Prints rows, features, manifest hash and seconds.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { BadInputError, UsageError } from '../../core/errors.ts';
import {
  buildHangupRows,
  buildSnapshots,
  type HangupResult,
  type SnapshotResult,
} from '../../features/index.ts';
import { lockWarehouse } from '../../pipeline/lock.ts';
import { withWarehouse } from '../../warehouse/db.ts';
import { makeContext, printSummary } from '../context.ts';

const optionsSchema = z.object({
  warehouse: z.string().min(1),
  asOf: z.string().min(1),
  horizon: z.string().regex(/^\d+$/, 'must be a whole number of months').optional(),
  dataEnd: z.string().optional(),
  hangup: z.boolean().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  json: z.boolean().optional(),
});

export interface FeaturesSummary {
  snapshot: SnapshotResult;
  hangup?: HangupResult;
  /** Wall time of the whole command, seconds. */
  seconds: number;
}

export function register(program: Command): void {
  program
    .command('features')
    .description(
      'Build point-in-time features and 6-month delinquency hazard labels per loan and as-of date (features_snapshot); with --hangup also one row per phone attempt (features_hangup).',
    )
    .requiredOption('--warehouse <file>', 'DuckDB warehouse file with the contract tables')
    .requiredOption('--as-of <dates>', 'as-of dates YYYY-MM-DD, comma-separated (e.g. month starts)')
    .option('--horizon <months>', 'label horizon in months (default 6)')
    .option('--data-end <date>', 'last date whose events are known (default: latest payment or contact)')
    .option('--hangup', 'also build hang-up rows (one per outbound phone attempt)')
    .option('--from <date>', 'hang-up rows: first attempt date, UTC (inclusive)')
    .option('--to <date>', 'hang-up rows: end attempt date, UTC (exclusive)')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (raw: unknown) => {
      const parsed = optionsSchema.safeParse(raw);
      if (!parsed.success)
        throw new UsageError(
          `features: ${parsed.error.issues.map((i) => `--${i.path.join('.')} ${i.message}`).join('; ')}`,
        );
      const o = parsed.data;
      const ctx = makeContext(o);
      if (!existsSync(o.warehouse))
        throw new BadInputError(`warehouse ${o.warehouse} does not exist`, {
          hint: 'load data first with `followup ingest --warehouse W …`',
        });
      const asOf = o.asOf.split(',').map((d) => d.trim());
      const started = performance.now();
      const unlock = await lockWarehouse(o.warehouse);
      let summary: FeaturesSummary;
      try {
        summary = await withWarehouse(o.warehouse, async (w) => {
          const have = await w.all<{ t: string }>(
            "SELECT table_name AS t FROM duckdb_tables() WHERE table_name IN ('loans', 'repayments', 'contacts', 'market')",
          );
          if (have.length < 4)
            throw new BadInputError(
              `warehouse ${o.warehouse} lacks contract tables: expected loans, repayments, contacts, market; found ${have.map((r) => r.t).join(', ') || 'none'}`,
              { hint: 'load data first with `followup ingest`' },
            );
          const snapshot = await buildSnapshots(w, {
            asOf,
            ...(o.horizon ? { horizon: Number(o.horizon) } : {}),
            ...(o.dataEnd ? { dataEnd: o.dataEnd } : {}),
          });
          ctx.log.info('snapshot features built', { rows: snapshot.rows, seconds: secs(started) });
          const hangup = o.hangup
            ? await buildHangupRows(w, { ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) })
            : undefined;
          return { snapshot, ...(hangup ? { hangup } : {}), seconds: secs(started) };
        });
      } finally {
        await unlock();
      }
      printSummary(ctx, o.json, summary, () => human(summary));
    });
}

function secs(t0: number): number {
  return Math.round(performance.now() - t0) / 1000;
}

function human(s: FeaturesSummary): string {
  const p = s.snapshot;
  const lines = [
    `${p.table}: ${p.rows} rows (${Object.entries(p.rowsByAsOf)
      .map(([d, n]) => `${d}: ${n}`)
      .join(', ')}), ${p.features} features, manifest ${p.manifestHash.slice(0, 12)}`,
    `labels: horizon ${p.horizon} months, data end ${p.dataEnd}, ${p.events} onsets, ${p.delinquent} already 30+ DPD (excluded)`,
  ];
  if (s.hangup)
    lines.push(
      `${s.hangup.table}: ${s.hangup.rows} attempts, ${s.hangup.positives} hung up or refused, ${s.hangup.features} features, manifest ${s.hangup.manifestHash.slice(0, 12)}`,
    );
  lines.push(`${s.seconds} s`);
  return lines.join('\n');
}
