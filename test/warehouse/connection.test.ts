import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBListValue } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { FollowupError } from '../../src/core/errors.ts';
import { openWarehouse } from '../../src/warehouse/db.ts';

const dir = mkdtempSync(join(tmpdir(), 'followup-connection-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

describe('Warehouse.fork', () => {
  it('reads what is committed on the same file, not the open transaction of its parent, with its own temp tables', async () => {
    const w = await openWarehouse(join(dir, 'fork.duckdb'));
    try {
      await w.run('CREATE TABLE t AS SELECT range AS i FROM range(5)');
      const f = await w.fork();
      try {
        const count = async (x: typeof w) =>
          Number((await x.one<{ n: bigint }>('SELECT count(*) AS n FROM t'))!.n);
        expect(await count(f)).toBe(5);
        await w.tx(async () => {
          await w.run('INSERT INTO t SELECT range FROM range(5, 8)');
          expect(await count(w)).toBe(8);
          // The fork runs beside the parent's transaction and sees the table as committed.
          expect(await count(f)).toBe(5);
        });
        expect(await count(f)).toBe(8);
        await f.run('CREATE TEMP TABLE only_here AS SELECT 1 AS x');
        expect(await f.one('SELECT x FROM temp.only_here')).toEqual({ x: 1 });
        await expect(w.all('SELECT x FROM temp.only_here')).rejects.toThrow(/only_here/);
        // Same settings: the session time zone every connection of a warehouse uses.
        expect(await f.one("SELECT current_setting('TimeZone') AS z")).toEqual({ z: 'UTC' });
        // A fork of a fork (a pipeline step on its own connection that forks a reader): another connection to the
        // same database; closing it leaves both open.
        const ff = await f.fork();
        try {
          expect(await count(ff)).toBe(8);
          await expect(ff.all('SELECT x FROM temp.only_here')).rejects.toThrow(/only_here/);
        } finally {
          ff.close();
        }
        expect(await count(f)).toBe(8);
        // Numbers reserved on any connection of the database are handed out once: two writers that read the same
        // committed maximum (7) get 8 and 9; a larger maximum read later wins.
        expect([w.reserve('n', 8), f.reserve('n', 8), w.reserve('other', 8)]).toEqual([8, 9, 8]);
        expect(f.reserve('n', 20)).toBe(20);
        expect(w.reserve('n', 3)).toBe(21);
      } finally {
        f.close();
      }
      // Closing the fork leaves the parent open.
      expect(await w.one('SELECT count(*)::INTEGER AS n FROM t')).toEqual({ n: 8 });
    } finally {
      w.close();
    }
  });
});
