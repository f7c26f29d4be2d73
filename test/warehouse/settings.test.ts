import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { duckdbSettings, openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';

const CLI = join(import.meta.dirname, '../../src/cli/followup.mjs');
const dir = mkdtempSync(join(tmpdir(), 'followup-duckdb-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A warehouse's memory limit and threads as DuckDB reports them. */
async function settingsOf(w: Warehouse): Promise<{ m: string; t: string } | undefined> {
  return w.one<{ m: string; t: string }>(
    "SELECT current_setting('memory_limit')::VARCHAR AS m, current_setting('threads')::VARCHAR AS t",
  );
}

/** DuckDB's own reading of a setting in an instance created with `config` (the reference). */
async function reference(config: Record<string, string>, name: string): Promise<string> {
  const db = await DuckDBInstance.create(':memory:', config);
  const c = await db.connect();
  const r = await c.runAndReadAll(`SELECT current_setting('${name}')::VARCHAR AS v`);
  const v = String(r.getRowObjectsJS()[0]!.v);
  c.closeSync();
  db.closeSync();
  return v;
}

describe('DuckDB settings from the environment', () => {
  it('opens every warehouse with FOLLOWUP_DUCKDB_MEMORY and FOLLOWUP_DUCKDB_THREADS; options in code win', async () => {
    const saved = { m: process.env.FOLLOWUP_DUCKDB_MEMORY, t: process.env.FOLLOWUP_DUCKDB_THREADS };
    process.env.FOLLOWUP_DUCKDB_MEMORY = '1GB';
    process.env.FOLLOWUP_DUCKDB_THREADS = '1';
    try {
      const w = await openWarehouse(':memory:');
      const got = await settingsOf(w);
      w.close();
      expect(got).toEqual({
        m: await reference({ memory_limit: '1GB' }, 'memory_limit'),
        t: await reference({ threads: '1' }, 'threads'),
      });
      expect(got!.m).not.toBe(await reference({}, 'memory_limit'));
      const v = await openWarehouse(':memory:', { memoryLimit: '2GB', threads: 2 });
      const own = await settingsOf(v);
      v.close();
      expect(own).toEqual({
        m: await reference({ memory_limit: '2GB' }, 'memory_limit'),
        t: await reference({ threads: '2' }, 'threads'),
      });
    } finally {
      for (const [k, v] of [
        ['FOLLOWUP_DUCKDB_MEMORY', saved.m],
        ['FOLLOWUP_DUCKDB_THREADS', saved.t],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });

  it('reads sizes DuckDB accepts and names the variable, what it expected and what it found otherwise', () => {
    expect(duckdbSettings({ FOLLOWUP_DUCKDB_MEMORY: ' 1.5GiB ', FOLLOWUP_DUCKDB_THREADS: '2' })).toEqual({
      memoryLimit: '1.5GiB',
      threads: 2,
    });
    expect(duckdbSettings({})).toEqual({});
    expect(() => duckdbSettings({ FOLLOWUP_DUCKDB_MEMORY: 'lots' })).toThrow(
      /FOLLOWUP_DUCKDB_MEMORY: expected a size such as 512MB, 2GB or 1\.5GiB; found "lots"/,
    );
    expect(() => duckdbSettings({ FOLLOWUP_DUCKDB_THREADS: '0' })).toThrow(
      /FOLLOWUP_DUCKDB_THREADS: expected a whole number of threads \(1 or more\); found "0"/,
    );
  });

  it('stops a command with exit 2 and the message when the setting is malformed', async () => {
    const wh = join(dir, 'w.duckdb');
    (await openWarehouse(wh)).close();
    const r = spawnSync(
      process.execPath,
      [CLI, 'score', '--warehouse', wh, '--models', join(dir, 'models'), '--as-of', '2025-12-31'],
      { env: { ...process.env, FOLLOWUP_CONFIG: 'none', FOLLOWUP_DUCKDB_MEMORY: 'lots' }, encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'FOLLOWUP_DUCKDB_MEMORY: expected a size such as 512MB, 2GB or 1.5GiB; found "lots"',
    );
  });

  it('says DuckDB ran out of memory under the limit that was set (exit 2), not an internal error', async () => {
    const wh = join(dir, 'small.duckdb');
    const w = await openWarehouse(wh);
    await w.run('CREATE TABLE t AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(200000)');
    w.close();
    const r = spawnSync(
      process.execPath,
      [CLI, 'score', '--warehouse', wh, '--models', join(dir, 'models'), '--as-of', '2025-12-31'],
      { env: { ...process.env, FOLLOWUP_CONFIG: 'none', FOLLOWUP_DUCKDB_MEMORY: '100B' }, encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('DuckDB ran out of memory under its memory_limit of 100B');
    expect(r.stderr).not.toContain('internal error');
  });
});
