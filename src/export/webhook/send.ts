/**
 * Delivers pending CloudEvents to the webhook, one event per POST (structured mode,
 * `application/cloudevents+json`), so each request carries exactly one `Idempotency-Key`.
 *
 *   webhook_deliveries (pending|failed, this target) ─► N workers ─► POST ─► 2xx: ack row, next
 *                                                                     └► 408/429/5xx/timeout/network: backoff, retry
 *                                                                     └► other 4xx or attempts exhausted: failed
 *
 * The ack is written to the warehouse before a worker takes its next event, so an export killed mid-run resumes
 * with exactly the unacknowledged events. The bearer token comes from FOLLOWUP_WEBHOOK_TOKEN and is never logged;
 * logs name events by key and loan id, never by phone.
 */
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/log.ts';
import type { Warehouse } from '../../warehouse/db.ts';
import type { DeliveryCounts, WebhookOptions } from '../types.ts';
import { backoffMs, retryAfterMs, seededRandom } from './backoff.ts';

/** Environment variable holding the bearer token. */
export const TOKEN_ENV = 'FOLLOWUP_WEBHOOK_TOKEN';
const PAGE = 1_000;

interface Pending {
  idempotency_key: string;
  loan_id: string;
  payload: string;
  export_id: string;
  export_no: bigint;
  seq_no: bigint;
}

type Outcome =
  | { ok: true; status: number }
  | { ok: false; retry: boolean; status: number | null; error: string; waitFloor: number };

export async function deliverPending(
  w: Warehouse,
  p: { target: string; exportId: string; opts: WebhookOptions; log: Logger; clock: Clock },
): Promise<DeliveryCounts> {
  const { opts, log, clock } = p;
  const token = process.env[TOKEN_ENV];
  const rnd = seededRandom(opts.seed ?? clock.now().getTime());
  const counts: DeliveryCounts = { delivered: 0, retried: 0, failed: 0, resumed: 0 };
  // One DuckDB connection: serialize its writes so concurrent workers never interleave statements.
  let dbChain: Promise<unknown> = Promise.resolve();
  const db = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = dbChain.then(fn);
    dbChain = next.catch(() => {});
    return next;
  };
  const headers: Record<string, string> = { 'content-type': 'application/cloudevents+json; charset=utf-8' };
  if (token) headers.authorization = `Bearer ${token}`;

  const post = async (ev: Pending): Promise<Outcome> => {
    try {
      const res = await fetch(opts.url, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': ev.idempotency_key },
        body: ev.payload,
        signal: AbortSignal.timeout(opts.timeoutMs),
        // A redirect is a failure: fetch would follow a 302/303 with a bodyless GET and count the event delivered.
        redirect: 'manual',
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, status: res.status };
      if (res.status >= 300 && res.status < 400)
        return {
          ok: false,
          retry: false,
          status: res.status,
          error: `HTTP ${res.status} redirect not followed (point --url at the final endpoint)`,
          waitFloor: 0,
        };
      const retry = res.status === 408 || res.status === 429 || res.status >= 500;
      const waitFloor = retryAfterMs(res.headers.get('retry-after'), clock.now());
      return { ok: false, retry, status: res.status, error: `HTTP ${res.status}`, waitFloor };
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      const what =
        err.name === 'TimeoutError' ? `timeout after ${opts.timeoutMs} ms` : (err.cause?.code ?? err.message);
      // The token must never reach a log line or last_error, whatever the network stack put in its message.
      const error = token ? String(what).replaceAll(token, '***') : String(what);
      return { ok: false, retry: true, status: null, error, waitFloor: 0 };
    }
  };

  const deliverOne = async (ev: Pending) => {
    if (ev.export_id !== p.exportId) counts.resumed++;
    for (let attempt = 1; ; attempt++) {
      const r = await post(ev);
      if (r.ok) {
        await db(() =>
          w.run(
            `UPDATE webhook_deliveries SET status = 'acked', attempts = attempts + $2, last_status = $3,
               last_error = NULL, acked_at = CAST($4 AS TIMESTAMPTZ) WHERE idempotency_key = $1`,
            [ev.idempotency_key, attempt, r.status, clock.now().toISOString()],
          ),
        );
        counts.delivered++;
        return;
      }
      log.debug('webhook attempt failed', {
        key: ev.idempotency_key,
        loan_id: ev.loan_id,
        attempt,
        error: r.error,
      });
      if (!r.retry || attempt >= opts.maxAttempts) {
        await db(() =>
          w.run(
            `UPDATE webhook_deliveries SET status = 'failed', attempts = attempts + $2, last_status = $3,
               last_error = $4 WHERE idempotency_key = $1`,
            [ev.idempotency_key, attempt, r.status, r.error],
          ),
        );
        counts.failed++;
        log.warn('webhook event failed', {
          key: ev.idempotency_key,
          loan_id: ev.loan_id,
          attempts: attempt,
          error: r.error,
        });
        return;
      }
      counts.retried++;
      await sleep(backoffMs(attempt - 1, opts.retryBaseMs, opts.retryMaxMs, rnd, r.waitFloor));
    }
  };

  // Keyset paging keeps memory flat however many events are pending.
  let last: [bigint, bigint] = [-1n, -1n];
  for (;;) {
    const page = await db(() =>
      w.all<Pending>(
        `SELECT idempotency_key, loan_id, payload, export_id, export_no, seq_no FROM webhook_deliveries
         WHERE target = $1 AND status IN ('pending', 'failed') AND (export_no > $2 OR (export_no = $2 AND seq_no > $3))
         ORDER BY export_no, seq_no LIMIT ${PAGE}`,
        [p.target, last[0], last[1]],
      ),
    );
    if (page.length === 0) break;
    const tail = page[page.length - 1] as Pending;
    last = [BigInt(tail.export_no), BigInt(tail.seq_no)];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < page.length; i = next++) await deliverOne(page[i] as Pending);
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, page.length) }, worker));
  }
  log.info('webhook delivery done', { ...counts });
  return counts;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
