/**
 * A CSV file whose mapping the scan alone applies is written typed into a table of the warehouse (src/ingest/typed.ts
 * STAGE), and on a first load that table becomes the contract table instead of being copied into it (merge.ts
 * adopt). The table must then be exactly the contract's: same columns, types and NOT NULL constraints, no refused
 * row left in it, no stage left beside it, and later batches merge into it as into any table.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';
import { ensureContractTables } from '../../src/warehouse/schema.ts';
import { csv, goodWorld, LOAN_HEADER, loanRow } from './fixtures.ts';
import { folderWith, ingest } from './helpers.ts';

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
