/**
 * Every file of data-samples/broken goes through the REAL CLI (child process) onto a warehouse pre-loaded with the
 * good base data. Whole-file failures must exit 2, name the file and say expected/found, and leave every table
 * byte-for-byte as it was; row failures must exit 3 and change the data tables by exactly the good rows.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { counts, DATA_TABLES, fingerprintFile, ROOT, runCli, tempDir } from './helpers.ts';

interface Expectation {
  file: string;
  code: 2 | 3;
  message: string[];
  rejected?: number;
  inserted?: number;
  rule?: string;
  line?: number;
  column?: string;
  value?: string;
}

const BROKEN = join(ROOT, 'data-samples/broken');
const expectations: Expectation[] = JSON.parse(readFileSync(join(BROKEN, 'expectations.json'), 'utf8'));

describe('data-samples/broken through the CLI', () => {
  const dir = tempDir('ingest-broken-');
  const base = join(dir, 'base.duckdb');
  let baseCounts: Record<string, number>;

  beforeAll(async () => {
    const r = await runCli(['ingest', '--warehouse', base, '--json', join(BROKEN, 'base')]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).totals).toMatchObject({ inserted: 46, rejected: 0 });
    baseCounts = await withWarehouse(base, counts);
  });

  it('has at least 15 broken inputs, one expectation each', () => {
    expect(expectations.length).toBeGreaterThanOrEqual(15);
    expect(new Set(expectations.map((e) => e.file)).size).toBe(expectations.length);
  });

  // Concurrent: each case is a separate process on its own copy of the warehouse.
  // A generous limit: on a machine shared with other jobs one child process can take minutes.
  it.concurrent.for(expectations)('$file → exit $code', { timeout: 400_000 }, async (e, { expect }) => {
    const w = join(dir, `${e.file}.duckdb`);
    copyFileSync(base, w);
    const before = await fingerprintFile(w);
    const file = join(BROKEN, e.file);
    const r = await runCli(['ingest', '--warehouse', w, '--json', file]);
    expect(r.code, r.stderr).toBe(e.code);
    if (e.code === 2) {
      const err = JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '{}');
      expect(err.error).toBe('E_BAD_INPUT');
      expect(err.place.file).toBe(file);
      for (const part of e.message) expect(err.message).toContain(part);
      expect(r.stdout).toBe('');
      expect(await fingerprintFile(w)).toEqual(before);
      return;
    }
    const summary = JSON.parse(r.stdout);
    expect(summary.outcome).toBe('partial');
    expect(summary.files[0]).toMatchObject({ file, rejected: e.rejected, inserted: e.inserted, updated: 0 });
    expect(r.stderr).toContain(`${e.rejected} of ${summary.totals.rows_in} rows rejected`);
    await withWarehouse(w, async (db) => {
      const after = await counts(db);
      const table = summary.files[0].table as (typeof DATA_TABLES)[number];
      for (const t of DATA_TABLES)
        expect(after[t], t).toBe((baseCounts[t] ?? 0) + (t === table ? (e.inserted ?? 0) : 0));
      const rej = await db.all<{
        file: string;
        line: bigint;
        column: string;
        value: string | null;
        rule: string;
        message: string;
      }>(
        'SELECT file, line, "column", value, rule, message FROM rejects WHERE batch_id = $1 ORDER BY line, rule',
        [summary.batch_id],
      );
      const first = rej[0];
      expect(first).toBeDefined();
      expect(first?.file).toBe(file);
      expect(first?.rule).toBe(e.rule);
      expect(Number(first?.line)).toBe(e.line);
      if (e.column !== undefined) expect(first?.column).toBe(e.column);
      if (e.value !== undefined) expect(first?.value ?? '').toBe(e.value);
      for (const part of e.message) expect(first?.message.toLowerCase()).toContain(part.toLowerCase());
    });
  });
});
