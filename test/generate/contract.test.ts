/**
 * The generated world obeys the data contract and the practice: read back through DuckDB with the contract's
 * types, every rule is checked with SQL over every row.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyTableSpec } from '../../src/contract/columns.ts';
import { TABLES } from '../../src/contract/tables.ts';
import { silentLogger } from '../../src/core/log.ts';
import { GENERATED_TABLES, runGenerate } from '../../src/generate/run.ts';
import { ident, type Warehouse } from '../../src/warehouse/db.ts';
import { openWorld } from './world-db.ts';

let dir: string;
let w: Warehouse;
const START = '2023-03-15';
const END = '2025-03-14'; // 24 months later, minus a day

async function count(sql: string): Promise<number> {
  const row = await w.one<{ n: bigint | number }>(sql);
  return Number(row?.n ?? -1);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'followup-gen-contract-'));
  await runGenerate({ borrowers: 600, months: 24, seed: 11, start: START, out: dir }, silentLogger);
  w = await openWorld(dir);
});

afterAll(async () => {
  w?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('files follow the data contract', () => {
  it.each(GENERATED_TABLES.map((t) => t.name))(
    '%s.csv has exactly the contract columns, in order',
    async (name) => {
      const head = (await readFile(join(dir, `${name}.csv`), 'utf8')).split('\n', 1)[0];
      expect(head).toBe(Object.keys(TABLES[name as keyof typeof TABLES].columns).join(','));
    },
  );

  it.each(GENERATED_TABLES as readonly AnyTableSpec[])(
    '$name: required, enum, range and key rules hold',
    async (spec) => {
      expect(await count(`SELECT count(*) n FROM ${spec.name}`)).toBeGreaterThan(0);
      for (const [col, c] of Object.entries(spec.columns)) {
        const q = ident(col);
        if (c.required !== false)
          expect(await count(`SELECT count(*) n FROM ${spec.name} WHERE ${q} IS NULL`), col).toBe(0);
        if (c.values) {
          const rows = await w.all<{ v: string }>(
            `SELECT DISTINCT ${q} v FROM ${spec.name} WHERE ${q} IS NOT NULL`,
          );
          for (const r of rows) expect(c.values, `${spec.name}.${col}`).toContain(r.v);
        }
        if (c.min !== undefined)
          expect(await count(`SELECT count(*) n FROM ${spec.name} WHERE ${q} < ${c.min}`), col).toBe(0);
        if (c.max !== undefined)
          expect(await count(`SELECT count(*) n FROM ${spec.name} WHERE ${q} > ${c.max}`), col).toBe(0);
      }
      const key = spec.key.map(ident).join(', ');
      expect(await count(`SELECT count(*) - count(DISTINCT (${key})) n FROM ${spec.name}`)).toBe(0);
    },
  );

  it('phones are E.164 Chinese mobiles and zones are IANA zones', async () => {
    const phones = await w.all<{ phone: string }>('SELECT phone FROM loans');
    for (const { phone } of phones) expect(phone).toMatch(/^\+861[3-9]\d{9}$/);
    const zones = await w.all<{ z: string }>('SELECT DISTINCT time_zone z FROM loans');
    const iana = new Set(Intl.supportedValuesOf('timeZone'));
    for (const { z } of zones) expect(iana.has(z), z).toBe(true);
    expect(zones.length).toBeGreaterThanOrEqual(4);
  });

  it('loans mature after disbursement, term months later, disbursed inside the window', async () => {
    expect(await count('SELECT count(*) n FROM loans WHERE maturity_on <= disbursed_on')).toBe(0);
    expect(
      await count(
        `SELECT count(*) n FROM loans WHERE maturity_on <> disbursed_on + to_months(term_months::INT)`,
      ),
    ).toBe(0);
    expect(
      await count(
        `SELECT count(*) n FROM loans WHERE disbursed_on < DATE '${START}' OR disbursed_on > DATE '${END}'`,
      ),
    ).toBe(0);
  });

  it('repayments: known only up to the world end, never paid before disbursement, numbered 1…n', async () => {
    expect(
      await count(`SELECT count(*) n FROM repayments r JOIN loans l USING (loan_id)
        WHERE r.due_on > DATE '${END}' OR r.paid_on > DATE '${END}' OR r.paid_on < l.disbursed_on
           OR r.due_on <= l.disbursed_on OR r.installment_no > l.term_months`),
    ).toBe(0);
    expect(
      await count('SELECT count(*) n FROM repayments WHERE (paid_on IS NULL) <> (amount_paid IS NULL)'),
    ).toBe(0);
    expect(
      await count(`SELECT count(*) n FROM (SELECT loan_id, max(installment_no) m, count(*) c FROM repayments
        GROUP BY 1) WHERE m <> c`),
    ).toBe(0);
    expect(
      await count('SELECT count(*) n FROM repayments WHERE loan_id NOT IN (SELECT loan_id FROM loans)'),
    ).toBe(0);
  });

  it('contacts: ISO 8601 with the borrower offset, 08:00–21:00 local, after disbursement', async () => {
    // The written offset must be the zone's offset at that instant (checked against Intl), and local hours
    // (the wall clock written) within 08:00–21:00.
    const zoneOf = new Map<string, string>();
    for (const r of await w.all<{ loan_id: string; time_zone: string }>(
      'SELECT loan_id, time_zone FROM loans',
    )) {
      zoneOf.set(r.loan_id, r.time_zone);
    }
    const raw = (await readFile(join(dir, 'contacts.csv'), 'utf8')).trim().split('\n').slice(1);
    const fmts = new Map<string, Intl.DateTimeFormat>();
    let checked = 0;
    for (const line of raw) {
      const [, loanId, ts] = line.split(',') as [string, string, string];
      const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):00([+-]\d{2}:\d{2})$/.exec(ts);
      expect(m, ts).not.toBeNull();
      const hour = Number(m![2]);
      expect(hour >= 8 && hour < 21, ts).toBe(true);
      const zone = zoneOf.get(loanId)!;
      let f = fmts.get(zone);
      if (!f) {
        f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
        fmts.set(zone, f);
      }
      const name = f.formatToParts(new Date(ts)).find((p) => p.type === 'timeZoneName')!.value;
      expect(name === 'GMT' ? '+00:00' : name.slice(3), `${ts} in ${zone}`).toBe(m![4]);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
    const local = `timezone(l.time_zone, c.started_at)`;
    expect(
      await count(`SELECT count(*) n FROM contacts c JOIN loans l USING (loan_id)
        WHERE CAST(${local} AS DATE) < l.disbursed_on OR CAST(${local} AS DATE) > DATE '${END}'`),
    ).toBe(0);
  });

  it('never more than 6 unanswered call attempts per loan and local day', async () => {
    expect(
      await count(`SELECT max(n) n FROM (SELECT c.loan_id, CAST(timezone(l.time_zone, c.started_at) AS DATE) d,
        count(*) n FROM contacts c JOIN loans l USING (loan_id)
        WHERE c.channel = 'phone' AND c.direction = 'outbound' AND c.outcome IN ('no_answer', 'busy', 'voicemail')
        GROUP BY 1, 2)`),
    ).toBeLessThanOrEqual(6);
  });

  it('first follow-up within 30 days of disbursement for every loan disbursed at least 30 days before the end', async () => {
    const loans = await count(`SELECT count(*) n FROM loans WHERE disbursed_on + 30 <= DATE '${END}'`);
    const followed =
      await count(`SELECT count(DISTINCT l.loan_id) n FROM loans l JOIN contacts c USING (loan_id)
      WHERE c.purpose = 'first' AND c.channel = 'phone' AND l.disbursed_on + 30 <= DATE '${END}'
        AND CAST(timezone(l.time_zone, c.started_at) AS DATE) <= l.disbursed_on + 30`);
    expect(loans).toBeGreaterThan(400);
    expect(followed).toBe(loans);
  });

  it('collection calls only while the loan is 30+ days past due', async () => {
    // Derived from repayments as the pipeline would: some installment due 30+ days before is unpaid then.
    expect(
      await count(`SELECT count(*) n FROM contacts c JOIN loans l USING (loan_id)
        WHERE c.purpose = 'collection' AND NOT EXISTS (SELECT 1 FROM repayments r WHERE r.loan_id = c.loan_id
          AND r.due_on + 30 <= CAST(timezone(l.time_zone, c.started_at) AS DATE) + 1
          AND (r.paid_on IS NULL OR r.paid_on >= CAST(timezone(l.time_zone, c.started_at) AS DATE) - 1))`),
    ).toBe(0);
    expect(await count(`SELECT count(*) n FROM contacts WHERE purpose = 'collection'`)).toBeGreaterThan(0);
  });

  it('market has one row per region and month, from 12 months before the window to its last month', async () => {
    expect(await count('SELECT count(DISTINCT region) n FROM market')).toBe(10);
    expect(await count('SELECT count(DISTINCT month) n FROM market')).toBe(12 + 24);
    expect(await count(`SELECT count(*) n FROM market WHERE month <> date_trunc('month', month)`)).toBe(0);
    expect(await count('SELECT count(*) n FROM loans WHERE region NOT IN (SELECT region FROM market)')).toBe(
      0,
    );
  });
});

describe('truth covers what it must', () => {
  it('truth/hangup.csv has exactly one probability per phone attempt', async () => {
    expect(
      await count(`SELECT count(*) n FROM contacts c FULL JOIN hangup h USING (contact_id)
        WHERE c.contact_id IS NULL OR h.contact_id IS NULL AND c.channel = 'phone' OR h.contact_id IS NOT NULL AND c.channel <> 'phone'`),
    ).toBe(0);
    expect(await count('SELECT count(*) n FROM hangup WHERE p_hangup <= 0 OR p_hangup >= 1')).toBe(0);
  });

  it('truth/hazard.csv covers each loan month by month until onset, prepayment or the end', async () => {
    // Each hazard row is an installment month of its loan, and the months form a prefix of the installments.
    expect(
      await count(`SELECT count(*) n FROM hazard h LEFT JOIN repayments r ON r.loan_id = h.loan_id
        AND date_trunc('month', r.due_on) = h.month WHERE r.loan_id IS NULL`),
    ).toBe(0);
    expect(
      await count(`SELECT count(*) n FROM (SELECT h.loan_id, count(*) c, max(r.installment_no) m FROM hazard h
        JOIN repayments r ON r.loan_id = h.loan_id AND date_trunc('month', r.due_on) = h.month GROUP BY 1) WHERE c <> m`),
    ).toBe(0);
    // A loan with no 30+ DPD installment and no prepayment is at risk in every installment month.
    expect(
      await count(`SELECT count(*) n FROM (SELECT r.loan_id, count(*) k,
          bool_or(r.paid_on IS NULL AND r.due_on + 30 <= DATE '${END}' OR r.paid_on - r.due_on >= 30) bad,
          bool_or(r.amount_paid > r.amount_due * 1.5) prepaid FROM repayments r GROUP BY 1) x
        LEFT JOIN (SELECT loan_id, count(*) c FROM hazard GROUP BY 1) h USING (loan_id)
        WHERE NOT bad AND NOT prepaid AND coalesce(h.c, 0) <> k AND x.loan_id NOT IN
          (SELECT loan_id FROM repayments WHERE paid_on IS NULL)`),
    ).toBe(0);
    // The installment that first went 30+ DPD has a hazard row (the onset month is at risk).
    expect(
      await count(`SELECT count(*) n FROM (SELECT loan_id, min(installment_no) k FROM repayments
          WHERE paid_on - due_on >= 30 OR paid_on IS NULL AND due_on + 30 <= DATE '${END}' GROUP BY 1) o
        LEFT JOIN (SELECT loan_id, count(*) c FROM hazard GROUP BY 1) h USING (loan_id) WHERE coalesce(h.c, 0) < o.k`),
    ).toBe(0);
  });

  it('truth/params.json records the seed, window and parameters', async () => {
    const p = JSON.parse(await readFile(join(dir, 'truth', 'params.json'), 'utf8'));
    expect(p).toMatchObject({ seed: 11, borrowers: 600, months: 24, start: START, end: END });
    const { DEFAULT_PARAMS } = await import('../../src/generate/defaults.ts');
    expect(p.params).toEqual(DEFAULT_PARAMS);
  });
});
