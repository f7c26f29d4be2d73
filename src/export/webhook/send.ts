/**
 * Delivers pending CloudEvents to the webhook: one event per POST (structured mode, `application/cloudevents+json`,
 * the event's key as `Idempotency-Key`), or with `batchSize` > 1 up to that many per POST (batched mode,
 * `application/cloudevents-batch+json`, a JSON array; the key is a hash of the events' keys, the same on retries).
 * With FOLLOWUP_WEBHOOK_SECRET (`whsec_<base64>`) every attempt is signed as Standard Webhooks says:
 * `webhook-id` (the key), `webhook-timestamp` (Unix seconds of the attempt) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`).
 *
 *   webhook_deliveries (pending|failed, this target) ─► N workers ─► POST ─► 2xx: ack row, next
 *                                                                     └► 408/429/5xx/timeout/network: backoff, retry
 *                                                                     └► other 4xx or attempts exhausted: failed
 *
 * The ack is written to the warehouse before a worker takes its next event, so an export killed mid-run resumes
 * with exactly the unacknowledged events. The bearer token comes from FOLLOWUP_WEBHOOK_TOKEN and is never logged;
 * logs name events by key and loan id, never by phone.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { UsageError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import type { Warehouse } from '../../warehouse/db.ts';
import type { DeliveryCounts, WebhookOptions } from '../types.ts';
import { backoffMs, retryAfterMs, seededRandom } from './backoff.ts';

/** Environment variable holding the bearer token. */
export const TOKEN_ENV = 'FOLLOWUP_WEBHOOK_TOKEN';
/** Environment variable holding the Standard Webhooks signing secret, `whsec_<base64>`. */
export const SECRET_ENV = 'FOLLOWUP_WEBHOOK_SECRET';

/**
 * The HMAC key of a Standard Webhooks secret (`whsec_` + base64 of 24–64 bytes), or undefined when unset.
 * A malformed secret is refused without echoing it.
 */
export function signingKey(secret: string | undefined): Buffer | undefined {
  if (secret === undefined || secret === '') return undefined;
  const b64 = secret.startsWith('whsec_') ? secret.slice(6) : '';
  const key = Buffer.from(b64, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || key.length < 24 || key.length > 64)
    throw new UsageError(
      `${SECRET_ENV} is not a Standard Webhooks secret; expected whsec_ followed by the base64 of 24 to 64 random bytes`,
      { hint: 'e.g. whsec_$(openssl rand -base64 32)' },
    );
  return key;
}
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

  const batched = opts.batchSize > 1;
  if (batched) headers['content-type'] = 'application/cloudevents-batch+json; charset=utf-8';
  const secret = signingKey(process.env[SECRET_ENV]);

  const post = async (key: string, body: string): Promise<Outcome> => {
    try {
      const signed: Record<string, string> = {};
      if (secret) {
        const ts = String(Math.floor(clock.now().getTime() / 1000));
        const mac = createHmac('sha256', secret).update(`${key}.${ts}.${body}`).digest('base64');
        Object.assign(signed, {
          'webhook-id': key,
          'webhook-timestamp': ts,
          'webhook-signature': `v1,${mac}`,
        });
      }
      const res = await fetch(opts.url, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': key, ...signed },
        body,
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

  /** The events of one request, all acknowledged or failed together. */
  const setStatus = async (evs: Pending[], sql: string, params: (string | number | null)[]) => {
    for (const ev of evs) await db(() => w.run(sql, [ev.idempotency_key, ...params]));
  };

  const deliverGroup = async (evs: Pending[]) => {
    for (const ev of evs) if (ev.export_id !== p.exportId) counts.resumed++;
    const first = evs[0] as Pending;
    const key = batched
      ? `batch-${createHash('sha256')
          .update(evs.map((e) => e.idempotency_key).join(','))
          .digest('hex')
          .slice(0, 32)}`
      : first.idempotency_key;
    const body = batched ? `[${evs.map((e) => e.payload).join(',')}]` : first.payload;
    for (let attempt = 1; ; attempt++) {
      const r = await post(key, body);
      if (r.ok) {
        await setStatus(
          evs,
          `UPDATE webhook_deliveries SET status = 'acked', attempts = attempts + $2, last_status = $3,
             last_error = NULL, acked_at = CAST($4 AS TIMESTAMPTZ) WHERE idempotency_key = $1`,
          [attempt, r.status, clock.now().toISOString()],
        );
        counts.delivered += evs.length;
        return;
      }
      log.debug('webhook attempt failed', {
        key,
        events: evs.length,
        loan_id: first.loan_id,
        attempt,
        error: r.error,
      });
      if (!r.retry || attempt >= opts.maxAttempts) {
        await setStatus(
          evs,
          `UPDATE webhook_deliveries SET status = 'failed', attempts = attempts + $2, last_status = $3,
             last_error = $4 WHERE idempotency_key = $1`,
          [attempt, r.status, r.error],
        );
        counts.failed += evs.length;
        log.warn('webhook event failed', {
          key,
          events: evs.length,
          loan_id: first.loan_id,
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
    const groups: Pending[][] = [];
    for (let i = 0; i < page.length; i += opts.batchSize) groups.push(page.slice(i, i + opts.batchSize));
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < groups.length; i = next++) await deliverGroup(groups[i] as Pending[]);
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, groups.length) }, worker));
  }
  log.info('webhook delivery done', { ...counts });
  return counts;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
