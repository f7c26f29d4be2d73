/**
 * Atomicity: a real `followup ingest` child process is SIGKILLed in the middle of a batch, after the big loans
 * file was merged into the (uncommitted) loans table and while the repayments file loads. Reopening the warehouse
 * must show every table exactly as before: same row counts, same checksums.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWarehouse, withWarehouse } from '../../src/warehouse/db.ts';
import { csv, goodWorld, LOAN_HEADER, loanRow, REPAYMENT_HEADER, repaymentRows } from './fixtures.ts';
import { CLI, fingerprint, folderWith, ingest, ROOT, tempDir } from './helpers.ts';

// More than one DuckDB row group (122,880 rows), so the uncommitted insert writes blocks to the file itself.
const BIG = 130_000;

describe('SIGKILL mid-load', () => {
  it('leaves the warehouse exactly as before', async () => {
    const dir = tempDir('ingest-kill-');
    const path = join(dir, 'w.duckdb');
    await withWarehouse(path, async (w) => {
      const world = goodWorld(20);
      await ingest(w, {
        paths: [folderWith({ 'loans.csv': world.loans, 'repayments.csv': world.repayments })],
      });
    });
    const before = await withWarehouse(path, fingerprint);

    const big = tempDir('ingest-big-');
    const ids = Array.from({ length: BIG }, (_, k) => k + 100_001);
    writeFileSync(join(big, 'loans.csv'), csv(LOAN_HEADER, ids.map(loanRow)));
    writeFileSync(
      join(big, 'repayments.csv'),
      csv(
        REPAYMENT_HEADER,
        ids.flatMap((i) => repaymentRows(i, 1)),
      ),
    );

    const child = spawn(process.execPath, [CLI, 'ingest', '--warehouse', path, '--json', big], {
      cwd: ROOT,
      env: { ...process.env, TZ: 'UTC', FOLLOWUP_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const seen: string[] = [];
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    let buf = '';
    child.stderr.on('data', (d: Buffer) => {
      buf += d.toString();
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.startsWith('{')) continue;
        const rec = JSON.parse(line) as { msg: string; table?: string };
        seen.push(`${rec.msg}:${rec.table ?? ''}`);
        // Loans are merged (uncommitted) by now and the repayments load is starting: kill without warning.
        if (rec.msg === 'staging' && rec.table === 'repayments') child.kill('SIGKILL');
      }
    });
    const end = await ended;
    expect(end.signal).toBe('SIGKILL');
    expect(seen).toContain('loaded:loans');
    expect(seen).not.toContain('loaded:repayments');

    const w = await openWarehouse(path);
    try {
      expect(await fingerprint(w)).toEqual(before);
      // And the warehouse still takes a batch afterwards.
      const world = goodWorld(21);
      const s = await ingest(w, { paths: [folderWith({ 'loans.csv': world.loans })] });
      expect(s.totals).toMatchObject({ inserted: 1, unchanged: 20 });
    } finally {
      w.close();
    }
  });
});
