/**
 * Export configuration (validated, hashable) and result (JSON-serializable).
 */
import { z } from 'zod';

/** Default largest share of the target's active follow-ups one export may cancel (src/export/guard.ts). */
export const DEFAULT_MAX_CANCEL_SHARE = 0.2;

export const EXPORT_FORMATS = ['csv', 'jsonl', 'parquet', 'ics', 'webhook'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** How a follow-up stands relative to what the same format/target was last sent. */
export type ExportState = 'new' | 'changed' | 'unchanged' | 'cancelled';

export const WebhookOptionsSchema = z.object({
  /** Endpoint receiving CloudEvents (one event per POST). Required for the webhook format. */
  url: z.url({
    protocol: /^https?$/,
    error: (i) => `expected an http:// or https:// URL; got ${JSON.stringify(i.input)}`,
  }),
  /** Per-request timeout in ms. Default 10 000. */
  timeoutMs: z.number().int().positive().default(10_000),
  /** Attempts per event before it is marked failed (a later run retries it). Default 8. */
  maxAttempts: z.number().int().min(1).default(8),
  /** Base of the exponential backoff in ms: the k-th retry waits U(0, min(max, base·2^k)). Default 500. */
  retryBaseMs: z.number().int().min(0).default(500),
  /** Cap of one backoff wait in ms. Default 30 000. */
  retryMaxMs: z.number().int().min(0).default(30_000),
  /** Requests in flight at once. Default 4. */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** Seed of the jitter generator; unset = seeded from the clock. Tests fix it. */
  seed: z.number().int().optional(),
  /** CloudEvents per request: 1 = structured mode, one event per POST; > 1 = batched mode (JSON array). Default 1. */
  batchSize: z.number().int().min(1).max(1000).default(1),
  /** Send the bearer token over plain http to a non-loopback host. Default false (refused). */
  allowPlainHttpToken: z.boolean().default(false),
});
export type WebhookOptions = z.infer<typeof WebhookOptionsSchema>;

export const ExportConfigSchema = z.object({
  /** Path of the warehouse DuckDB file. */
  warehouse: z.string().min(1),
  /** Output format. */
  format: z.enum(EXPORT_FORMATS),
  /** Recommendation run to export. Default: the latest by created_at. */
  runId: z.string().min(1).optional(),
  /** Output file (csv, jsonl, parquet, ics). Required for file formats. */
  out: z.string().min(1).optional(),
  /** Ledger target name. Default: the absolute --out path, or the webhook URL. */
  target: z.string().min(1).optional(),
  /** Only new, changed and cancelled follow-ups since the last export of the same format/target (csv, jsonl,
   * parquet; the webhook always). iCalendar is always the whole feed, since_last or not. Default false. */
  sinceLast: z.boolean().default(false),
  /** Mask phones (+86138****8000) — every format but the dialer CSV. Default false. */
  maskPhone: z.boolean().default(false),
  /** Dialer template YAML (csv only): column selection, names and order, phone format, cell cap. */
  template: z.string().min(1).optional(),
  /** Excel-friendly dialer CSV (csv only): UTF-8 BOM, phone as text; overrides the template's `excel`. Default false. */
  excel: z.boolean().default(false),
  /** Webhook settings (webhook only). */
  webhook: WebhookOptionsSchema.optional(),
  /** Allow cancelling more than `maxCancelShare` of the follow-ups the target holds. Default false. */
  allowMassCancel: z.boolean().default(false),
  /** Largest share (0…1) of the target's active follow-ups one export may cancel without `allowMassCancel`. Default 0.2. */
  maxCancelShare: z.number().min(0).max(1).default(DEFAULT_MAX_CANCEL_SHARE),
  /** Only loans of shard `K/N` (src/shard: md5(loan_id) mod N); cancellations too. Default: every loan. */
  shard: z.object({ k: z.number().int().min(1), n: z.number().int().min(1) }).optional(),
});
export type ExportConfig = z.input<typeof ExportConfigSchema>;
export type ExportConfigParsed = z.infer<typeof ExportConfigSchema>;

/** Follow-ups in each state in this export (before the since-last filter). */
export interface StateCounts {
  new: number;
  changed: number;
  unchanged: number;
  cancelled: number;
}

/** Webhook delivery figures of one export run (including deliveries resumed from an earlier, crashed run). */
export interface DeliveryCounts {
  /** Events acknowledged (2xx) in this run. */
  delivered: number;
  /** Retry attempts made (attempts after the first, over all events). */
  retried: number;
  /** Events that exhausted their attempts or got a permanent 4xx; a later run retries them. */
  failed: number;
  /** Events resumed from an earlier run that had not been acknowledged. */
  resumed: number;
}

/** How an export's plan reads the run's wide rows (recommendation texts are most of their bytes): export/plan.ts. */
export type PlanRead = 'in place' | 'sorted copy';

export interface ExportSummary {
  export_id: string;
  format: ExportFormat;
  target: string;
  run_id: string;
  since_last: boolean;
  /** Output file, for file formats. */
  out: string | null;
  /** Follow-ups by state relative to the previous export of this format/target. */
  counts: StateCounts;
  /** Rows (csv, jsonl, parquet), events (ics) or CloudEvents planned (webhook) in this export. */
  written: number;
  /**
   * How the plan read the run: `in place` (stored in the export's order, as `recommend` stores a run) or `sorted
   * copy` (a run stored in another order, e.g. made by an older version: the same output, slower and larger).
   */
  read: PlanRead;
  /** Webhook only. */
  delivery?: DeliveryCounts;
  /** Dialer CSV only: text cells cut to the template's `max_cell_chars` (each ends in '…'). */
  truncated_cells?: number;
}
