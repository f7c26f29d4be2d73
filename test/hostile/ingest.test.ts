/**
 * The hostile ingest corpus (test/hostile/ingest-cases.ts) through the REAL CLI: every case file in one batch onto
 * a warehouse holding the base world. The batch must end with exit 3 (some rows refused), each file must load
 * exactly its good rows, and each refused row must be in `rejects` with its file, physical line, column, rule and
 * value. Then the cases that need their own run: zones in the mapping, DST gaps and overlaps, a file name that
 * looks like a glob.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Warehouse, withWarehouse } from '../../src/warehouse/db.ts';
import { counts, fingerprintFile, folderWith, ingest, ROOT, runCli, tempDir } from '../ingest/helpers.ts';
import { ROW_CASES } from './ingest-cases.ts';

const BASE = join(ROOT, 'data-samples/broken/base');

interface Reject {
  file: string;
  line: bigint;
  column: string;
  value: string | null;
  rule: string;
  message: string;
}

describe('hostile rows through the CLI, one batch', () => {
  const dir = tempDir('hostile-ingest-');
  const wh = join(dir, 'w.duckdb');
  let summary: {
    batch_id: string;
    files: { file: string; rows_in: number; inserted: number; rejected: number; updated: number }[];
  };
  let rejects: Reject[];
  let code: number;
  let stderr: string;

  beforeAll(async () => {
    const base = await runCli(['ingest', '--warehouse', wh, '--json', BASE]);
    expect(base.code, base.stderr).toBe(0);
    const folder = folderWith(Object.fromEntries(ROW_CASES.map((c) => [c.file, c.text])));
    const r = await runCli(['ingest', '--warehouse', wh, '--json', folder]);
    code = r.code;
    stderr = r.stderr;
    summary = JSON.parse(r.stdout || '{}');
    rejects = await withWarehouse(
      wh,
      (w) =>
        w.all<Reject>(
          'SELECT file, line, "column", value, rule, message FROM rejects WHERE batch_id = $1 ORDER BY file, line, rule',
          [summary.batch_id],
        ),
      { readOnly: true },
    );
  }, 600_000);

  it('has at least 60 row cases, each file once', () => {
    expect(ROW_CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ROW_CASES.map((c) => c.file)).size).toBe(ROW_CASES.length);
  });

  it('ends with exit 3 and names the batch', () => {
    expect(code, stderr).toBe(3);
    expect(stderr).toContain('rows rejected');
    expect(stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
  });

  it.each(ROW_CASES.map((c) => [c.file, c] as const))('%s', (_name, c) => {
    const f = summary.files.find((s) => s.file.endsWith(`/${c.file}`));
    expect(f, `${c.file} in summary`).toBeDefined();
    expect(f).toMatchObject({ rows_in: c.rows_in, inserted: c.inserted, updated: 0 });
    const got = rejects
      .filter((r) => r.file.endsWith(`/${c.file}`))
      .map((r) => ({ ...r, line: Number(r.line) }))
      .sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
    expect(
      got.map((r) => ({ line: r.line, column: r.column, rule: r.rule })),
      JSON.stringify(got.map((r) => [r.line, r.column, r.rule, r.value?.slice(0, 80), r.message])),
    ).toEqual(
      [...c.rejects]
        .sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule))
        .map((e) => ({ line: e.line, column: e.column, rule: e.rule })),
    );
    for (const e of c.rejects) {
      const r = got.find((g) => g.line === e.line && g.rule === e.rule && g.column === e.column);
      if (e.value !== undefined) expect(r?.value ?? '').toContain(e.value);
      if (e.message !== undefined) expect(r?.message.toLowerCase()).toContain(e.message.toLowerCase());
      // Stored values are short and visible: no 10 MB copies, no raw NUL or zero-width characters.
      expect((r?.value ?? '').length).toBeLessThanOrEqual(240);
      if (r?.rule === 'characters')
        for (const ch of ['\u0000', '\u200B', '\uFEFF', '\u202E']) expect(r.value ?? '').not.toContain(ch);
    }
    expect(f?.rejected).toBe(new Set(c.rejects.map((e) => e.line)).size);
  });

  it('stores no look-alike key and no non-finite value', async () => {
    await withWarehouse(
      wh,
      async (w) => {
        const bad = await w.one<{ n: bigint }>(
          `SELECT (SELECT count(*) FROM loans WHERE NOT isfinite(principal) OR NOT isfinite(maturity_on)
                     OR regexp_matches(loan_id || borrower_id || region, '[\\x00-\\x1F\\x{200B}-\\x{200F}\\x{FEFF}]')
                     OR time_zone IN ('CST', 'IST', 'Factory'))
                + (SELECT count(*) FROM repayments WHERE NOT isfinite(amount_due) OR installment_no > 10000)
                + (SELECT count(*) FROM contacts WHERE NOT isfinite(started_at)) AS n`,
        );
        expect(Number(bad?.n)).toBe(0);
        // '36.0' and '900.0' load as the integers they are.
        const t = await w.one<{ term: bigint }>(
          "SELECT term_months AS term FROM loans WHERE loan_id = 'H-term-point-zero-loads-bad'",
        );
        expect(Number(t?.term)).toBe(36);
        const kolkata = await w.one<{ z: string }>(
          "SELECT time_zone AS z FROM loans WHERE loan_id = 'H-zone-kolkata-loads-bad'",
        );
        expect(kolkata?.z).toBe('Asia/Kolkata');
      },
      { readOnly: true },
    );
  });
});

describe('hostile inputs that need their own run', () => {
  async function fresh<T>(fn: (w: Warehouse) => Promise<T>): Promise<T> {
    const w = join(tempDir('hostile-one-'), 'w.duckdb');
    return withWarehouse(w, async (db) => {
      await ingest(db, { paths: [BASE] });
      return fn(db);
    });
  }

  it.each([
    ['CST', 'time_zone'],
    ['Factory', 'time_zone'],
    ['US/Pacific', 'contacts.time_zone'],
  ])('mapping zone %s is refused before anything loads', async (zone, key) => {
    const dir = folderWith({
      'm.yaml': key === 'time_zone' ? `time_zone: ${zone}\n` : `contacts:\n  time_zone: ${zone}\n`,
    });
    const wh = join(tempDir(), 'w.duckdb');
    const r = await runCli(['ingest', '--warehouse', wh, '--mapping', join(dir, 'm.yaml'), '--json', BASE]);
    expect(r.code).toBe(2);
    const err = JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '{}');
    expect(err.error).toBe('E_BAD_INPUT');
    // Mapping problems are placed at file:line:column (mapping v2).
    expect(err.message).toMatch(
      new RegExp(
        `${key.replace('.', '\\.')} \\(${join(dir, 'm.yaml')}:\\d+:\\d+\\): expected an IANA time zone such as Asia/Shanghai, by its canonical`,
      ),
    );
    expect(err.message).toContain(JSON.stringify(zone));
  });

  it('resolves DST gaps (offset before the gap) and overlaps (earlier instant) and counts them', async () => {
    const header = 'contact_id,loan_id,started_at,channel,direction,purpose,outcome,duration_s,agent_id';
    const row = (id: string, at: string) => `${id},L0002,${at},phone,outbound,mid_term,answered,30,A01`;
    const dir = folderWith({
      'contacts-dst.csv': [
        header,
        row('D-gap', '2024-03-10 02:30:00'),
        row('D-overlap', '2024-11-03 01:30:00'),
        row('D-plain', '2024-07-01 09:00:00'),
        row('D-offset', '2024-11-03T01:30:00-05:00'),
        '',
      ].join('\n'),
    });
    const mapping = (await import('../../src/contract/mapping.ts')).parseMapping(
      'time_zone: America/New_York\n',
      'inline',
    );
    await fresh(async (w) => {
      const s = await ingest(w, { paths: [dir], mapping });
      expect(s.files[0]).toMatchObject({ inserted: 4, rejected: 0, dst: { gap: 1, overlap: 1 } });
      const rows = await w.all<{ id: string; at: string }>(
        "SELECT contact_id AS id, strftime(started_at, '%Y-%m-%dT%H:%M:%SZ') AS at FROM contacts WHERE contact_id LIKE 'D-%' ORDER BY 1",
      );
      expect(rows).toEqual([
        // 02:30 does not exist on 2024-03-10 in New York: read with the offset before the gap (-05:00).
        { id: 'D-gap', at: '2024-03-10T07:30:00Z' },
        // The offset given wins over the mapping zone.
        { id: 'D-offset', at: '2024-11-03T06:30:00Z' },
        // 01:30 happens twice on 2024-11-03: the earlier instant (-04:00).
        { id: 'D-overlap', at: '2024-11-03T05:30:00Z' },
        { id: 'D-plain', at: '2024-07-01T13:00:00Z' },
      ]);
      const batch = await w.one<{ files: string }>(
        'SELECT CAST(files AS VARCHAR) AS files FROM ingest_batches ORDER BY started_at DESC, batch_id DESC LIMIT 1',
      );
      expect(JSON.parse(batch?.files ?? '[]')[0].dst).toEqual({ gap: 1, overlap: 1 });
    });
  });

  it('reads a file named like a glob literally', async () => {
    const header =
      'loan_id,borrower_id,loan_type,disbursed_on,maturity_on,principal,annual_rate,term_months,credit_grade,region,time_zone,phone,collateral_value,income';
    const row = (id: string) =>
      `${id},B-${id},personal,2024-01-10,2027-01-10,100000,0.05,36,A,R01,Asia/Shanghai,+8613900000001,,9000`;
    const dir = folderWith({
      'loans [1].csv': `${header}\n${row('G-literal')}\n`,
      'loans 1.csv': `${header}\n${row('G-other-file')}\n`,
      'loans *.csv': `${header}\n${row('G-star')}\n`,
    });
    await fresh(async (w) => {
      const s = await ingest(w, { paths: [join(dir, 'loans [1].csv'), join(dir, 'loans *.csv')] });
      expect(s.totals).toMatchObject({ rows_in: 2, inserted: 2, rejected: 0 });
      const ids = await w.all<{ id: string }>(
        "SELECT loan_id AS id FROM loans WHERE loan_id LIKE 'G-%' ORDER BY 1",
      );
      expect(ids.map((r) => r.id)).toEqual(['G-literal', 'G-star']);
    });
  });

  it('refuses a file whose zero-width-space twin id would create a second loan, keeps the warehouse whole', async () => {
    const wh = join(tempDir(), 'w.duckdb');
    await withWarehouse(wh, (w) => ingest(w, { paths: [BASE] }));
    const before = await fingerprintFile(wh);
    const header =
      'loan_id,borrower_id,loan_type,disbursed_on,maturity_on,principal,annual_rate,term_months,credit_grade,region,time_zone,phone,collateral_value,income';
    const dir = folderWith({
      'loans-twin.csv': `${header}\nL0001\u200B,B0001,personal,2023-01-08,2026-01-08,102500,0.035,36,AA,R02,Asia/Urumqi,+8613800000001,201000,8010\n`,
    });
    const r = await runCli(['ingest', '--warehouse', wh, '--json', dir]);
    expect(r.code).toBe(3);
    await withWarehouse(wh, async (w) => {
      expect((await counts(w)).loans).toBe(Number(before.loans?.split(':')[0]));
      const rej = await w.all<{ rule: string; line: bigint }>(
        "SELECT rule, line FROM rejects WHERE file LIKE '%loans-twin.csv'",
      );
      expect(rej.map((x) => [x.rule, Number(x.line)])).toEqual([['characters', 2]]);
    });
  });
});
