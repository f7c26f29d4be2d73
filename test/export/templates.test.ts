/**
 * Shipped dialer templates (issue 16, deliverable 7): `--template genesys-cloud` and `--template five9` through the
 * real CLI on a seeded warehouse. Each CSV is read back by DuckDB's CSV reader and checked against the template
 * file (headers, order) and against values computed here from the fixture (phone format, dates, local times in the
 * borrower's zone with luxon, the 512-character cell cap).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openWarehouse, withWarehouse } from '../../src/warehouse/db.ts';
import { CLI, type CliResult, ROOT, tempDir } from '../ingest/helpers.ts';
import { type FixtureLoan, insertLoans, insertRun, makeLoans, makeRec } from './fixture.ts';

const dir = tempDir('export-templates-');
const db = join(dir, 'w.duckdb');
const loans = makeLoans(12);
const LONG = `长文本 ${'y'.repeat(900)}`;
const recs = loans.map((l, i) => {
  const r = makeRec(l, i, 'run-1');
  // Two follow-ups whose reason text is over Genesys Cloud's 512-character cell limit.
  if (i === 1 || i === 2) r.reasons = [LONG];
  return r;
});
const byLoan = new Map(loans.map((l, i) => [l.loan_id, { loan: l, rec: recs[i]! }]));

function cli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          TZ: 'UTC',
          FOLLOWUP_CONFIG: 'none',
          FOLLOWUP_NOW: '2026-11-21T06:00:00Z',
          FOLLOWUP_LOG_LEVEL: 'warn',
        },
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function readCsv(path: string): Promise<{ headers: string[]; rows: Record<string, string>[] }> {
  return withWarehouse(':memory:', async (m) => {
    const rows = await m.all<Record<string, string>>(
      `SELECT * FROM read_csv('${path}', all_varchar = true, header = true, delim = ',', quote = '"')`,
    );
    const headers = (
      await m.all<{ column_name: string }>(
        `SELECT column_name FROM (DESCRIBE SELECT * FROM read_csv('${path}', all_varchar = true, header = true))`,
      )
    ).map((r) => r.column_name);
    return { headers, rows };
  });
}

function templateHeaders(name: string): string[] {
  const t = parse(readFileSync(join(ROOT, 'src/config/dialer', `${name}.yaml`), 'utf8')) as {
    columns: { field: string; header?: string }[];
  };
  return t.columns.map((c) => c.header ?? c.field);
}

const localStart = (l: FixtureLoan, utc: string) =>
  DateTime.fromISO(utc, { zone: 'utc' }).setZone(l.time_zone);

async function exportWith(template: string): Promise<{ headers: string[]; rows: Record<string, string>[] }> {
  const out = join(dir, `${template}.csv`);
  const r = await cli([
    'export',
    '--warehouse',
    db,
    '--format',
    'csv',
    '--template',
    template,
    '--out',
    out,
    '--json',
  ]);
  expect(r.code, r.stderr).toBe(0);
  const s = JSON.parse(r.stdout) as { written: number; truncated_cells: number };
  expect(s.written).toBe(loans.length);
  expect(s.truncated_cells).toBe(2);
  return readCsv(out);
}

beforeAll(async () => {
  const w = await openWarehouse(db);
  await insertLoans(w, loans);
  await insertRun(w, 'run-1', '2026-11-20T00:00:00Z', recs);
  w.close();
});

describe('shipped dialer templates through the CLI', () => {
  it('genesys-cloud: its headers in order, E.164 with "+", ISO dates and local times, cells ≤ 512', async () => {
    const { headers, rows } = await exportWith('genesys-cloud');
    expect(headers).toEqual(templateHeaders('genesys-cloud'));
    expect(headers).toContain('Phone');
    expect(rows).toHaveLength(loans.length);
    for (const row of rows) {
      const { loan, rec } = byLoan.get(row.LoanId as string)!;
      expect(row.Phone).toBe(loan.phone);
      expect(row.Phone).toMatch(/^\+[1-9]\d{6,14}$/);
      expect(row.TimeZone).toBe(loan.time_zone);
      expect(row.DueDate).toBe(rec.due_on);
      expect(row.CallWindowStart).toBe(localStart(loan, rec.window_start_utc).toFormat("yyyy-MM-dd'T'HH:mm"));
      expect(row.CallWindowEnd).toBe(localStart(loan, rec.window_end_utc).toFormat("yyyy-MM-dd'T'HH:mm"));
      for (const v of Object.values(row)) expect([...(v ?? '')].length).toBeLessThanOrEqual(512);
    }
    const cut = rows.filter((r) => r.LoanId === 'L00001' || r.LoanId === 'L00002');
    for (const r of cut) expect(r.Reason).toBe(`${LONG.slice(0, 511)}…`);
  });

  it('five9: number1 as digits, due_date MM/dd/yyyy, time2call MM/dd/yyyy hh:mm AM/PM in local time', async () => {
    const { headers, rows } = await exportWith('five9');
    expect(headers).toEqual(templateHeaders('five9'));
    expect(headers.slice(0, 1)).toEqual(['number1']);
    for (const row of rows) {
      const { loan, rec } = byLoan.get(row.loan_id as string)!;
      expect(row.number1).toBe(loan.phone.slice(1));
      expect(row.number1).toMatch(/^\d+$/);
      expect(row.due_date).toBe(DateTime.fromISO(rec.due_on).toFormat('MM/dd/yyyy'));
      expect(row.time2call).toBe(localStart(loan, rec.window_start_utc).toFormat('MM/dd/yyyy hh:mm a'));
      expect(row.time2call).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} (AM|PM)$/);
      expect(row.time_zone).toBe(loan.time_zone);
    }
  });

  it('an unknown template name says what it expected, exit 2, nothing written', async () => {
    const out = join(dir, 'nope.csv');
    const r = await cli([
      'export',
      '--warehouse',
      db,
      '--format',
      'csv',
      '--template',
      'genesys',
      '--out',
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected a YAML file or one of the shipped templates genesys-cloud, five9');
    expect(() => readFileSync(out)).toThrow(/ENOENT/);
  });
});
