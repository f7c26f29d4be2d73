/**
 * Hostile output places through the REAL CLI (issue 16, deliverable 5): a read-only output location must end with
 * a clear typed error naming the path (exit 2, no stack trace), no file at `--out` and the warehouse exactly as it
 * was; a rerun to a writable place then succeeds and writes every follow-up.
 *
 * A full disk, as a program sees it: the child runs under `ulimit -f` (a file-size limit) with SIGXFSZ ignored, so
 * a write past the limit fails with EFBIG ("File too large") — what ENOSPC is on a full disk. An export that hits
 * it ends with E_NO_ROOM naming the file (exit 2), leaves no file and no temp file, and the warehouse as it was;
 * an ingest whose COMMIT cannot write the warehouse's WAL ends with E_NO_ROOM naming the warehouse, which holds
 * what it held before; a checkpoint that finds no room (after a COMMIT that did) loses nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, withWarehouse } from '../../src/warehouse/db.ts';
import { insertLoans, insertRun, makeLoans, makeRec } from '../export/fixture.ts';
import { goodWorld } from '../ingest/fixtures.ts';
import { CLI, type CliResult, fingerprint, folderWith, ingest, ROOT, tempDir } from '../ingest/helpers.ts';

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

/** `ulimit -f` counts 1,024-byte blocks; SIGXFSZ ignored, as the signal a full disk does not send. */
const limit = (kb: number) => `trap '' XFSZ; ulimit -f ${kb};`;
/** The stderr line of a --json error. */
const errorOf = (r: CliResult) => JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '{}');
const STACK_FRAME = /\n\s+at .*:\d+:\d+\)?$/m;

describe('a full disk', () => {
  it.each(['csv', 'jsonl', 'parquet', 'ics'])(
    'export --format %s past the limit: E_NO_ROOM naming the file, nothing written, warehouse as it was',
    async (format) => {
      const outDir = tempDir('hostile-full-');
      const out = join(outDir, `followups.${format}`);
      const was = await withWarehouse(db, fingerprint, { readOnly: true });
      // 16 KB: far below any of these outputs (600 follow-ups), far above what the export writes elsewhere.
      const r = await cli(
        ['export', '--warehouse', db, '--format', format, '--out', out, '--json'],
        limit(16),
      );
      expect(r.code, r.stderr).toBe(2);
      const err = errorOf(r);
      expect(err.error).toBe('E_NO_ROOM');
      expect(err.message).toMatch(
        new RegExp(
          `^cannot write ${out.replaceAll('.', '\\.')}: no room \\(.*file-size limit.*\\): .*file too large`,
          'i',
        ),
      );
      expect(err.place).toEqual({ file: out });
      expect(r.stderr).not.toContain('internal error');
      expect(r.stderr).not.toMatch(STACK_FRAME);
      // No target, and the temp file the writer filled up to the limit is gone.
      expect(readdirSync(outDir)).toEqual([]);
      expect(await withWarehouse(db, fingerprint, { readOnly: true })).toEqual(was);
    },
  );

  describe('ingest', () => {
    const files = (n: number) =>
      folderWith(Object.fromEntries(Object.entries(goodWorld(n)).map(([t, text]) => [`${t}.csv`, text])));
    let wh: string;
    let loaded: Record<string, string>;
    beforeAll(async () => {
      wh = join(tempDir('hostile-full-ingest-'), 'w.duckdb');
      await withWarehouse(wh, (w) => ingest(w, { paths: [files(20)] }));
      loaded = await withWarehouse(wh, fingerprint);
    });

    it('a COMMIT whose WAL passes the limit: E_NO_ROOM naming the warehouse, which holds what it held', async () => {
      // 3,000 loans need far more than 64 KB of WAL; the input files are only read.
      const r = await cli(['ingest', '--warehouse', wh, '--json', files(3000)], limit(64));
      expect(r.code, r.stderr).toBe(2);
      const err = errorOf(r);
      expect(err.error).toBe('E_NO_ROOM');
      expect(err.message).toContain(`cannot write warehouse ${wh}: no room`);
      // What DuckDB hit: the write-ahead log at COMMIT, never the database file.
      expect(err.message).toContain(`Could not write file "${wh}.wal": File too large`);
      expect(err.hint).toContain('rolled back');
      expect(r.stderr).not.toMatch(STACK_FRAME);
      // DuckDB cut its WAL back; the database file was not touched.
      expect(statSync(`${wh}.wal`).size).toBe(0);
      expect(await withWarehouse(wh, fingerprint)).toEqual(loaded);
    });

    it('a checkpoint past the limit after a good COMMIT: exit 0, the batch kept in the WAL and there on reopening', async () => {
      // A 5-loan batch's WAL fits in 1 MB; the checkpoint at close rewrites blocks of a file larger than that.
      expect(statSync(wh).size).toBeGreaterThan(1 << 20);
      const r = await cli(['ingest', '--warehouse', wh, '--json', files(25)], limit(1024));
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).totals).toMatchObject({
        inserted: 5 + 5 * 2 + 5,
        unchanged: 20 + 40 + 20 + 6,
      });
      expect(statSync(`${wh}.wal`).size).toBeGreaterThan(0);
      await withWarehouse(wh, async (w) => {
        expect(await w.one('SELECT count(*)::INTEGER AS n FROM loans')).toEqual({ n: 25 });
        expect(await w.one('SELECT count(*)::INTEGER AS n FROM ingest_batches')).toEqual({ n: 2 });
      });
    });
  });
});
