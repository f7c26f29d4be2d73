import type { DuckDBListValue } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { FollowupError } from '../../src/core/errors.ts';
import { openWarehouse } from '../../src/warehouse/db.ts';

describe('Warehouse.chunks', () => {
  it('hands every row of a many-chunk result to the callback, in order, with the same values as row objects', async () => {
    const w = await openWarehouse(':memory:');
    try {
      // 10,007 rows: several DuckDB chunks (2,048 rows each) and a short last one.
      const sql = `SELECT i::INTEGER AS i, 'L' || i AS id, CASE WHEN i % 3 = 0 THEN NULL ELSE i / 7 END AS x,
          list_transform(range(i % 4), k -> 'r' || k) AS rs
        FROM range(10007) t(i) ORDER BY i`;
      const seen: { i: number; id: string; x: number | null; rs: string[] }[] = [];
      let calls = 0;
      const n = await w.chunks(sql, undefined, (c, rows) => {
        calls++;
        expect(Object.keys(c)).toEqual(['i', 'id', 'x', 'rs']);
        for (let r = 0; r < rows; r++)
          seen.push({
            i: c.i![r] as number,
            id: c.id![r] as string,
            x: c.x![r] as number | null,
            rs: (c.rs![r] as DuckDBListValue).items as string[],
          });
      });
      expect(n).toBe(10007);
      expect(calls).toBeGreaterThan(1);
      const rows = await w.all<{ i: number; id: string; x: number | null; rs: string[] }>(sql);
      expect(seen).toEqual(rows);
    } finally {
      w.close();
    }
  });

  it('binds parameters, and a failing query rejects with DuckDB’s message and nothing handed on', async () => {
    const w = await openWarehouse(':memory:');
    try {
      const got: number[] = [];
      await w.chunks('SELECT i::INTEGER AS i FROM range($1) t(i)', [3], (c, rows) => {
        for (let r = 0; r < rows; r++) got.push(c.i![r] as number);
      });
      expect(got).toEqual([0, 1, 2]);
      let called = false;
      const err = await w
        .chunks('SELECT * FROM no_such_table', undefined, () => {
          called = true;
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(FollowupError);
      expect(String((err as Error).message)).toMatch(/no_such_table/);
      expect(called).toBe(false);
    } finally {
      w.close();
    }
  });
});
