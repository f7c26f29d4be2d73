/**
 * `followup export`: a recommendation run to a scheduling system.
 *
 *   1. resolve the run (given or latest)
 *   2. plan: diff the run against the ledger of this format/target → new / changed / unchanged / cancelled;
 *      refuse when it would cancel more than maxCancelShare of what the target holds (unless allowMassCancel)
 *   3. write: csv | jsonl | parquet | ics to a temp file, renamed into place once complete; ics is always the
 *      whole feed (every current follow-up and the recent cancellations), with or without since-last
 *      webhook: enqueue CloudEvents durably (same transaction as the ledger), then deliver
 *   4. record the export and its ledger rows
 *
 * Reads: recommendation_runs, recommendations, loans, export_ledger, webhook_deliveries.
 * Writes: the output file; exports, export_ledger, webhook_deliveries.
 */
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Clock } from '../core/clock.ts';
import { BadInputError, BusyError, PartialError, UsageError } from '../core/errors.ts';
import { counted } from '../core/format.ts';
import { throwIfInterrupted } from '../core/interrupt.ts';
import type { Logger } from '../core/log.ts';
import { removeStaleTemps, tempPathOf } from '../core/temp-files.ts';
import { type Warehouse, withWarehouse } from '../warehouse/db.ts';
import { ensureRecommendationTables } from '../warehouse/recommendations.ts';
import { ensureContractTables } from '../warehouse/schema.ts';
import { guardCancellations, heldByTarget } from './guard.ts';
import { type ExportHead, newExportHead, recordExport } from './ledger.ts';
import { buildPlan, planSize, recommendationColumns, resolveRun } from './plan.ts';
import { checkOutNotWarehouse, checkToken, checkWebhookUrl } from './safety.ts';
import { ensureExportTables } from './tables.ts';
import { loadTemplate } from './template.ts';
import { writeDialerCsv } from './to-csv.ts';
import { writeIcs } from './to-ics.ts';
import { writeJsonl, writeParquet } from './to-records.ts';
import {
  type ExportConfig,
  type ExportConfigParsed,
  ExportConfigSchema,
  type ExportSummary,
} from './types.ts';
import { enqueueDeliveries } from './webhook/enqueue.ts';
import { deliverPending, SECRET_ENV, signingKey, TOKEN_ENV } from './webhook/send.ts';
import { asWriteError } from './write-error.ts';

/** Days after its due date a cancelled follow-up stays in the iCalendar feed as STATUS:CANCELLED. */
export const ICS_KEEP_CANCELLED_DAYS = 30;

export interface ExportDeps {
  log: Logger;
  clock: Clock;
}

export async function runExport(deps: ExportDeps, config: ExportConfig): Promise<ExportSummary> {
  const cfg = validate(config);
  if (cfg.out && !existsSync(dirname(resolve(cfg.out)))) {
    throw new BadInputError(`output folder does not exist: ${dirname(resolve(cfg.out))}`, {
      place: { file: cfg.out },
      hint: 'create the folder or choose another --out',
    });
  }
  try {
    return await withWarehouse(cfg.warehouse, (w) => exportWith(w, deps, cfg));
  } catch (e) {
    // DuckDB allows one writing process per file: another export or stage holds it.
    if (e instanceof Error && /Could not set lock/i.test(e.message)) {
      throw new BusyError(`warehouse ${cfg.warehouse} is in use by another process`, {
        hint: 'wait for the other run to finish, then retry',
      });
    }
    throw e;
  }
}

function validate(config: ExportConfig): ExportConfigParsed {
  // Credentials in a URL are refused below; check first so the schema's message never echoes them.
  if (config.webhook?.url) checkWebhookUrl(config.webhook.url);
  const parsed = ExportConfigSchema.safeParse(config);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new UsageError(`export: ${i?.path.join('.') || 'options'}: ${i?.message ?? 'invalid'}`);
  }
  const c = parsed.data;
  if (c.format === 'webhook') {
    if (!c.webhook)
      throw new UsageError('export --format webhook needs --url', {
        hint: 'e.g. --url https://dialer.example/hooks',
      });
    checkWebhookUrl(c.webhook.url);
    checkToken(process.env[TOKEN_ENV], c.webhook.url, TOKEN_ENV, c.webhook.allowPlainHttpToken);
    signingKey(process.env[SECRET_ENV]);
  } else if (!c.out) {
    throw new UsageError(`export --format ${c.format} needs --out PATH`);
  } else checkOutNotWarehouse(c.out, c.warehouse);
  if (c.format === 'csv' && c.maskPhone) {
    throw new UsageError('--mask-phone does not apply to the dialer CSV: a dialer needs callable numbers', {
      hint: 'use --format jsonl, parquet, ics or webhook for a masked output',
    });
  }
  if (c.template && c.format !== 'csv') throw new UsageError('--template applies to --format csv only');
  if (c.excel && c.format !== 'csv') throw new UsageError('--excel applies to --format csv only');
  return c;
}

/**
 * A file export is one transaction, from the tables' creation to the ledger: a run killed, stopped or failed
 * before its COMMIT leaves the warehouse as it was (the file is then absent, the old one, or — killed between the
 * rename and the COMMIT — complete, and the next export writes it again). A webhook export commits its queue
 * first and then records each delivery as it happens, so it is not one transaction.
 */
async function exportWith(w: Warehouse, deps: ExportDeps, c: ExportConfigParsed): Promise<ExportSummary> {
  return c.format === 'webhook' ? exportIn(w, deps, c) : w.tx(() => exportIn(w, deps, c));
}

/** The tables an export reads and writes, created when missing (also the pipeline stage's `prepare`). */
export async function ensureExportTablesOf(w: Warehouse): Promise<void> {
  await ensureContractTables(w);
  await ensureRecommendationTables(w);
  await ensureExportTables(w);
}

async function exportIn(w: Warehouse, deps: ExportDeps, c: ExportConfigParsed): Promise<ExportSummary> {
  const { log, clock } = deps;
  const started = Date.now();
  await ensureExportTablesOf(w);
  const loaded = c.format === 'csv' ? loadTemplate(c.template) : undefined;
  const template = loaded && c.excel ? { ...loaded, excel: true } : loaded;
  // 1. the run
  const runId = await resolveRun(w, c.runId);
  const target = c.target ?? (c.format === 'webhook' ? (c.webhook?.url ?? '') : resolve(c.out ?? ''));
  // The webhook is incremental by nature: a version already enqueued for this target is never sent twice.
  const sinceLast = c.format === 'webhook' ? true : c.sinceLast;
  // A calendar subscription replaces its events with the feed's on every refresh and drops what the feed no longer
  // holds, so the .ics is a snapshot: every current follow-up, moved ones with a raised SEQUENCE and cancellations
  // as STATUS:CANCELLED until ICS_KEEP_CANCELLED_DAYS after their due date. The ledger still tracks what changed.
  const snapshot = c.format === 'ics';
  // 2. the plan
  const { read, ...counts } = await buildPlan(w, {
    runId,
    format: c.format,
    target,
    sinceLast: sinceLast && !snapshot,
    ...(snapshot ? { keepCancelledDays: ICS_KEEP_CANCELLED_DAYS } : {}),
    ...(c.shard ? { shard: c.shard } : {}),
  });
  guardCancellations(
    {
      counts,
      held: await heldByTarget(w),
      maxShare: c.maxCancelShare,
      allow: c.allowMassCancel,
      target,
      runId,
    },
    log,
  );
  const written = await planSize(w);
  const head = await newExportHead(w, {
    format: c.format,
    target,
    run_id: runId,
    exported_at: clock.now().toISOString(),
    since_last: sinceLast,
  });
  log.info('export planned', {
    export_id: head.export_id,
    run_id: runId,
    format: c.format,
    ...counts,
    written,
    read,
  });
  const cols = await recommendationColumns(w);
  const summary: ExportSummary = {
    export_id: head.export_id,
    format: c.format,
    target,
    run_id: runId,
    since_last: sinceLast,
    out: c.out ? resolve(c.out) : null,
    counts,
    written,
    read,
  };
  // 3–4. write and record
  if (c.format === 'webhook') {
    const opts = c.webhook;
    if (!opts) throw new UsageError('export --format webhook needs --url');
    await w.tx(async () => {
      await enqueueDeliveries(w, head, cols, c.maskPhone);
      await recordExport(w, head, counts, written);
    });
    summary.delivery = await deliverPending(w, { target, exportId: head.export_id, opts, log, clock });
  } else {
    const stale = await removeStaleTemps(resolve(c.out ?? ''));
    if (stale.length)
      log.warn(
        `export: removed ${counted(stale.length, 'temp file', 'temp files')} an interrupted export left`,
        {
          files: stale,
        },
      );
    const truncated = await writeFile(w, c, head, cols, template);
    if (template) {
      summary.truncated_cells = truncated;
      if (truncated > 0)
        log.warn(
          `dialer CSV: ${counted(truncated, 'cell', 'cells')} cut to ${template.max_cell_chars} characters (ending in '…')`,
          {
            export_id: head.export_id,
          },
        );
    }
    await w.tx(() => recordExport(w, head, counts, written));
  }
  log.info('export done', { export_id: head.export_id, written, ms: Date.now() - started });
  if (summary.delivery && summary.delivery.failed > 0) {
    throw new PartialError(
      `${counted(summary.delivery.failed, 'webhook event', 'webhook events')} failed; re-run to retry them`,
      summary,
    );
  }
  return summary;
}

async function writeFile(
  w: Warehouse,
  c: ExportConfigParsed,
  head: ExportHead,
  cols: string[],
  template: ReturnType<typeof loadTemplate> | undefined,
): Promise<number> {
  const out = resolve(c.out ?? '');
  // Written beside the target and renamed: a reader never sees half a file, a failure leaves the old one.
  const tmp = tempPathOf(out);
  let truncated = 0;
  try {
    if (c.format === 'csv' && template) truncated = await writeDialerCsv(w, template, tmp);
    else if (c.format === 'jsonl') await writeJsonl(w, cols, c.maskPhone, tmp);
    else if (c.format === 'parquet') await writeParquet(w, cols, c.maskPhone, tmp);
    else if (c.format === 'ics')
      await writeIcs(w, { maskPhone: c.maskPhone, exportedAt: head.exported_at, name: 'Follow-ups' }, tmp);
    // Asked to stop while writing: keep the old file (the temp file is removed below), commit nothing.
    throwIfInterrupted(
      w.signal,
      `before ${out} was put in place; the file and the warehouse are as they were`,
    );
    await rename(tmp, out);
  } catch (e) {
    await rm(tmp, { force: true });
    throw asWriteError(e, out);
  }
  return truncated;
}

/** Exports on a warehouse the caller already holds open (the pipeline runner shares one connection). */
export async function runExportOn(
  w: Warehouse,
  deps: ExportDeps,
  config: ExportConfig,
): Promise<ExportSummary> {
  return exportWith(w, deps, validate(config));
}
