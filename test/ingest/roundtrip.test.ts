import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ColumnSpec } from '../../src/contract/columns.ts';
import { TABLES, type TableName } from '../../src/contract/tables.ts';
import { ident, literal, openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';
import { csv, goodWorld, LOAN_HEADER, loanRow } from './fixtures.ts';
import { counts, fingerprint, folderWith, ingest } from './helpers.ts';

/** Parses the fixture CSV (no quoted fields) into row objects. */
function parse(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split('\n');
  const names = (head ?? '').split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
}

/** A DuckDB value as the text the source would carry for it, so values compare without SQL. */
function same(kind: ColumnSpec['kind'], actual: unknown, source: string): boolean {
  if (source === '') return actual === null;
  if (kind === 'int' || kind === 'number') return Number(actual) === Number(source);
  if (kind === 'timestamptz') return (actual as Date).getTime() === new Date(source).getTime();
  return text(kind, actual) === source;
}

function text(kind: ColumnSpec['kind'], actual: unknown): string {
  return kind === 'date' ? (actual as Date).toISOString().slice(0, 10) : String(actual);
}

async function expectTableEquals(w: Warehouse, table: TableName, sourceCsv: string): Promise<void> {
  const spec = TABLES[table] as { key: readonly string[]; columns: Record<string, ColumnSpec> };
  const rows = await w.all<Record<string, unknown>>(
    `SELECT * FROM ${ident(table)} ORDER BY ${spec.key.map(ident).join(', ')}`,
  );
  const src = parse(sourceCsv);
  expect(rows.length).toBe(src.length);
  const byKey = new Map(src.map((r) => [spec.key.map((k) => r[k]).join('/'), r]));
  for (const row of rows) {
    const s = byKey.get(spec.key.map((k) => text(spec.columns[k]?.kind ?? 'id', row[k])).join('/'));
    expect(s, `row ${String(row[spec.key[0] ?? ''])} has a source`).toBeDefined();
    for (const [col, c] of Object.entries(spec.columns as Record<string, ColumnSpec>)) {
      expect(same(c.kind, row[col], s?.[col] ?? ''), `${table}.${col}: ${row[col]} vs ${s?.[col]}`).toBe(
        true,
      );
    }
  }
}

describe('ingest round trip', () => {
  let w: Warehouse;
  beforeEach(async () => {
    w = await openWarehouse(':memory:');
  });
  afterEach(() => w.close());

  it('loads a good world with the right counts and values, and skips what matches no table', async () => {
    const world = goodWorld(40);
    const dir = folderWith({
      'loans.csv': world.loans,
      'repayments-2023.csv': world.repayments,
      'contacts.csv': world.contacts,
      'market.csv': world.market,
      'notes.csv': 'a,b\n1,2\n',
    });
    const s = await ingest(w, { paths: [dir] });
    expect(s.outcome).toBe('ok');
    expect(s.files.map((f) => [f.table, f.rows_in, f.inserted])).toEqual([
      ['loans', 40, 40],
      ['market', 6, 6],
      ['repayments', 80, 80],
      ['contacts', 40, 40],
    ]);
    expect(s.skipped).toEqual([
      { path: join(dir, 'notes.csv'), reason: expect.stringContaining('matches no table') },
    ]);
    for (const t of ['loans', 'repayments', 'contacts', 'market'] as const)
      await expectTableEquals(w, t, world[t]);
    const ledger = await w.all<{ batch_id: string; outcome: string; rows_in: bigint; files: string }>(
      'SELECT batch_id, outcome, rows_in, files FROM ingest_batches',
    );
    expect(ledger.map((l) => [l.batch_id, l.outcome, Number(l.rows_in)])).toEqual([[s.batch_id, 'ok', 166]]);
    expect(JSON.parse(ledger[0]?.files ?? '[]')).toEqual(s.files);
  });

  it('is idempotent: the same files again insert and update nothing and change no data row', async () => {
    const world = goodWorld(25);
    const dir = folderWith({ 'loans.csv': world.loans, 'repayments.csv': world.repayments });
    await ingest(w, { paths: [dir] });
    const before = await fingerprint(w);
    const again = await ingest(w, { paths: [dir] }, '2024-06-02T00:00:00Z');
    expect(again.totals).toEqual({ rows_in: 75, inserted: 0, updated: 0, unchanged: 75, rejected: 0 });
    const after = await fingerprint(w);
    for (const t of ['loans', 'repayments', 'loans_history', 'repayments_history', 'rejects'])
      expect(after[t]).toBe(before[t]);
    expect(after.ingest_batches).not.toBe(before.ingest_batches);
  });

  it('a corrected re-delivery updates by key and keeps the superseded version in history', async () => {
    const rows = Array.from({ length: 5 }, (_, k) => loanRow(k + 1));
    await ingest(w, { paths: [folderWith({ 'loans.csv': csv(LOAN_HEADER, rows) })] });
    const fixed = rows.map((r) => [...r]);
    (fixed[1] as string[])[5] = '999999';
    (fixed[3] as string[])[8] = 'CCC';
    const s = await ingest(
      w,
      { paths: [folderWith({ 'loans.csv': csv(LOAN_HEADER, fixed) })] },
      '2024-07-01T00:00:00Z',
    );
    expect(s.totals).toEqual({ rows_in: 5, inserted: 0, updated: 2, unchanged: 3, rejected: 0 });
    await expectTableEquals(w, 'loans', csv(LOAN_HEADER, fixed));
    const hist = await w.all<{
      loan_id: string;
      principal: number;
      credit_grade: string;
      b: string;
      at: Date;
    }>(
      'SELECT loan_id, principal, credit_grade, superseded_by_batch AS b, superseded_at AS at FROM loans_history ORDER BY loan_id',
    );
    expect(hist.map((h) => [h.loan_id, h.principal, h.credit_grade, h.b, h.at.toISOString()])).toEqual([
      ['L0002', Number(rows[1]?.[5]), rows[1]?.[8], s.batch_id, '2024-07-01T00:00:00.000Z'],
      ['L0004', Number(rows[3]?.[5]), rows[3]?.[8], s.batch_id, '2024-07-01T00:00:00.000Z'],
    ]);
  });

  it('rejects rows with file, line, column, value and rule, and loads the rest', async () => {
    const good = [loanRow(1), loanRow(2)];
    const bad1 = loanRow(3);
    bad1[2] = 'private'; // enum
    bad1[5] = 'lots'; // type
    const bad2 = loanRow(4);
    bad2[11] = '+86 138 0013 8000'; // phone with spaces
    const text = `${csv(LOAN_HEADER, [good[0] as string[], bad1])}${(bad2 as string[]).slice(0, 5).join(',')}\n${csv(
      LOAN_HEADER,
      [good[1] as string[], bad2],
    )
      .split('\n')
      .slice(1)
      .join('\n')}`;
    const dir = folderWith({ 'loans.csv': text });
    const file = join(dir, 'loans.csv');
    const s = await ingest(w, { paths: [file] });
    expect(s.files[0]).toMatchObject({ rows_in: 5, inserted: 2, rejected: 3, updated: 0, unchanged: 0 });
    expect(s.outcome).toBe('partial');
    const rej = await w.all(
      'SELECT batch_id, file, line, "column", value, rule FROM rejects ORDER BY line, rule',
    );
    expect(rej).toEqual([
      { batch_id: s.batch_id, file, line: 3n, column: 'loan_type', value: 'private', rule: 'enum' },
      { batch_id: s.batch_id, file, line: 3n, column: 'principal', value: 'lots', rule: 'type' },
      {
        batch_id: s.batch_id,
        file,
        line: 4n,
        column: 'principal', // the first missing field
        value: (bad2 as string[]).slice(0, 5).join(','),
        rule: 'csv_structure',
      },
      { batch_id: s.batch_id, file, line: 6n, column: 'phone', value: '+86 138 0013 8000', rule: 'phone' },
    ]);
    expect((await counts(w)).loans).toBe(2);
  });

  it('refuses every occurrence of a key duplicated within a file, and updates across files of one batch', async () => {
    const a = loanRow(1);
    const b = [...a];
    b[5] = '1';
    const dir = folderWith({
      'loans-1.csv': csv(LOAN_HEADER, [loanRow(2), a, b]),
      'loans-2.csv': csv(LOAN_HEADER, [
        [...(loanRow(2) as string[]).slice(0, 5), '5', ...loanRow(2).slice(6)],
      ]),
    });
    const s = await ingest(w, { paths: [dir] });
    expect(s.files.map((f) => [f.inserted, f.updated, f.rejected])).toEqual([
      [1, 0, 2],
      [0, 1, 0],
    ]);
    expect(await w.all('SELECT line, rule, value FROM rejects ORDER BY line')).toEqual([
      { line: 3n, rule: 'duplicate_key', value: 'L0001' },
      { line: 4n, rule: 'duplicate_key', value: 'L0001' },
    ]);
  });

  it('reads CSV.gz, Parquet and JSON Lines to the same tables as CSV', async () => {
    const world = goodWorld(12);
    const dir = folderWith({ 'loans.csv': world.loans, 'contacts.csv': world.contacts });
    await ingest(w, { paths: [dir] });
    const expected = await fingerprint(w);
    // Other formats written from the CSV by DuckDB itself, then ingested into fresh warehouses.
    const out = folderWith({
      'loans.csv.gz': gzipSync(world.loans),
      'contacts.csv.gz': gzipSync(world.contacts),
    });
    for (const [ext, opts] of [
      ['parquet', 'FORMAT parquet'],
      ['jsonl', 'FORMAT json'],
    ] as const) {
      const sub = folderWith({});
      for (const t of ['loans', 'contacts']) {
        const src = literal(join(dir, `${t}.csv`));
        await w.run(
          `COPY (SELECT * FROM read_csv(${src}, all_varchar=true)) TO ${literal(join(sub, `${t}.${ext}`))} (${opts})`,
        );
      }
      for (const folder of [sub, out]) {
        const v = await openWarehouse(':memory:');
        try {
          const s = await ingest(v, { paths: [folder] });
          expect(s.totals.inserted, JSON.stringify(s.files)).toBe(24);
          const got = await fingerprint(v);
          for (const t of ['loans', 'contacts']) expect(got[t], `${folder} ${t}`).toBe(expected[t]);
        } finally {
          v.close();
        }
      }
    }
  });
});
