/**
 * `warehouse export-parquet --mask-phone`: every phone in the dataset is masked (+86138****8000, computed here
 * independently), every other column and row is the warehouse's, and no raw number is left in the files' bytes.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportParquetDataset } from '../../src/shard/parquet.ts';
import { literal, withWarehouse } from '../../src/warehouse/db.ts';
import { insertLoans, makeLoans } from '../export/fixture.ts';

/** The masking rule, restated: country code and prefix, stars, the last four digits. */
function masked(phone: string): string {
  return phone.length >= 11
    ? `${phone.slice(0, 6)}${'*'.repeat(phone.length - 10)}${phone.slice(-4)}`
    : `${phone.slice(0, 3)}${'*'.repeat(Math.max(phone.length - 5, 0))}${phone.slice(-2)}`;
}

describe('Parquet dataset with masked phones', () => {
  it('masks every phone and keeps everything else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shard-mask-'));
    const loans = makeLoans(30);
    await withWarehouse(join(dir, 'w.duckdb'), async (w) => {
      await insertLoans(w, loans);
      const out = join(dir, 'lake');
      const written = await exportParquetDataset(w, {
        out,
        shards: 4,
        tables: ['loans'],
        maskPhone: true,
        // Uncompressed, so a raw number left anywhere would show in the bytes checked below.
        compression: 'uncompressed',
      });
      expect(written).toEqual([{ table: 'loans', rows: 30, partitions: 4, path: join(out, 'loans') }]);
      const back = await w.all<{ loan_id: string; phone: string }>(
        `SELECT loan_id, phone FROM read_parquet(${literal(join(out, 'loans', '*', '*.parquet'))}, hive_partitioning = true) ORDER BY loan_id`,
      );
      expect(back).toEqual(loans.map((l) => ({ loan_id: l.loan_id, phone: masked(l.phone) })));
      const same = await w.one<{ n: bigint }>(
        `SELECT count(*) AS n FROM (SELECT * EXCLUDE (phone) FROM loans EXCEPT ALL
           SELECT * EXCLUDE (phone, shard) FROM read_parquet(${literal(join(out, 'loans', '*', '*.parquet'))}, hive_partitioning = true))`,
      );
      expect(Number(same?.n)).toBe(0);
      const bytes = readdirSync(join(out, 'loans'), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => readFileSync(join(e.parentPath, e.name)).toString('latin1'))
        .join('');
      for (const l of loans) expect(bytes).not.toContain(l.phone.slice(1));
    });
  });
});
