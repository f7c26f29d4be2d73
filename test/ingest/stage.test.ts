/**
 * A CSV file whose mapping the scan alone applies is written typed into a table of the warehouse (src/ingest/typed.ts
 * STAGE), and on a first load that table becomes the contract table instead of being copied into it (merge.ts
 * adopt). The table must then be exactly the contract's: same columns, types and NOT NULL constraints, no refused
 * row left in it, no stage left beside it, and later batches merge into it as into any table.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { memoryLogger } from '../../src/core/log.ts';
import { assertBalanced, runIngest } from '../../src/ingest/run.ts';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';
import { ensureContractTables } from '../../src/warehouse/schema.ts';
import { CONTACT_HEADER, contactRow, csv, goodWorld, LOAN_HEADER, loanRow } from './fixtures.ts';
import { folderWith, ingest, tempDir } from './helpers.ts';

const layout = (w: Warehouse, t: string) =>
  w.all<{ column_name: string; data_type: string; is_nullable: string }>(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [t],
  );

describe('a first load of CSV files', () => {
  let w: Warehouse;
  beforeEach(async () => {
    w = await openWarehouse(':memory:');
  });
  afterEach(() => w.close());

  it('makes the staged rows the contract tables, with their layout and constraints', async () => {
    const world = goodWorld(30);
    const bad = loanRow(31);
    bad[1] = ''; // borrower_id is required: this row is refused, and its NULL must not stay in the table
    const dir = folderWith({
      'loans.csv': csv(LOAN_HEADER, [...Array.from({ length: 30 }, (_, k) => loanRow(k + 1)), bad]),
      'repayments.csv': world.repayments,
      'contacts.csv': world.contacts,
    });
    const s = await ingest(w, { paths: [dir] });
    expect(s.files.map((f) => [f.table, f.inserted, f.rejected])).toEqual([
      ['loans', 30, 1],
      ['repayments', 60, 0],
      ['contacts', 30, 0],
    ]);
    const fresh = await openWarehouse(':memory:');
    await ensureContractTables(fresh);
    for (const t of ['loans', 'repayments', 'contacts'])
      expect([t, await layout(w, t)]).toEqual([t, await layout(fresh, t)]);
    fresh.close();
    expect(await w.all("SELECT table_name FROM duckdb_tables() WHERE table_name = 'ingest_stage'")).toEqual(
      [],
    );
    expect(await w.all("SELECT loan_id FROM loans WHERE loan_id = 'L0031'")).toEqual([]);
    await expect(w.run("INSERT INTO loans (loan_id) VALUES ('L-none')")).rejects.toThrow(/NOT NULL/);
  });

  it('then merges later batches into the adopted table', async () => {
    await ingest(w, { paths: [folderWith({ 'loans.csv': goodWorld(30).loans })] });
    const more = goodWorld(33);
    const again = await ingest(
      w,
      { paths: [folderWith({ 'loans.csv': more.loans })] },
      '2024-06-02T00:00:00Z',
    );
    expect(again.totals).toMatchObject({ rows_in: 33, inserted: 3, unchanged: 30, updated: 0, rejected: 0 });
    expect(await w.all('SELECT count(*)::INTEGER AS n FROM loans')).toEqual([{ n: 33 }]);
  });
});

describe('a staged file large enough to be read by several threads', () => {
  // 200,000 contacts (15 MB): DuckDB reads them in parallel, and a row's identity in the stage is its line only if
  // the statement writing the rows keeps their file order (a join in it, e.g. a long IN list, would not, some of
  // the time: hence several loads).
  const n = 200_000;
  const bad = new Map([
    [1, 'HANGUP'],
    [n / 2, 'Answered'],
    [n, 'hangup'],
  ]);
  const contacts = Array.from({ length: n }, (_, k) => {
    const row = contactRow(k + 1, (k % 1000) + 1);
    const outcome = bad.get(k + 1);
    if (outcome) row[6] = outcome;
    return row;
  });
  const dir = folderWith({
    'loans.csv': csv(
      LOAN_HEADER,
      Array.from({ length: 1000 }, (_, k) => loanRow(k + 1)),
    ),
    'contacts.csv': csv(CONTACT_HEADER, contacts),
  });
  const kept = contacts.filter((_, k) => !bad.has(k + 1)).map((r) => r[0]);

  it.each([1, 2, 3])('keeps their file order (load %i): each refused row at its own line', async () => {
    // A warehouse file: an in-memory database writes rows another way, and would not show the order lost.
    const w = await openWarehouse(join(tempDir('ingest-order-'), 'w.duckdb'));
    try {
      const s = await ingest(w, { paths: [dir] });
      expect(s.files.map((f) => [f.table, f.inserted, f.rejected])).toEqual([
        ['loans', 1000, 0],
        ['contacts', n - 3, 3],
      ]);
      const rejects = await w.all<{ line: bigint; value: string; rule: string }>(
        "SELECT line, value, rule FROM rejects WHERE file LIKE '%contacts.csv' ORDER BY line",
      );
      expect(rejects).toEqual([...bad].map(([k, v]) => ({ line: BigInt(k + 1), value: v, rule: 'enum' })));
      // The adopted table holds the rows in the order of the file.
      const ids = await w.conn.runAndReadAll('SELECT contact_id FROM contacts ORDER BY rowid');
      expect(ids.getColumnsJS()[0]?.join() === kept.join()).toBe(true);
    } finally {
      w.close();
    }
  });
});

describe('the typed read and the read as text', () => {
  // Values DuckDB's CSV reader types itself (principal, term_months, income, dates), written as a bank's export
  // might. File A holds them alone: the typed read takes the whole file. File B adds one value the contract
  // refuses (a fraction in term_months), which sends the whole file to the read as text. Both must load the same
  // rows with the same values, and B refuse its one row with the value as delivered.
  const odd: [number, Record<number, string>][] = [
    [1, { 5: ' 102500' }],
    [2, { 5: '1_000' }],
    [3, { 5: '1e5', 13: '+8000' }],
    [4, { 7: '36.0' }],
    [5, { 7: '0060' }],
    [6, { 3: '2023/06/15' }],
    [7, { 3: '2023-07-01 00:00:00' }],
    [8, { 3: '2023-8-9', 13: '8080.' }],
    [9, { 12: '-0' }],
    [10, { 5: '\t125000' }],
  ];
  const rows = odd.map(([i, o]) => {
    const r = loanRow(i);
    for (const [k, v] of Object.entries(o)) r[Number(k)] = v;
    return r;
  });
  const refused = loanRow(11);
  refused[7] = '36.6';

  it('load the same rows, and the read as text reports the refused value as delivered', async () => {
    const load = async (files: string[][]) => {
      const w = await openWarehouse(join(tempDir('ingest-typed-'), 'w.duckdb'));
      try {
        const log = memoryLogger();
        const s = await runIngest(
          w,
          { paths: [folderWith({ 'loans.csv': csv(LOAN_HEADER, files) })] },
          { log, clock: fixedClock('2024-06-01T00:00:00Z') },
        );
        for (const f of s.files) assertBalanced(f);
        const reread = log.records.some((r) => r.msg.includes('again as text'));
        const loans = await w.all('SELECT CAST(COLUMNS(*) AS VARCHAR) FROM loans ORDER BY loan_id');
        const rejects = await w.all('SELECT line, "column", value, rule FROM rejects ORDER BY line');
        return { totals: s.totals, reread, loans: JSON.stringify(loans), rejects };
      } finally {
        w.close();
      }
    };
    const typed = await load(rows);
    const text = await load([...rows, refused]);
    expect([typed.reread, text.reread]).toEqual([false, true]);
    expect(typed.totals).toMatchObject({ rows_in: 10, inserted: 10, rejected: 0 });
    expect(text.totals).toMatchObject({ rows_in: 11, inserted: 10, rejected: 1 });
    expect(text.loans).toBe(typed.loans);
    expect(text.rejects).toEqual([{ line: 12n, column: 'term_months', value: '36.6', rule: 'type' }]);
    expect(typed.loans).toContain('"principal":"100000.0"');
    expect(typed.loans).toContain('"term_months":"36"');
    expect(typed.loans).toContain('"disbursed_on":"2023-07-01"');
  });
});
