/**
 * Webhook delivery against a REAL HTTP server on 127.0.0.1 that fails ~30 % of requests with 5xx (seeded),
 * lets some time out, answers some 429, and is stopped and restarted once mid-run; the exporter runs as a REAL
 * child process (the CLI) and is SIGKILLed once mid-run, then re-run. Every follow-up must be acknowledged
 * exactly once by idempotency key, none missing; the summary reports retries; no token or phone in the logs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { memoryLogger } from '../../src/core/log.ts';
import { runExport } from '../../src/export/index.ts';
import { seededRandom } from '../../src/export/webhook/backoff.ts';
import { openWarehouse, withWarehouse } from '../../src/warehouse/db.ts';
import { insertLoans, insertRun, makeLoans, makeRec } from './fixture.ts';

const N = 80;
const TOKEN = 'tok-7f3a9c1e-secret';
const dir = mkdtempSync(join(tmpdir(), 'export-webhook-'));
const db = join(dir, 'w.duckdb');
const loans = makeLoans(N);
const recs = loans.map((l, i) => makeRec(l, i, 'run-1'));

/** The receiver: dedups by Idempotency-Key, counts first deliveries and re-sends of acknowledged keys. */
class Receiver {
  acked = new Map<string, { subject: string; phone: string }>();
  resentAfterAck = 0;
  requests = 0;
  /** Every accepted request's key, in arrival order, with the phase it arrived in. */
  log: { key: string; phase: string }[] = [];
  phase = 'first';
  failures = 0;
  badRequests: string[] = [];
  onFirst: (n: number) => void = () => {};
  private rnd: () => number;
  constructor(seed = 2024) {
    this.rnd = seededRandom(seed);
  }
  private server: Server | undefined;
  port = 0;

  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((ok) => s.close(() => ok()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.requests++;
      const key = String(req.headers['idempotency-key'] ?? '');
      if (req.headers.authorization !== `Bearer ${TOKEN}`) this.badRequests.push(`auth ${key}`);
      if (!String(req.headers['content-type']).startsWith('application/cloudevents+json')) {
        this.badRequests.push(`content-type ${key}`);
      }
      const r = this.rnd();
      if (r < 0.3) {
        this.failures++;
        res.writeHead(503).end('try later');
        return;
      }
      if (r < 0.35) return; // hang: the client's timeout must fire
      if (r < 0.38) {
        res.writeHead(429, { 'retry-after': '0' }).end();
        return;
      }
      const ev = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (ev.id !== key || ev.specversion !== '1.0') this.badRequests.push(`event ${key}`);
      this.log.push({ key, phase: this.phase });
      if (this.acked.has(key)) this.resentAfterAck++;
      else {
        this.acked.set(key, { subject: ev.subject, phone: ev.data.phone });
        this.onFirst(this.acked.size);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  }
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function exporter(url: string, onSpawn?: (c: ChildProcess) => void): Promise<RunResult> {
  const args = ['src/cli/followup.mjs', 'export', '--warehouse', db, '--format', 'webhook', '--url', url];
  args.push('--timeout-ms', '250', '--retry-base-ms', '10', '--retry-max-ms', '120', '--max-attempts', '60');
  args.push('--concurrency', '4', '--seed', '42', '--mask-phone', '--json');
  const child = spawn(process.execPath, args, {
    cwd: new URL('../..', import.meta.url).pathname,
    env: {
      ...process.env,
      FOLLOWUP_WEBHOOK_TOKEN: TOKEN,
      FOLLOWUP_LOG_LEVEL: 'debug',
      FOLLOWUP_NOW: '2026-11-21T06:00:00Z',
    },
  });
  onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((ok) => child.on('close', (code, signal) => ok({ code, signal, stdout, stderr })));
}

const rx = new Receiver();

beforeAll(async () => {
  const w = await openWarehouse(db);
  await insertLoans(w, loans);
  await insertRun(w, 'run-1', '2026-11-20T00:00:00Z', recs);
  w.close();
  await rx.start();
});

afterAll(async () => {
  await rx.stop();
});

describe('webhook export', () => {
  it('delivers every follow-up exactly once through 5xx, timeouts, a server restart and a SIGKILL', async () => {
    const url = `http://127.0.0.1:${rx.port}/hooks/followups`;
    let child: ChildProcess | undefined;
    let restarted = false;
    let killed = false;
    rx.onFirst = (n) => {
      if (n === 25 && !restarted) {
        restarted = true;
        const port = rx.port;
        // After this response is written: the restart drops connections, not an acknowledgement.
        setImmediate(
          () =>
            void rx.stop().then(() => new Promise((ok) => setTimeout(ok, 400)).then(() => rx.start(port))),
        );
      }
      if (n === 55 && !killed) {
        killed = true;
        child?.kill('SIGKILL');
      }
    };
    const crashed = await exporter(url, (c) => {
      child = c;
    });
    expect(crashed.signal).toBe('SIGKILL');
    expect(restarted).toBe(true);
    const ackedBeforeRerun = rx.acked.size;
    expect(ackedBeforeRerun).toBeGreaterThanOrEqual(55);
    expect(ackedBeforeRerun).toBeLessThan(N);
    // What the killed exporter had recorded as acknowledged must never be sent again.
    const recorded = await withWarehouse(db, (w) =>
      w.all<{ k: string }>("SELECT idempotency_key AS k FROM webhook_deliveries WHERE status = 'acked'"),
    );
    expect(recorded.length).toBeGreaterThan(40);
    rx.phase = 'rerun';

    const resumed = await exporter(url);
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary.delivery.failed).toBe(0);
    expect(summary.delivery.resumed).toBeGreaterThan(0);
    expect(summary.delivery.retried).toBeGreaterThan(0);
    // The rerun sent only what the crashed run had not recorded as acknowledged.
    expect(summary.delivery.delivered).toBeLessThanOrEqual(N - ackedBeforeRerun + 4);

    // Exactly once by key: one acknowledged key per follow-up, none missing. (A key may reach the receiver twice
    // when a response is lost — a client timeout, the kill — and the receiver dedups it by key.)
    expect(rx.badRequests).toEqual([]);
    expect(rx.acked.size).toBe(N);
    const subjects = [...rx.acked.values()].map((v) => v.subject).sort();
    expect(subjects).toEqual(recs.map((r) => `${r.loan_id}/${r.purpose}/${r.cycle}`).sort());
    const recordedKeys = new Set(recorded.map((r) => r.k));
    expect(rx.log.filter((l) => l.phase === 'rerun' && recordedKeys.has(l.key))).toEqual([]);
    expect(rx.failures).toBeGreaterThan(10);
    // Phones masked in the payload; neither phones nor the token in either run's logs.
    for (const v of rx.acked.values()) expect(v.phone).toMatch(/^\+\d{5}\*+\d{4}$/);
    for (const log of [crashed.stderr, resumed.stderr]) {
      expect(log).not.toContain(TOKEN);
      for (const l of loans) expect(log).not.toContain(l.phone.slice(1));
    }
    expect(resumed.stderr).toContain('webhook attempt failed');

    const rows = await withWarehouse(db, (w) =>
      w.all<{ idempotency_key: string; status: string; attempts: number }>(
        'SELECT idempotency_key, status, attempts FROM webhook_deliveries ORDER BY 1',
      ),
    );
    expect(rows.map((r) => r.idempotency_key)).toEqual([...rx.acked.keys()].sort());
    expect(rows.every((r) => r.status === 'acked' && r.attempts >= 1)).toBe(true);
  });

  it('a re-run with no change sends nothing', async () => {
    const before = rx.requests;
    const s = await runExport(
      { log: memoryLogger(), clock: fixedClock('2026-11-21T08:00:00Z') },
      { warehouse: db, format: 'webhook', webhook: { url: `http://127.0.0.1:${rx.port}/hooks/followups` } },
    );
    expect(s.written).toBe(0);
    expect(s.delivery).toEqual({ delivered: 0, retried: 0, failed: 0, resumed: 0 });
    expect(rx.requests).toBe(before);
  });

  it('a second target gets its own deliveries (keys are per target); in-process logs hold no token or phone', async () => {
    const other = new Receiver(99);
    await other.start();
    const log = memoryLogger();
    const saved = process.env.FOLLOWUP_WEBHOOK_TOKEN;
    process.env.FOLLOWUP_WEBHOOK_TOKEN = TOKEN;
    try {
      const s = await runExport(
        { log, clock: fixedClock('2026-11-21T07:00:00Z') },
        {
          warehouse: db,
          format: 'webhook',
          webhook: {
            url: `http://127.0.0.1:${other.port}/in`,
            timeoutMs: 250,
            retryBaseMs: 5,
            retryMaxMs: 50,
            maxAttempts: 60,
            seed: 1,
          },
        },
      );
      expect(s.delivery?.delivered).toBe(N);
      expect(s.delivery?.retried).toBeGreaterThan(0);
    } finally {
      if (saved === undefined) delete process.env.FOLLOWUP_WEBHOOK_TOKEN;
      else process.env.FOLLOWUP_WEBHOOK_TOKEN = saved;
      await other.stop();
    }
    expect(other.acked.size).toBe(N);
    expect([...other.acked.keys()].filter((k) => rx.acked.has(k))).toEqual([]);
    const text = JSON.stringify(log.records);
    expect(text).not.toContain(TOKEN);
    for (const l of loans) expect(text).not.toContain(l.phone.slice(1));
  });
});
