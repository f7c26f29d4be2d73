/** Shared helpers of the ingest tests: temp folders, the real CLI as a child process, warehouse fingerprints. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { memoryLogger } from '../../src/core/log.ts';
import { type IngestConfig, type IngestSummary, runIngest } from '../../src/ingest/index.ts';
import { assertBalanced } from '../../src/ingest/run.ts';
import { ident, type Warehouse, withWarehouse } from '../../src/warehouse/db.ts';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const CLI = join(ROOT, 'src/cli/followup.mjs');

export function tempDir(prefix = 'ingest-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `files` (name → text or bytes) into a fresh folder and returns it. */
export function folderWith(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  return dir;
}

/** Runs ingest in-process with a fixed clock; checks the accounting invariant of every file. */
export async function ingest(
  w: Warehouse,
  config: IngestConfig,
  at = '2024-06-01T00:00:00Z',
): Promise<IngestSummary> {
  const s = await runIngest(w, config, { log: memoryLogger(), clock: fixedClock(at) });
  for (const f of s.files) {
    assertBalanced(f);
    expect(f.rows_in).toBe(f.inserted + f.updated + f.unchanged + f.rejected);
  }
  return s;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real CLI in a child process. */
export function runCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, TZ: 'UTC', FOLLOWUP_LOG_LEVEL: 'warn' },
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export const DATA_TABLES = ['loans', 'repayments', 'contacts', 'market'] as const;

/** Row count and an order-independent checksum of each table that exists (contract, history, ledger, rejects). */
export async function fingerprint(w: Warehouse): Promise<Record<string, string>> {
  const tables = await w.all<{ name: string }>(
    'SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary ORDER BY 1',
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const r = await w.one<{ n: bigint; h: bigint | null }>(
      `SELECT count(*) AS n, sum(hash(CAST(t AS VARCHAR))) AS h FROM ${ident(name)} t`,
    );
    out[name] = `${r?.n}:${r?.h ?? 0}`;
  }
  return out;
}

export async function fingerprintFile(path: string): Promise<Record<string, string>> {
  return withWarehouse(path, fingerprint, { readOnly: true });
}

export async function counts(w: Warehouse): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of DATA_TABLES) {
    const r = await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${ident(t)}`);
    out[t] = Number(r?.n ?? 0);
  }
  return out;
}
