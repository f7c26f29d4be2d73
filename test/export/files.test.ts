/**
 * Dialer CSV, JSON Lines and Parquet written from a seeded warehouse and read back (DuckDB, JSON.parse), compared
 * field by field with the recommendations the fixture inserted; spreadsheet-injection neutralization, template
 * renames, phone masking, and logs free of phones.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Recommendation } from '../../src/contract/recommendation.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { BadInputError, UsageError } from '../../src/core/errors.ts';
import { memoryLogger } from '../../src/core/log.ts';
import { runExport } from '../../src/export/index.ts';
import { openWarehouse, withWarehouse } from '../../src/warehouse/db.ts';
import { type FixtureLoan, FORMULAS, insertLoans, insertRun, iso, makeLoans, makeRec } from './fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'export-files-'));
const db = join(dir, 'w.duckdb');
const loans: FixtureLoan[] = makeLoans(40);
const recs: Recommendation[] = loans.map((l, i) => makeRec(l, i, 'run-1'));
const byLoan = new Map(recs.map((r) => [r.loan_id, r]));
const phoneOf = new Map(loans.map((l) => [l.loan_id, l.phone]));
const log = memoryLogger();
const deps = { log, clock: fixedClock('2026-11-21T06:00:00Z') };

/** Local wall time `YYYY-MM-DD HH:MM` computed with Intl, independently of the exporter's DuckDB SQL. */
function local(isoUtc: string, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(isoUtc))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

const DANGEROUS = /^[=+\-@\t\r]/;

beforeAll(async () => {
  const w = await openWarehouse(db);
  await insertLoans(w, loans);
  await insertRun(w, 'run-1', '2026-11-20T00:00:00Z', recs);
  w.close();
});

describe('dialer CSV', () => {
  it('has one row per follow-up with phone, zone, local and UTC window, purpose and reasons; every cell equal', async () => {
    const out = join(dir, 'dialer.csv');
    const s = await runExport(deps, { warehouse: db, format: 'csv', out });
    expect(s.written).toBe(recs.length);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\r\n').length).toBe(recs.length + 2); // header + rows + final empty piece: CRLF ends
    const rows = await withWarehouse(':memory:', (m) =>
      m.all<Record<string, string>>(`SELECT * FROM read_csv('${out}', all_varchar = true, header = true)`),
    );
    expect(rows).toHaveLength(recs.length);
    for (const row of rows) {
      const r = byLoan.get(row.loan_id as string) as Recommendation;
      const neutral = (t: string) => (DANGEROUS.test(t) ? `'${t}` : t);
      // DuckDB prints a DOUBLE 81 as "81.0"; the value, not its spelling, must round-trip.
      expect(Number(row.priority)).toBe(r.priority);
      expect({ ...row, priority: undefined }).toEqual({
        loan_id: r.loan_id,
        borrower_id: neutral(r.borrower_id),
        phone: phoneOf.get(r.loan_id) as string, // default template: E.164 with '+'
        time_zone: r.time_zone,
        due_on: r.due_on,
        local_window_start: local(r.window_start_utc, r.time_zone),
        local_window_end: local(r.window_end_utc, r.time_zone),
        window_start_utc: iso(r.window_start_utc),
        window_end_utc: iso(r.window_end_utc),
        hour_start: String(r.hour_start),
        hour_end: String(r.hour_end),
        priority: undefined,
        purpose: r.purpose,
        cycle: String(r.cycle),
        channel: r.channel,
        prenotify: String(r.prenotify),
        prenotify_instruction: r.prenotify
          ? `Send SMS at ${local(r.prenotify_at_utc as string, r.time_zone)} ${r.time_zone} announcing the call: ${r.prenotify_reason}`
          : 'none',
        reason_text: neutral(r.reasons.join(' | ')),
        reason_codes: r.reason_codes.join(';'),
        earliest_on: r.earliest_on,
        latest_on: r.latest_on,
        hard_deadline: String(r.hard_deadline),
        sequence: '0',
        export_state: 'new',
        run_id: 'run-1',
        // The fixture's runs predate scripts and next actions: their columns are there, empty.
        next_action: null,
        assignee: null,
        script_id: null,
        talking_points: null,
        notice_text: null,
        notice_segments: null,
        followup_id: null,
      });
    }
  });

  it('neutralizes every cell a spreadsheet would execute (OWASP), including the crafted ones', async () => {
    const out = join(dir, 'dialer-inj.csv');
    await runExport(deps, { warehouse: db, format: 'csv', out, target: 'inj' });
    const rows = await withWarehouse(':memory:', (m) =>
      m.all<Record<string, string>>(`SELECT * FROM read_csv('${out}', all_varchar = true, header = true)`),
    );
    // A strict E.164 phone starts with '+' by design: digits only, a spreadsheet can only read it as a number.
    const cells = rows.flatMap((r) =>
      Object.entries(r)
        .filter(([k, v]) => v !== null && !(k === 'phone' && /^\+[1-9][0-9]{6,14}$/.test(v)))
        .map(([, v]) => v as string),
    );
    expect(cells.filter((c) => DANGEROUS.test(c))).toEqual([]);
    // Each crafted formula reached the file, quoted-prefixed, not dropped.
    const crafted = recs.filter((r) => FORMULAS.includes(r.reasons[0] as string)).map((r) => r.reasons[0]);
    expect(crafted.length).toBeGreaterThan(3);
    for (const f of crafted) expect(cells.some((c) => c.startsWith(`'${f}`))).toBe(true);
    expect(rows.find((r) => r.loan_id === 'L00003')?.borrower_id).toBe(`'${FORMULAS[0]}`);
  });

  it('renames, selects and orders columns by template; phone keeps + only when the template says e164', async () => {
    const tpl = join(dir, 'dialer.yaml');
    writeFileSync(
      tpl,
      [
        'columns:',
        '  - { field: phone, header: PhoneNumber }',
        '  - { field: local_window_start, header: CallFrom }',
        '  - { field: time_zone, header: TZ }',
        '  - { field: loan_id, header: Ref }',
        'phone_format: e164',
        'delimiter: ";"',
      ].join('\n'),
    );
    const out = join(dir, 'dialer-tpl.csv');
    await runExport(deps, { warehouse: db, format: 'csv', out, template: tpl });
    const lines = readFileSync(out, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('PhoneNumber;CallFrom;TZ;Ref');
    const first = recs.find((r) => r.loan_id === lines[1]?.split(';')[3]) as Recommendation;
    expect(lines[1]).toBe(
      `${phoneOf.get(first.loan_id)};${local(first.window_start_utc, first.time_zone)};${first.time_zone};${first.loan_id}`,
    );
    expect(lines.slice(1).every((l) => l.startsWith('+'))).toBe(true);
  });

  it('rejects a template with an unknown field, naming the file, line and the allowed fields', async () => {
    const tpl = join(dir, 'bad.yaml');
    writeFileSync(tpl, 'columns:\n  - field: phone\n  - field: salary\n');
    const p = runExport(deps, { warehouse: db, format: 'csv', out: join(dir, 'x.csv'), template: tpl });
    await expect(p).rejects.toBeInstanceOf(BadInputError);
    await expect(p).rejects.toMatchObject({
      message: expect.stringContaining('columns.1.field'),
      place: { file: tpl, line: 3 },
    });
  });

  it.each([
    ['no --out for a file format', { format: 'jsonl' }, UsageError, /needs --out/],
    ['no --url for the webhook', { format: 'webhook' }, UsageError, /needs --url/],
    [
      'a non-http URL',
      { format: 'webhook', webhook: { url: 'ftp://x/y' } },
      UsageError,
      /http.*got "ftp:\/\/x\/y"/,
    ],
    [
      'a template outside csv',
      { format: 'jsonl', out: 'a.jsonl', template: 't.yaml' },
      UsageError,
      /csv only/,
    ],
    [
      'a missing output folder',
      { format: 'csv', out: '/nonexistent-dir/a.csv' },
      BadInputError,
      /does not exist/,
    ],
  ] as const)('rejects %s with a typed error saying what was expected', async (_n, cfg, type, msg) => {
    const p = runExport(deps, { warehouse: db, ...cfg } as Parameters<typeof runExport>[1]);
    await expect(p).rejects.toBeInstanceOf(type);
    await expect(p).rejects.toThrow(msg);
  });

  it('refuses to mask the dialer list, which must stay callable', async () => {
    await expect(
      runExport(deps, { warehouse: db, format: 'csv', out: join(dir, 'm.csv'), maskPhone: true }),
    ).rejects.toBeInstanceOf(UsageError);
  });
});

describe('JSON Lines and Parquet', () => {
  // The fixture's runs predate scripts and next actions: those fields are exported, empty.
  const NO_TALK = {
    next_action: null,
    assignee: null,
    script_id: null,
    script_lang: null,
    talking_points: null,
    notice_text: null,
    notice_segments: null,
    followup_id: null,
  };
  const expected = (r: Recommendation, phone: string) => ({
    ...NO_TALK,
    ...r,
    window_start_utc: iso(r.window_start_utc),
    window_end_utc: iso(r.window_end_utc),
    prenotify_at_utc: iso(r.prenotify_at_utc),
    phone,
    export_state: 'new',
    sequence: 0,
  });

  it('JSON Lines parse back to the full recommendations with versions, phones masked on request', async () => {
    const out = join(dir, 'recs.jsonl');
    await runExport(deps, { warehouse: db, format: 'jsonl', out, maskPhone: true });
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(recs.length);
    for (const line of lines) {
      const { version_hash, ...got } = JSON.parse(line);
      expect(version_hash).toMatch(/^[0-9a-f]{32}$/);
      const r = byLoan.get(got.loan_id) as Recommendation;
      const ph = phoneOf.get(r.loan_id) as string;
      const masked = `${ph.slice(0, 6)}${'*'.repeat(ph.length - 10)}${ph.slice(-4)}`;
      expect(got).toEqual(expected(r, masked));
    }
  });

  it('masks +8613800138000 as +86138****8000', async () => {
    const w = await openWarehouse(join(dir, 'mask.duckdb'));
    const l = { loan_id: 'M1', borrower_id: 'B1', time_zone: 'Asia/Shanghai', phone: '+8613800138000' };
    await insertLoans(w, [l]);
    await insertRun(w, 'r', '2026-11-20T00:00:00Z', [makeRec(l, 0, 'r')]);
    w.close();
    const out = join(dir, 'mask.jsonl');
    await runExport(deps, { warehouse: join(dir, 'mask.duckdb'), format: 'jsonl', out, maskPhone: true });
    expect(JSON.parse(readFileSync(out, 'utf8')).phone).toBe('+86138****8000');
  });

  it('Parquet read back by DuckDB equals the recommendations, every field, native types', async () => {
    const out = join(dir, 'recs.parquet');
    await runExport(deps, { warehouse: db, format: 'parquet', out });
    const rows = await withWarehouse(':memory:', (m) =>
      m.all<Record<string, unknown>>(
        `SELECT * EXCLUDE (version_hash) REPLACE (
           CAST(as_of AS VARCHAR) AS as_of, CAST(due_on AS VARCHAR) AS due_on,
           CAST(earliest_on AS VARCHAR) AS earliest_on, CAST(latest_on AS VARCHAR) AS latest_on,
           strftime(window_start_utc, '%Y-%m-%dT%H:%M:%S.%gZ') AS window_start_utc,
           strftime(window_end_utc, '%Y-%m-%dT%H:%M:%S.%gZ') AS window_end_utc,
           strftime(prenotify_at_utc, '%Y-%m-%dT%H:%M:%S.%gZ') AS prenotify_at_utc)
         FROM read_parquet('${out}')`,
      ),
    );
    expect(rows).toHaveLength(recs.length);
    for (const got of rows) {
      const r = byLoan.get(got.loan_id as string) as Recommendation;
      expect(got).toEqual(expected(r, phoneOf.get(r.loan_id) as string));
    }
  });

  it('logs never contain a phone number', () => {
    const text = JSON.stringify(log.records);
    expect(log.records.length).toBeGreaterThan(0);
    for (const l of loans) {
      expect(text).not.toContain(l.phone);
      expect(text).not.toContain(l.phone.slice(1));
    }
  });
});

describe('interrupted exports', () => {
  it('the next export removes the temp files dead writers left beside the target, and only those', async () => {
    const out = join(dir, 'stale.jsonl');
    // A process that has exited (its temp file is litter) and one still running (a writer at work).
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const live = spawn('sleep', ['30']);
    const deadTmp = `${out}.${dead}.tmp`;
    const liveTmp = `${out}.${live.pid}.tmp`;
    const unrelated = `${out}.backup.tmp`;
    writeFileSync(deadTmp, 'half a file');
    writeFileSync(liveTmp, 'being written');
    writeFileSync(unrelated, 'not an export temp file');
    try {
      const s = await runExport(deps, { warehouse: db, format: 'jsonl', out });
      expect(s.written).toBe(recs.length);
      expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(recs.length);
      expect(existsSync(deadTmp)).toBe(false);
      expect(readFileSync(liveTmp, 'utf8')).toBe('being written');
      expect(readFileSync(unrelated, 'utf8')).toBe('not an export temp file');
      const warned = log.records.find((r) => r.msg.includes('an interrupted export left'));
      expect(warned?.msg).toBe('export: removed 1 temp file an interrupted export left');
      expect(warned?.fields?.files).toEqual([deadTmp]);
    } finally {
      live.kill();
    }
  });
});
