/**
 * `followup export`: writes a recommendation run for a scheduling system (dialer CSV, JSON Lines, Parquet,
 * iCalendar) or POSTs it to a webhook as CloudEvents. See src/export/run.ts.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { counted } from '../../core/format.ts';
import { EXPORT_FORMATS, type ExportFormat, runExport, TOKEN_ENV } from '../../export/index.ts';
import { parseShard } from '../../shard/index.ts';
import { makeContext, printSummary } from '../context.ts';

interface ExportCliOptions {
  warehouse: string;
  format: string;
  run?: string;
  out?: string;
  target?: string;
  sinceLast?: boolean;
  maskPhone?: boolean;
  template?: string;
  excel?: boolean;
  url?: string;
  timeoutMs?: string;
  maxAttempts?: string;
  retryBaseMs?: string;
  retryMaxMs?: string;
  concurrency?: string;
  batchSize?: string;
  seed?: string;
  shard?: string;
  allowMassCancel?: boolean;
  allowPlainHttpToken?: boolean;
  maxCancelShare?: string;
  json?: boolean;
}

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} expects an integer; got ${JSON.stringify(v)}`);
  return n;
}

function share(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new UsageError(`--max-cancel-share expects a share between 0 and 1; got ${JSON.stringify(v)}`);
  return n;
}

export function register(program: Command): void {
  program
    .command('export')
    .description(
      'Export a recommendation run: dialer CSV, JSON Lines, Parquet, iCalendar or webhook (CloudEvents).',
    )
    .requiredOption('--warehouse <path>', 'warehouse DuckDB file')
    .requiredOption('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}`)
    .option('--run <run_id>', 'recommendation run to export (default: the latest)')
    .option('--out <path>', 'output file (csv, jsonl, parquet, ics)')
    .option('--target <name>', 'ledger target name for --since-last (default: the --out path or --url)')
    .option(
      '--since-last',
      'only new, changed and cancelled follow-ups since the last export to this target (ics: always the whole feed)',
    )
    .option('--mask-phone', 'mask phones as +86138****8000 (not for the dialer CSV)')
    .option(
      '--template <file.yaml|name>',
      'dialer template: columns, names, order, phone and date formats (csv only); shipped: genesys-cloud, five9',
    )
    .option('--excel', 'dialer CSV for Excel: UTF-8 BOM, phone as text ="+86…" (csv only)')
    .option(
      '--url <url>',
      `webhook endpoint; bearer token from $${TOKEN_ENV}, Standard Webhooks signing secret from $FOLLOWUP_WEBHOOK_SECRET`,
    )
    .option('--timeout-ms <ms>', 'webhook request timeout (default 10000)')
    .option('--max-attempts <n>', 'webhook attempts per event (default 8)')
    .option('--retry-base-ms <ms>', 'webhook backoff base (default 500)')
    .option('--retry-max-ms <ms>', 'webhook backoff cap (default 30000)')
    .option('--concurrency <n>', 'webhook requests in flight (default 4)')
    .option(
      '--batch-size <n>',
      'CloudEvents per webhook request: 1 = one per POST (default), more = batched mode (JSON array)',
    )
    .option('--seed <n>', 'seed of the retry jitter (default: from the clock)')
    .option('--shard <K/N>', 'only loans whose md5(loan_id) shard is K of N (see src/shard)')
    .option(
      '--allow-plain-http-token',
      'send the bearer token over plain http:// to a non-loopback host (refused by default)',
    )
    .option('--allow-mass-cancel', 'allow cancelling more than --max-cancel-share of what the target holds')
    .option(
      '--max-cancel-share <0..1>',
      "largest share of the target's follow-ups one export may cancel (default 0.2)",
    )
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (o: ExportCliOptions) => {
      const ctx = makeContext({ json: o.json });
      if (!(EXPORT_FORMATS as readonly string[]).includes(o.format)) {
        throw new UsageError(
          `--format expects one of ${EXPORT_FORMATS.join(', ')}; got ${JSON.stringify(o.format)}`,
        );
      }
      const webhook =
        o.url === undefined
          ? undefined
          : {
              url: o.url,
              timeoutMs: int('timeout-ms', o.timeoutMs),
              maxAttempts: int('max-attempts', o.maxAttempts),
              retryBaseMs: int('retry-base-ms', o.retryBaseMs),
              retryMaxMs: int('retry-max-ms', o.retryMaxMs),
              concurrency: int('concurrency', o.concurrency),
              batchSize: int('batch-size', o.batchSize),
              seed: int('seed', o.seed),
              allowPlainHttpToken: o.allowPlainHttpToken === true,
            };
      const summary = await runExport(ctx, {
        warehouse: o.warehouse,
        format: o.format as ExportFormat,
        runId: o.run,
        out: o.out,
        target: o.target,
        sinceLast: o.sinceLast === true,
        maskPhone: o.maskPhone === true,
        template: o.template,
        excel: o.excel === true,
        webhook,
        allowMassCancel: o.allowMassCancel === true,
        ...(o.maxCancelShare === undefined ? {} : { maxCancelShare: share(o.maxCancelShare) }),
        ...(o.shard === undefined ? {} : { shard: parseShard(o.shard) }),
      });
      printSummary(ctx, o.json, summary, () => {
        const c = summary.counts;
        const d = summary.delivery;
        return [
          `export ${summary.export_id}: ${counted(summary.written, 'follow-up', 'follow-ups')} to ${summary.out ?? summary.target}`,
          `  new ${c.new}, changed ${c.changed}, unchanged ${c.unchanged}, cancelled ${c.cancelled}`,
          d
            ? `  delivered ${d.delivered}, retried ${d.retried}, failed ${d.failed}, resumed ${d.resumed}`
            : '',
        ]
          .filter(Boolean)
          .join('\n');
      });
    });
}
