/**
 * A warehouse made before the contract gained contacts.promised_on and contacts.followup_id, and before
 * recommendations gained scripts and next actions: opening it for ingest or recommend adds the columns (NULL for
 * old rows), keeps `contacts_history` positionally aligned, and an update after the migration still lands its old
 * version in the history.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/log.ts';
import { runIngest } from '../../src/ingest/index.ts';
import { openWarehouse } from '../../src/warehouse/db.ts';
import { ensureRecommendationTables } from '../../src/warehouse/recommendations.ts';

const dir = mkdtempSync(join(tmpdir(), 'followup-migrate-'));
const clock = fixedClock('2026-01-05T00:00:00Z');

const columns = async (w: Awaited<ReturnType<typeof openWarehouse>>, t: string) =>
  (
    await w.all<{ c: string }>(
      'SELECT column_name AS c FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position',
      [t],
    )
  ).map((r) => r.c);

describe('migrating an older warehouse', () => {
  it('adds the new optional contact columns and keeps the history table aligned', async () => {
    const src = join(dir, 'v1');
    mkdirSync(src);
    writeFileSync(
      join(src, 'loans.csv'),
      'loan_id,borrower_id,loan_type,disbursed_on,maturity_on,principal,annual_rate,term_months,credit_grade,region,time_zone,phone\n' +
        'L1,B1,personal,2024-01-10,2034-01-10,500000,0.045,120,A,R1,Asia/Shanghai,+8613800138000\n',
    );
    writeFileSync(
      join(src, 'contacts.csv'),
      'contact_id,loan_id,started_at,channel,direction,purpose,outcome,duration_s,agent_id\n' +
        'C1,L1,2024-02-01T02:00:00Z,phone,outbound,first,answered,60,A1\n',
    );
    const path = join(dir, 'old.duckdb');
    const w = await openWarehouse(path);
    try {
      await runIngest(w, { paths: [src] }, { log: silentLogger, clock });
      // Make it look like a v1 warehouse: drop the added columns from the table and its history.
      for (const t of ['contacts', 'contacts_history'])
        for (const c of ['promised_on', 'followup_id']) await w.run(`ALTER TABLE ${t} DROP COLUMN ${c}`);
      expect(await columns(w, 'contacts')).not.toContain('promised_on');
      // A re-delivery that changes C1 into a dated promise: the migration runs inside the ingest.
      writeFileSync(
        join(src, 'contacts.csv'),
        'contact_id,loan_id,started_at,channel,direction,purpose,outcome,duration_s,agent_id,promised_on\n' +
          'C1,L1,2024-02-01T02:00:00Z,phone,outbound,collection,promise_to_pay,60,A1,2024-02-10\n',
      );
      const s = await runIngest(w, { paths: [join(src, 'contacts.csv')] }, { log: silentLogger, clock });
      expect(s.totals.updated).toBe(1);
      const cols = await columns(w, 'contacts');
      expect(cols.slice(-2)).toEqual(['promised_on', 'followup_id']);
      expect((await columns(w, 'contacts_history')).slice(0, cols.length)).toEqual(cols);
      const now = await w.all<{ outcome: string; p: string }>(
        'SELECT outcome, promised_on::VARCHAR AS p FROM contacts',
      );
      expect(now).toEqual([{ outcome: 'promise_to_pay', p: '2024-02-10' }]);
      const old = await w.all<{ outcome: string; p: string | null; b: string }>(
        'SELECT outcome, promised_on::VARCHAR AS p, superseded_by_batch AS b FROM contacts_history',
      );
      expect(old).toHaveLength(1);
      expect(old[0]).toMatchObject({ outcome: 'answered', p: null });
      expect(old[0]!.b).toMatch(/.+/);
    } finally {
      w.close();
    }
  });

  it('adds the script and next-action columns to an old recommendations table, at the end', async () => {
    const w = await openWarehouse(join(dir, 'recs.duckdb'));
    try {
      await ensureRecommendationTables(w);
      const all = await columns(w, 'recommendations');
      const added = [
        'next_action',
        'assignee',
        'script_id',
        'script_lang',
        'talking_points',
        'notice_text',
        'notice_segments',
        'followup_id',
      ];
      expect(all.slice(-added.length)).toEqual(added);
      for (const c of added) await w.run(`ALTER TABLE recommendations DROP COLUMN ${c}`);
      await ensureRecommendationTables(w);
      expect(await columns(w, 'recommendations')).toEqual(all);
    } finally {
      w.close();
    }
  });
});
