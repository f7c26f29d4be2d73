/**
 * Hostile inputs past ingest, through the REAL CLI on real DuckDB files and a real HTTP server on loopback: loans
 * the planner cannot plan, damaged warehouses, an export aimed at the warehouse, secrets in URLs and tokens, a
 * receiver that redirects. Each case says what must happen and checks nothing else changed.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { CLI, type CliResult, fingerprintFile, ROOT, tempDir } from '../ingest/helpers.ts';

const SECRET = 'Sup3rS3cretPassw0rd';
const TOKEN = 'tok-hostile-7f3a9c1e';

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, TZ: 'UTC', FOLLOWUP_LOG_LEVEL: 'info', ...env },
        maxBuffer: 1 << 26,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Every text column of every table, for "this string is stored nowhere". */
async function warehouseText(path: string): Promise<string> {
  return withWarehouse(
    path,
    async (w) => {
      const cols = await w.all<{ t: string; c: string }>(
        `SELECT table_name AS t, column_name AS c FROM duckdb_columns()
         WHERE database_name = current_database() AND NOT internal AND data_type IN ('VARCHAR', 'JSON')`,
      );
      const parts: string[] = [];
      for (const { t, c } of cols) {
        const r = await w.one<{ s: string | null }>(
          `SELECT string_agg(CAST("${c.replaceAll('"', '""')}" AS VARCHAR), '|') AS s FROM "${t.replaceAll('"', '""')}"`,
        );
        parts.push(r?.s ?? '');
      }
      return parts.join('\n');
    },
    { readOnly: true },
  );
}

const dir = tempDir('hostile-pipeline-');
const wh = join(dir, 'w.duckdb');
const models = join(dir, 'models');
let plan: CliResult;

beforeAll(async () => {
  const loans = join(ROOT, 'data-samples/broken/base/loans.csv');
  const r = await cli(['ingest', '--warehouse', wh, '--json', loans]);
  expect(r.code, r.stderr).toBe(0);
  // No repayments, no contacts: train records fallbacks for both models in seconds.
  const t = await cli(['train', '--warehouse', wh, '--models', models, '--json']);
  expect(t.code, t.stderr).toBe(0);
  // Rows today's ingest refuses, as an older version (or a hand-written INSERT) could have stored them.
  await withWarehouse(wh, async (w) => {
    await w.run(`INSERT INTO loans SELECT 'BAD-ZONE', 'BB1', loan_type, disbursed_on, maturity_on, principal,
      annual_rate, term_months, credit_grade, region, 'Factory', phone, collateral_value, income FROM loans WHERE loan_id = 'L0001'`);
    await w.run(`INSERT INTO loans SELECT 'BAD-MATURITY', 'BB2', loan_type, disbursed_on, 'infinity'::DATE, principal,
      annual_rate, term_months, credit_grade, region, time_zone, phone, collateral_value, income FROM loans WHERE loan_id = 'L0001'`);
  });
  plan = await cli(['recommend', '--warehouse', wh, '--models', models, '--as-of', '2024-06-30', '--json']);
}, 600_000);

describe('one bad loan does not fail the book', () => {
  it('recommend plans the others and names the skipped loans with column and value', () => {
    expect(plan.code, plan.stderr).toBe(0);
    const s = JSON.parse(plan.stdout);
    expect(s.skipped).toEqual([
      {
        loan_id: 'BAD-MATURITY',
        column: 'maturity_on',
        value: 'infinity',
        reason: 'expected a date between 1900-01-01 and 2199-12-31',
      },
      {
        loan_id: 'BAD-ZONE',
        column: 'time_zone',
        value: 'Factory',
        reason: 'expected a canonical IANA time zone',
      },
    ]);
    expect(s.stats.recommendations ?? s.by_purpose.reduce((a: number, p: { n: number }) => a + p.n, 0)).toBe(
      9,
    );
    expect(plan.stderr).toContain('recommend: loan skipped');
  });
});

describe('export refuses to overwrite the warehouse', () => {
  it.each(['w.duckdb', 'w.duckdb.wal', './sub/../w.duckdb'])(
    '--out %s → exit 2, warehouse unchanged',
    async (out) => {
      const before = await fingerprintFile(wh);
      const bytes = readFileSync(wh);
      const r = await cli([
        'export',
        '--warehouse',
        wh,
        '--format',
        'csv',
        '--out',
        join(dir, out),
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(2);
      const err = JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '{}');
      expect(err.error).toBe('E_BAD_INPUT');
      expect(err.message).toContain('an export never overwrites its warehouse');
      expect(readFileSync(wh).equals(bytes)).toBe(true);
      expect(await fingerprintFile(wh)).toEqual(before);
    },
  );
});

describe('damaged warehouses give a typed error, not a stack trace', () => {
  const cases: [string, (path: string) => void][] = [
    ['random bytes', (p) => writeFileSync(p, Buffer.alloc(300_000, 0x5a))],
    ['truncated to half', (p) => truncateSync(p, Math.floor(readFileSync(p).length / 2))],
    [
      'blocks zeroed',
      (p) => {
        const b = readFileSync(p);
        b.fill(0, 12_288, 12_288 + 20 * 4096);
        writeFileSync(p, b);
      },
    ],
  ];
  it.each(cases)('%s', async (name, damage) => {
    const p = join(dir, `damaged-${name.replaceAll(' ', '-')}.duckdb`);
    copyFileSync(wh, p);
    damage(p);
    const r = await cli([
      'export',
      '--warehouse',
      p,
      '--format',
      'jsonl',
      '--out',
      join(dir, 'x.jsonl'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(2);
    const err = JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '{}');
    expect(err.error).toBe('E_WAREHOUSE');
    expect(err.message).toContain(`warehouse ${p} is damaged or not a DuckDB file`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});

describe('webhook secrets and redirects', () => {
  let server: Server;
  let url: string;
  const seen: { method: string; path: string; auth: string | undefined }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', auth: req.headers.authorization });
      req.resume();
      req.on('end', () => {
        if (req.url === '/moved') res.writeHead(302, { location: '/elsewhere' }).end();
        else res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  });

  it('a password in the URL is refused, never echoed or stored', async () => {
    const before = await fingerprintFile(wh);
    const hook = url.replace('http://', `http://user:${SECRET}@`);
    const r = await cli([
      'export',
      '--warehouse',
      wh,
      '--format',
      'webhook',
      '--url',
      `${hook}/hook`,
      '--json',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('carries credentials');
    expect(r.stderr + r.stdout).not.toContain(SECRET);
    expect(await fingerprintFile(wh)).toEqual(before);
    expect(await warehouseText(wh)).not.toContain(SECRET);
    expect(seen).toEqual([]);
  });

  it.each([
    ['CR/LF', `${TOKEN}\r\nX-Injected: 1`],
    ['a space', `${TOKEN} extra`],
    // (an environment variable cannot hold NUL at all)
    ['a tab', `${TOKEN}\textra`],
  ])('a bearer token with %s is refused before any request and never logged', async (_what, token) => {
    const r = await cli(
      ['export', '--warehouse', wh, '--format', 'webhook', '--url', `${url}/hook`, '--json'],
      {
        FOLLOWUP_WEBHOOK_TOKEN: token,
      },
    );
    expect(r.code).toBe(2);
    const err = JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '{}');
    expect(err.error).toBe('E_USAGE');
    expect(err.message).toContain('FOLLOWUP_WEBHOOK_TOKEN is not a valid bearer token');
    expect(r.stderr + r.stdout).not.toContain(TOKEN);
    expect(await warehouseText(wh)).not.toContain(TOKEN);
    expect(seen).toEqual([]);
  });

  it('a token over plain http to another host is refused unless forced', async () => {
    const r = await cli(
      [
        'export',
        '--warehouse',
        wh,
        '--format',
        'webhook',
        '--url',
        'http://dialer.example.invalid/hook',
        '--json',
      ],
      { FOLLOWUP_WEBHOOK_TOKEN: TOKEN },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'refusing to send the bearer token from FOLLOWUP_WEBHOOK_TOKEN over plain http',
    );
    expect(r.stderr).not.toContain(TOKEN);
  });

  it('a receiver answering 302 gets failed events, no bodyless GET to the new location', async () => {
    const r = await cli(
      [
        'export',
        '--warehouse',
        wh,
        '--format',
        'webhook',
        '--url',
        `${url}/moved`,
        '--max-attempts',
        '3',
        '--json',
      ],
      { FOLLOWUP_WEBHOOK_TOKEN: TOKEN },
    );
    expect(r.code, r.stderr).toBe(3);
    const s = JSON.parse(r.stdout);
    expect(s.delivery).toMatchObject({ delivered: 0, failed: 9, retried: 0 });
    expect(seen.filter((q) => q.path === '/elsewhere')).toEqual([]);
    expect(seen.filter((q) => q.path === '/moved').map((q) => [q.method, q.auth])).toEqual(
      Array.from({ length: 9 }, () => ['POST', `Bearer ${TOKEN}`]),
    );
    await withWarehouse(
      wh,
      async (w) => {
        const rows = await w.all<{ status: string; last_status: number; last_error: string }>(
          'SELECT DISTINCT status, last_status, last_error FROM webhook_deliveries',
        );
        expect(rows).toEqual([
          {
            status: 'failed',
            last_status: 302,
            last_error: 'HTTP 302 redirect not followed (point --url at the final endpoint)',
          },
        ]);
      },
      { readOnly: true },
    );
    expect(r.stderr).not.toContain(TOKEN);
  });
});
