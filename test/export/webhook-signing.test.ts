/**
 * Webhook signatures (Standard Webhooks) and batched mode against a REAL HTTP server on 127.0.0.1. The receiver
 * verifies every signature with its own HMAC over the raw body, as a receiver library would, and records what
 * arrived; the warehouse's delivery rows must agree.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { UsageError } from '../../src/core/errors.ts';
import { memoryLogger } from '../../src/core/log.ts';
import { runExport } from '../../src/export/index.ts';
import { openWarehouse, withWarehouse } from '../../src/warehouse/db.ts';
import { insertLoans, insertRun, makeLoans, makeRec } from './fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'export-webhook-signing-'));
const db = join(dir, 'w.duckdb');
const loans = makeLoans(12);
const KEY = Buffer.alloc(32, 7);
const SECRET = `whsec_${KEY.toString('base64')}`;
const NOW = '2026-11-21T06:00:00Z';
const deps = { log: memoryLogger(), clock: fixedClock(NOW) };

interface Arrival {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}
const arrivals: Arrival[] = [];
let server: Server;
let base: string;

/** The receiver's own check: HMAC-SHA256 over `id.timestamp.body` with the decoded secret, constant time. */
function verify(h: IncomingHttpHeaders, body: string): boolean {
  const [version, sig] = String(h['webhook-signature'] ?? '').split(',');
  if (version !== 'v1' || !sig) return false;
  const mac = createHmac('sha256', KEY)
    .update(`${h['webhook-id']}.${h['webhook-timestamp']}.${body}`)
    .digest();
  const got = Buffer.from(sig, 'base64');
  return got.length === mac.length && timingSafeEqual(got, mac);
}

beforeAll(async () => {
  const w = await openWarehouse(db);
  await insertLoans(w, loans);
  await insertRun(
    w,
    'run-1',
    '2026-11-20T00:00:00Z',
    loans.map((l, i) => makeRec(l, i, 'run-1')),
  );
  w.close();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      arrivals.push({ path: req.url ?? '', headers: req.headers, body, verified: verify(req.headers, body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
});

async function exportTo(path: string, batchSize?: number) {
  process.env.FOLLOWUP_WEBHOOK_SECRET = SECRET;
  try {
    return await runExport(deps, {
      warehouse: db,
      format: 'webhook',
      webhook: { url: `${base}${path}`, seed: 1, ...(batchSize ? { batchSize } : {}) },
    });
  } finally {
    delete process.env.FOLLOWUP_WEBHOOK_SECRET;
  }
}

describe('Standard Webhooks signatures', () => {
  it('signs every request; id = Idempotency-Key = CloudEvent id; timestamp = the attempt', async () => {
    const s = await exportTo('/one');
    expect(s.delivery).toMatchObject({ delivered: 12, failed: 0 });
    const got = arrivals.filter((a) => a.path === '/one');
    expect(got).toHaveLength(12);
    for (const a of got) {
      expect(a.verified).toBe(true);
      expect(a.headers['webhook-id']).toBe(a.headers['idempotency-key']);
      expect(JSON.parse(a.body).id).toBe(a.headers['webhook-id']);
      expect(a.headers['webhook-timestamp']).toBe(String(Date.parse(NOW) / 1000));
      expect(a.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    }
    // A body changed in transit fails the receiver's check.
    const a = got[0] as Arrival;
    expect(verify(a.headers, a.body.replace('"specversion"', '"specversion" '))).toBe(false);
  });

  it('batched mode: arrays of up to --batch-size events, signed, every event acknowledged once', async () => {
    const s = await exportTo('/batch', 5);
    expect(s.delivery).toMatchObject({ delivered: 12, failed: 0 });
    const got = arrivals.filter((a) => a.path === '/batch');
    expect(got.map((a) => JSON.parse(a.body).length).sort()).toEqual([2, 5, 5]);
    for (const a of got) {
      expect(a.verified).toBe(true);
      expect(a.headers['content-type']).toBe('application/cloudevents-batch+json; charset=utf-8');
      expect(a.headers['idempotency-key']).toMatch(/^batch-[0-9a-f]{32}$/);
    }
    const ids = got.flatMap((a) => JSON.parse(a.body).map((e: { id: string }) => e.id));
    expect(new Set(ids).size).toBe(12);
    await withWarehouse(
      db,
      async (w) => {
        const rows = await w.all<{ key: string; status: string }>(
          "SELECT idempotency_key AS key, status FROM webhook_deliveries WHERE target LIKE '%/batch' ORDER BY 1",
        );
        expect(rows.map((r) => r.key)).toEqual([...ids].sort());
        expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['acked']));
      },
      { readOnly: true },
    );
  });

  it('a malformed secret is refused before anything is sent, without echoing it', async () => {
    const before = arrivals.length;
    process.env.FOLLOWUP_WEBHOOK_SECRET = 'whsec_tooshort';
    try {
      const e = await runExport(deps, {
        warehouse: db,
        format: 'webhook',
        webhook: { url: `${base}/bad` },
      }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UsageError);
      expect((e as Error).message).toBe(
        'FOLLOWUP_WEBHOOK_SECRET is not a Standard Webhooks secret; expected whsec_ followed by the base64 of 24 to 64 random bytes',
      );
    } finally {
      delete process.env.FOLLOWUP_WEBHOOK_SECRET;
    }
    expect(arrivals.length).toBe(before);
  });
});
