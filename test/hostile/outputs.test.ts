/**
 * Hostile output places through the REAL CLI (issue 16, deliverable 5): a read-only output location must end with
 * a clear typed error naming the path (exit 2, no stack trace), no file at `--out` and the warehouse exactly as it
 * was; a rerun to a writable place then succeeds and writes every follow-up.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, withWarehouse } from '../../src/warehouse/db.ts';
import { insertLoans, insertRun, makeLoans, makeRec } from '../export/fixture.ts';
import { CLI, type CliResult, fingerprint, ROOT, tempDir } from '../ingest/helpers.ts';

const dir = tempDir('hostile-outputs-');
const db = join(dir, 'w.duckdb');
// Enough follow-ups that every output is larger than the file-size limit below.
const loans = makeLoans(600);
const ENV = {
  TZ: 'UTC',
  FOLLOWUP_CONFIG: 'none',
  FOLLOWUP_NOW: '2026-11-21T06:00:00Z',
  FOLLOWUP_LOG_LEVEL: 'warn',
};

/** The CLI through bash, so the child can get a file-size limit (`prefix` runs before exec). */
function cli(args: string[], prefix = ''): Promise<CliResult> {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', `${prefix} exec ${quoted}`],
      { cwd: ROOT, env: { ...process.env, ...ENV }, maxBuffer: 1 << 26 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

let before: Record<string, string>;

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
  // One export first, so the export ledger tables exist and hold a record: a failed export must add nothing.
  const first = await cli([
    'export',
    '--warehouse',
    db,
    '--format',
    'jsonl',
    '--out',
    join(dir, 'first.jsonl'),
  ]);
  expect(first.code, first.stderr).toBe(0);
  before = await withWarehouse(db, fingerprint);
}, 120_000);

async function expectUnchanged(): Promise<void> {
  expect(await withWarehouse(db, fingerprint, { readOnly: true })).toEqual(before);
}

describe('outputs that cannot be written', () => {
  it('a read-only location: clear error naming the path, exit 2, nothing written, warehouse as it was', async () => {
    // sysfs refuses new files to every user, root included (a chmod-ed folder would not stop root).
    const out = '/sys/followup-hostile-export.csv';
    for (const format of ['csv', 'jsonl', 'parquet', 'ics']) {
      const r = await cli(['export', '--warehouse', db, '--format', format, '--out', out]);
      expect(r.code, `${format}: ${r.stderr}`).toBe(2);
      expect(r.stderr, format).toMatch(
        /cannot write \/sys\/followup-hostile-export\.csv: .*permission denied/i,
      );
      expect(r.stderr, format).toContain('hint: choose a writable --out');
      expect(r.stderr, format).not.toContain('internal error');
      // "  at /sys/…" is the place line; a stack frame would end in :line:column.
      expect(r.stderr, format).not.toMatch(/\n\s+at .*:\d+:\d+\)?$/m);
      expect(existsSync(out)).toBe(false);
    }
    await expectUnchanged();
    const outDir = tempDir('hostile-writable-');
    const ok = await cli([
      'export',
      '--warehouse',
      db,
      '--format',
      'csv',
      '--out',
      join(outDir, 'd.csv'),
      '--json',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).written).toBe(loans.length);
    expect(readFileSync(join(outDir, 'd.csv'), 'utf8').trim().split('\n')).toHaveLength(loans.length + 1);
    expect(readdirSync(outDir)).toEqual(['d.csv']);
  });
});
