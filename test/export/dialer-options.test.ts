/**
 * Dialer CSV options of issue 16: E.164 with '+' by default (digits on request), the Excel variant (UTF-8 BOM,
 * phone as the text formula ="+…"), and the cell cap (cut cells end in '…' and are counted). Files are written by
 * the real exporter from a seeded warehouse and read back byte for byte and through DuckDB's CSV reader.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { UsageError } from '../../src/core/errors.ts';
import { memoryLogger } from '../../src/core/log.ts';
import { runExport } from '../../src/export/index.ts';
import { openWarehouse, withWarehouse } from '../../src/warehouse/db.ts';
import { insertLoans, insertRun, makeLoans, makeRec } from './fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'export-dialer-options-'));
const db = join(dir, 'w.duckdb');
const loans = makeLoans(12);
const LONG = `长文本 ${'x'.repeat(700)}`;
const recs = loans.map((l, i) => {
  const r = makeRec(l, i, 'run-1');
  // Three follow-ups whose reason text is over Genesys Cloud's 512-character cell limit.
  if (i < 3) r.reasons = [LONG];
  return r;
});
const log = memoryLogger();
const deps = { log, clock: fixedClock('2026-11-21T06:00:00Z') };

beforeAll(async () => {
  const w = await openWarehouse(db);
  await insertLoans(w, loans);
  await insertRun(w, 'run-1', '2026-11-20T00:00:00Z', recs);
  w.close();
});

async function readCsv(path: string): Promise<Record<string, string>[]> {
  return withWarehouse(':memory:', (m) =>
    m.all<Record<string, string>>(`SELECT * FROM read_csv('${path}', all_varchar = true, header = true)`),
  );
}

function template(name: string, yaml: string): string {
  const p = join(dir, name);
  writeFileSync(p, yaml);
  return p;
}

describe('dialer CSV options', () => {
  it('phone is E.164 with "+" by default, digits when the template says so', async () => {
    const plus = join(dir, 'plus.csv');
    await runExport(deps, { warehouse: db, format: 'csv', out: plus, target: 'plus' });
    const digits = join(dir, 'digits.csv');
    const tpl = template(
      'digits.yaml',
      'columns:\n  - field: loan_id\n  - field: phone\nphone_format: digits\n',
    );
    await runExport(deps, { warehouse: db, format: 'csv', out: digits, target: 'digits', template: tpl });
    const byLoan = new Map(loans.map((l) => [l.loan_id, l.phone]));
    for (const row of await readCsv(plus)) expect(row.phone).toBe(byLoan.get(row.loan_id as string));
    expect(await readCsv(digits)).toEqual(
      loans
        .map((l) => ({ loan_id: l.loan_id, phone: l.phone.slice(1) }))
        .sort((a, b) => a.loan_id.localeCompare(b.loan_id)),
    );
  });

  it('--excel: the file starts with a UTF-8 BOM and the phone is the text formula ="+…"', async () => {
    const out = join(dir, 'excel.csv');
    const tpl = template(
      'excel.yaml',
      'columns:\n  - field: loan_id\n  - field: phone\n  - field: time_zone\n',
    );
    const s = await runExport(deps, {
      warehouse: db,
      format: 'csv',
      out,
      target: 'excel',
      template: tpl,
      excel: true,
    });
    expect(s.written).toBe(loans.length);
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const sorted = [...loans].sort((a, b) => a.loan_id.localeCompare(b.loan_id));
    expect(bytes.subarray(3).toString('utf8')).toBe(
      `loan_id,phone,time_zone\r\n${sorted.map((l) => `${l.loan_id},"=""${l.phone}""",${l.time_zone}\r\n`).join('')}`,
    );
    await expect(
      runExport(deps, { warehouse: db, format: 'jsonl', out: join(dir, 'x.jsonl'), excel: true }),
    ).rejects.toThrow(UsageError);
  });

  it('cuts text cells at max_cell_chars, ends them with "…" and counts them', async () => {
    const out = join(dir, 'capped.csv');
    const s = await runExport(deps, { warehouse: db, format: 'csv', out, target: 'capped' });
    expect(s.truncated_cells).toBe(3);
    const rows = await readCsv(out);
    const cut = rows.filter((r) => (r.reason_text as string).endsWith('…'));
    expect(cut).toHaveLength(3);
    for (const r of cut) {
      expect([...(r.reason_text as string)]).toHaveLength(512);
      expect(r.reason_text).toBe(`${LONG.slice(0, 511)}…`);
    }
    expect(Math.max(...rows.flatMap((r) => Object.values(r).map((v) => [...(v ?? '')].length)))).toBe(512);
    expect(log.records.some((l) => l.msg.includes('3 cells cut to 512 characters'))).toBe(true);
    // max_cell_chars: 0 keeps every cell whole.
    const whole = join(dir, 'whole.csv');
    const tpl = template(
      'whole.yaml',
      'columns:\n  - field: loan_id\n  - field: reason_text\nmax_cell_chars: 0\n',
    );
    const s0 = await runExport(deps, {
      warehouse: db,
      format: 'csv',
      out: whole,
      target: 'whole',
      template: tpl,
    });
    expect(s0.truncated_cells).toBe(0);
    expect((await readCsv(whole)).filter((r) => r.reason_text === LONG)).toHaveLength(3);
  });

  it('writes dates and local times in the template formats', async () => {
    const out = join(dir, 'formats.csv');
    const tpl = template(
      'formats.yaml',
      [
        'columns:',
        '  - field: loan_id',
        '  - field: due_on',
        '  - field: local_window_start',
        'date_format: "%m/%d/%Y"',
        'datetime_format: "%m/%d/%Y %I:%M %p"',
        '',
      ].join('\n'),
    );
    await runExport(deps, { warehouse: db, format: 'csv', out, target: 'formats', template: tpl });
    const rows = await readCsv(out);
    // Computed here with Intl in each borrower's zone, independently of DuckDB's strftime.
    const us = (isoUtc: string, zone: string) => {
      const p = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', {
          timeZone: zone,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          hour12: true,
        })
          .formatToParts(new Date(isoUtc))
          .map((x) => [x.type, x.value]),
      );
      return `${p.month}/${p.day}/${p.year} ${p.hour}:${p.minute} ${String(p.dayPeriod).toUpperCase()}`;
    };
    expect(rows).toEqual(
      [...recs]
        .sort((a, b) => a.loan_id.localeCompare(b.loan_id))
        .map((r) => ({
          loan_id: r.loan_id,
          due_on: `${r.due_on.slice(5, 7)}/${r.due_on.slice(8, 10)}/${r.due_on.slice(0, 4)}`,
          local_window_start: us(r.window_start_utc, r.time_zone),
        })),
    );
    const bad = template('bad-format.yaml', 'date_format: "%Q"\n');
    await expect(
      runExport(deps, { warehouse: db, format: 'csv', out: join(dir, 'x.csv'), target: 'x', template: bad }),
    ).rejects.toThrow(/date_format: expected a strftime pattern/);
  });
});
