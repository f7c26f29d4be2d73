/**
 * The committed sample (data-samples/sample) is exactly what `generate --borrowers 3000 --months 36 --seed 7
 * --gzip` writes, and the world it holds behaves as designed, within statistical tolerances.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import { runGenerate } from '../../src/generate/run.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { openWorld } from './world-db.ts';

const SAMPLE = new URL('../../data-samples/sample/', import.meta.url).pathname;
let fresh: string;
let w: Warehouse;

beforeAll(async () => {
  fresh = await mkdtemp(join(tmpdir(), 'followup-gen-sample-'));
  await runGenerate({ borrowers: 3000, months: 36, seed: 7, gzip: true, out: fresh }, silentLogger);
  w = await openWorld(SAMPLE, true);
});

afterAll(async () => {
  w?.close();
  await rm(fresh, { recursive: true, force: true });
});

async function num(sql: string): Promise<number> {
  const r = await w.one<{ x: number | bigint }>(sql);
  return Number(r?.x);
}

describe('the committed sample', () => {
  it('is reproduced byte for byte by the generator', async () => {
    const files = (await readdir(SAMPLE, { recursive: true })).filter((f) => f.includes('.')).sort();
    expect(files).toEqual((await readdir(fresh, { recursive: true })).filter((f) => f.includes('.')).sort());
    expect(files).toContain('truth/params.json');
    for (const f of files) {
      const same = (await readFile(join(SAMPLE, f))).equals(await readFile(join(fresh, f)));
      expect(same, `${f} differs: regenerate data-samples/sample (see data-samples/README.md)`).toBe(true);
    }
  });
});

describe('the world behaves as designed (3000 borrowers, seed 7)', () => {
  it('has a realistic mix: ~75 % personal, every grade, repeat borrowers, some missing incomes', async () => {
    expect(await num(`SELECT avg((loan_type = 'personal')::INT) x FROM loans`)).toBeGreaterThan(0.7);
    expect(await num(`SELECT avg((loan_type = 'personal')::INT) x FROM loans`)).toBeLessThan(0.8);
    expect(await num('SELECT count(DISTINCT credit_grade) x FROM loans')).toBe(7);
    expect(await num('SELECT count(*) - count(DISTINCT borrower_id) x FROM loans')).toBeGreaterThan(150);
    expect(await num('SELECT avg((income IS NULL)::INT) x FROM loans')).toBeGreaterThan(0.05);
  });

  it('CCC loans reach 30+ DPD far more often than AAA loans', async () => {
    const rate = (g: string) =>
      num(`SELECT avg(bad::INT) x FROM (SELECT l.loan_id, bool_or(r.paid_on - r.due_on >= 30
        OR r.paid_on IS NULL AND r.due_on <= DATE '2025-11-30') bad FROM loans l JOIN repayments r USING (loan_id)
        WHERE l.credit_grade = '${g}' GROUP BY 1)`);
    const ccc = await rate('CCC');
    const aaa = await rate('AAA');
    expect(ccc).toBeGreaterThan(0.1);
    expect(ccc).toBeGreaterThan(4 * aaa);
  });

  it('onsets happen as often as the true hazards say (sum of hazards ≈ count of onsets)', async () => {
    // Months up to 2025-07 so that every 30+ DPD onset is visible by the world end (2025-12-31).
    const r = await w.one<{ e: number; o: number | bigint }>(`SELECT sum(h.hazard) e,
      sum((r.paid_on IS NULL OR r.paid_on - r.due_on >= 30)::INT) o FROM hazard h JOIN repayments r
      ON r.loan_id = h.loan_id AND date_trunc('month', r.due_on) = h.month WHERE h.month <= DATE '2025-07-01'`);
    const e = Number(r?.e);
    expect(e).toBeGreaterThan(50);
    expect(Math.abs(Number(r?.o) - e)).toBeLessThan(4 * Math.sqrt(e));
  });

  it('hang-ups happen as often as the true probabilities say', async () => {
    const r = await w.one<{ e: number; o: number | bigint }>(
      `SELECT sum(p_hangup) e, sum((outcome = 'hung_up')::INT) o FROM contacts JOIN hangup USING (contact_id)`,
    );
    const e = Number(r?.e);
    expect(Math.abs(Number(r?.o) - e)).toBeLessThan(4 * Math.sqrt(e));
  });

  it('calls at the worst hour (20:00) are hung up on more than at the best (15:00)', async () => {
    const rate = (h: number) =>
      num(`SELECT avg((c.outcome = 'hung_up')::INT) x FROM contacts c JOIN loans l USING (loan_id)
        WHERE c.channel = 'phone' AND c.direction = 'outbound' AND c.purpose <> 'collection'
          AND hour(timezone(l.time_zone, c.started_at)) = ${h}`);
    expect(await rate(20)).toBeGreaterThan((await rate(15)) + 0.1);
  });

  it('pre-notified follow-up calls are hung up on less', async () => {
    const rows = await w.all<{
      pre: boolean;
      x: number;
    }>(`WITH n AS (SELECT loan_id, started_at t FROM contacts
        WHERE channel IN ('sms', 'email') AND outcome = 'delivered')
      SELECT pre, avg((outcome = 'hung_up')::INT) x FROM (SELECT c.outcome, EXISTS (SELECT 1 FROM n
        WHERE n.loan_id = c.loan_id AND n.t <= c.started_at AND n.t > c.started_at - INTERVAL 48 HOUR) pre
        FROM contacts c WHERE c.channel = 'phone' AND c.direction = 'outbound' AND c.purpose <> 'collection')
      GROUP BY 1`);
    const by = Object.fromEntries(rows.map((r) => [String(r.pre), r.x]));
    expect(by.true!).toBeLessThan(by.false! - 0.05);
  });

  it('loans in a downturn region carry a higher true hazard during the downturn', async () => {
    const p = JSON.parse(await readFile(join(SAMPLE, 'truth', 'params.json'), 'utf8'));
    expect(p.downturns.length).toBeGreaterThanOrEqual(1);
    for (const d of p.downturns as { region: string; from: string; months: number }[]) {
      const span = `h.month >= DATE '${d.from}-01' + INTERVAL 3 MONTH
        AND h.month < DATE '${d.from}-01' + INTERVAL (${d.months + 3}) MONTH`;
      const inside = await num(`SELECT avg(h.hazard) x FROM hazard h JOIN loans l USING (loan_id)
        WHERE l.region = '${d.region}' AND ${span}`);
      const others = await num(`SELECT avg(h.hazard) x FROM hazard h JOIN loans l USING (loan_id)
        WHERE l.region NOT IN (SELECT unnest(['${(p.downturns as { region: string }[]).map((x) => x.region).join("','")}'])) AND ${span}`);
      expect(inside, d.region).toBeGreaterThan(1.3 * others);
    }
  });

  it('mid-term follow-ups come every 90–180 days, and sooner for corporate loans', async () => {
    const gaps = await w.all<{ loan_type: string; g: number; lo: number; hi: number }>(`WITH f AS (
        SELECT DISTINCT c.loan_id, l.loan_type, CAST(timezone(l.time_zone, c.started_at) AS DATE) d
        FROM contacts c JOIN loans l USING (loan_id)
        WHERE c.purpose IN ('first', 'mid_term') AND c.channel IN ('phone', 'visit') AND c.direction = 'outbound'),
      g AS (SELECT loan_type, d - lag(d) OVER (PARTITION BY loan_id ORDER BY d) gap FROM f)
      SELECT loan_type, median(gap) g, quantile_cont(gap, 0.05) lo, quantile_cont(gap, 0.95) hi FROM g
      WHERE gap > 7 GROUP BY 1`);
    const by = Object.fromEntries(gaps.map((r) => [r.loan_type, r]));
    expect(by.corporate!.g).toBeLessThan(by.personal!.g);
    for (const r of gaps) {
      expect(r.lo).toBeGreaterThanOrEqual(85);
      expect(r.hi).toBeLessThanOrEqual(190);
    }
  });
});
