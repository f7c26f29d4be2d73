/**
 * Scripts, notices and next actions through the real CLI (issue 17): a generated world is ingested and trained,
 * then a hang-up, a promise to pay with a date and a hardship report are ingested for three loans; `recommend`
 * must give them the next actions of the policy's table, every follow-up a script with the borrower's facts, every
 * SMS notice a text within its segment limit — and the exports carry them without a single phone number. A
 * lender's script file then changes one script and nothing else.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { personalNumberIn } from '../../src/scripts/privacy.ts';
import { smsSize } from '../../src/scripts/sms.ts';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { followup } from '../lifecycle/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'followup-scripts-'));
const wh = join(dir, 'wh.duckdb');
const models = join(dir, 'models');
const AS_OF = '2024-12-31';
const HOTLINE = '95599';

interface Rec {
  loan_id: string;
  purpose: string;
  due_on: string;
  channel: string;
  prenotify: boolean;
  prenotify_channel: string | null;
  reason_codes: string[];
  next_action: string;
  assignee: string;
  script_id: string;
  script_lang: string;
  talking_points: string[];
  notice_text: string | null;
  notice_segments: number | null;
  time_zone: string;
}

function ok(args: string[]): string {
  const r = followup(args);
  expect(r.code, `${args[0]}: ${r.stderr.slice(-2000)}`).toBe(0);
  return r.stdout;
}

async function recsOf(runId: string): Promise<Map<string, Rec>> {
  const rows = await withWarehouse(wh, (w) =>
    w.all<Rec>(
      `SELECT loan_id, purpose, due_on::VARCHAR AS due_on, channel, prenotify, prenotify_channel, reason_codes,
         next_action, assignee, script_id, script_lang, talking_points, notice_text, notice_segments, time_zone
       FROM recommendations WHERE run_id = $1`,
      [runId],
    ),
  );
  return new Map(
    rows.map((r) => [
      r.loan_id,
      { ...r, reason_codes: [...r.reason_codes], talking_points: [...r.talking_points] },
    ]),
  );
}

let hung: string;
let promised: string;
let hardship: string;
let runId: string;
let recs: Map<string, Rec>;
let phones: string[];

beforeAll(async () => {
  const world = join(dir, 'world');
  ok(['generate', '--borrowers', '300', '--months', '24', '--seed', '5', '--out', world, '--json']);
  ok(['ingest', '--warehouse', wh, world, '--json']);
  ok(['train', '--warehouse', wh, '--models', models, '--epochs', '1', '--members', '1', '--json']);
  // Three open loans whose own contacts all precede the ones ingested below, so those are their last.
  const picked = await withWarehouse(wh, async (w) => {
    const ids = await w.all<{ loan_id: string }>(
      `SELECT loan_id FROM loans l
       WHERE disbursed_on <= DATE '2024-09-01' AND maturity_on > DATE '2026-06-30'
         AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.loan_id = l.loan_id AND c.started_at >= TIMESTAMPTZ '2024-12-30 00:00:00+00')
       ORDER BY loan_id LIMIT 3`,
    );
    const ph = await w.all<{ phone: string }>('SELECT phone FROM loans');
    return { ids: ids.map((r) => r.loan_id), phones: ph.map((r) => r.phone) };
  });
  expect(picked.ids).toHaveLength(3);
  [hung, promised, hardship] = picked.ids as [string, string, string];
  phones = picked.phones;
  writeFileSync(
    join(dir, 'contacts-outcomes.csv'),
    [
      'contact_id,loan_id,started_at,channel,direction,purpose,outcome,duration_s,agent_id,promised_on',
      `X1,${hung},2024-12-31T06:00:00Z,phone,outbound,mid_term,hung_up,3,A1,`,
      `X2,${promised},2024-12-31T06:10:00Z,phone,outbound,collection,promise_to_pay,95,A1,2025-01-08`,
      `X3,${hardship},2024-12-31T06:20:00Z,phone,outbound,collection,hardship,240,A1,`,
    ].join('\n'),
  );
  ok(['ingest', '--warehouse', wh, join(dir, 'contacts-outcomes.csv'), '--json']);
  const kept = await withWarehouse(wh, (w) =>
    w.all<{ promised_on: string | null }>(
      "SELECT promised_on::VARCHAR AS promised_on FROM contacts WHERE contact_id LIKE 'X_' ORDER BY contact_id",
    ),
  );
  expect(kept.map((k) => k.promised_on)).toEqual([null, '2025-01-08', null]);
  const summary = JSON.parse(
    ok(['recommend', '--warehouse', wh, '--models', models, '--as-of', AS_OF, '--json']),
  ) as { run_id: string; talk: { next_actions: Record<string, number> } };
  runId = summary.run_id;
  recs = await recsOf(runId);
  expect(summary.talk.next_actions.check_call).toBeGreaterThanOrEqual(1);
}, 600_000);

describe('next actions from the last outcome (policy next_actions)', () => {
  it('keeps the promised date: a check call the day after it, with its own script', () => {
    const r = recs.get(promised)!;
    expect(r.next_action).toBe('check_call');
    // 2025-01-08 + 1 day is a Thursday, a working day in every shipped calendar.
    expect(r.due_on).toBe('2025-01-09');
    expect(r.reason_codes).toContain('PROMISE_CHECK');
    expect(r.script_id).toBe('promise_check');
    expect(r.talking_points.join('\n')).toContain('2025-01-08');
  });

  it('turns cash-flow trouble into a review task for a loan officer: no call, no notice', () => {
    const r = recs.get(hardship)!;
    expect(r.next_action).toBe('review_task');
    expect(r.assignee).toBe('loan_officer');
    expect(r.prenotify).toBe(false);
    expect(r.notice_text).toBeNull();
    // The day after the report is New Year's Day; the lead time and the calendar make it 2 January.
    expect(r.due_on).toBe('2025-01-02');
    expect(r.reason_codes).toContain('HARDSHIP_REVIEW');
    expect(r.script_id).toBe('hardship_review');
  });

  it('after a hang-up: another band with a written notice first, or a written follow-up after repeated ones', () => {
    const r = recs.get(hung)!;
    if (r.reason_codes.includes('WRITTEN_FOLLOW_UP')) {
      expect(r.next_action).toBe('written');
      expect(r.channel).not.toBe('phone');
    } else {
      expect(r.reason_codes).toContain('AFTER_FAILED_CALL');
      expect(r.next_action).toBe('call_other_band');
      expect(r.prenotify).toBe(true);
      expect(r.notice_text).not.toBeNull();
      expect(r.script_id.endsWith('after_hangup')).toBe(true);
    }
  });

  it('leaves loans without a recent outcome as planned', () => {
    const others = [...recs.values()].filter((r) => ![hung, promised, hardship].includes(r.loan_id));
    expect(others.length).toBeGreaterThan(50);
    for (const r of others)
      expect([
        'call',
        'written',
        'call_other_band',
        'retry_in_window',
        'check_call',
        'review_task',
        'escalate',
      ]).toContain(r.next_action);
    expect(others.filter((r) => r.next_action === 'review_task')).toHaveLength(0);
  });
});

describe('scripts and notices on every follow-up', () => {
  it('gives every follow-up a script id and filled talking points, and every SMS notice a text within one segment', () => {
    for (const r of recs.values()) {
      expect(r.script_id).toMatch(/^[a-z0-9_.]+$/);
      expect(['zh-CN', 'en']).toContain(r.script_lang);
      expect(r.talking_points.length).toBeGreaterThanOrEqual(2);
      for (const t of r.talking_points) expect(t).not.toMatch(/\{[a-z_]+\}/);
      if (r.prenotify && r.next_action !== 'review_task') expect(r.notice_text).not.toBeNull();
      if (r.prenotify_channel === 'sms') {
        expect(r.notice_segments).toBe(smsSize(r.notice_text!).segments);
        expect(r.notice_segments).toBe(1);
        expect(r.notice_text).toContain(HOTLINE);
      } else expect(r.notice_segments).toBeNull();
    }
  });

  it('fills the borrower own facts: a collection script names the days past due', async () => {
    const dpd = await withWarehouse(wh, (w) =>
      w.all<{ loan_id: string; talking_points: string[] }>(
        `SELECT loan_id, talking_points FROM recommendations WHERE run_id = $1 AND script_id = 'collection.default'`,
        [runId],
      ),
    );
    expect(dpd.length).toBeGreaterThan(0);
    for (const r of dpd) expect([...r.talking_points].join(' ')).toMatch(/逾期\d+天|\d+ days past due/);
  });
});

describe('exports carry them; no text carries a phone number', () => {
  it('dialer CSV and JSON Lines: the script, talking points and notice of each follow-up; no phone in any text', async () => {
    const csv = join(dir, 'dialer.csv');
    const jsonl = join(dir, 'recs.jsonl');
    ok(['export', '--warehouse', wh, '--format', 'csv', '--out', csv, '--json']);
    ok(['export', '--warehouse', wh, '--format', 'jsonl', '--out', jsonl, '--mask-phone', '--json']);
    const rows = await withWarehouse(':memory:', (m) =>
      m.all<Record<string, string | null>>(
        `SELECT * FROM read_csv('${csv}', all_varchar = true, header = true)`,
      ),
    );
    expect(rows).toHaveLength(recs.size);
    const header = readFileSync(csv, 'utf8').split('\r\n')[0]!.split(',');
    expect(header.slice(-6)).toEqual([
      'next_action',
      'assignee',
      'script_id',
      'talking_points',
      'notice_text',
      'notice_segments',
    ]);
    const digits = phones.flatMap((p) => [p.slice(1), p.slice(-11)]);
    for (const row of rows) {
      const r = recs.get(row.loan_id!)!;
      expect(row.script_id).toBe(r.script_id);
      expect(row.next_action).toBe(r.next_action);
      expect(row.talking_points).toBe(r.talking_points.join(' | '));
      expect(row.notice_text ?? null).toBe(r.notice_text);
      for (const text of [row.talking_points!, row.notice_text ?? '']) {
        expect(personalNumberIn(text, HOTLINE)).toBeNull();
        for (const d of digits) expect(text.includes(d)).toBe(false);
      }
    }
    const lines = readFileSync(jsonl, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(recs.size);
    for (const l of lines) {
      const r = recs.get(l.loan_id)!;
      expect(l.talking_points).toEqual(r.talking_points);
      expect(l.notice_segments).toBe(r.notice_segments);
      expect(l.assignee).toBe(r.assignee);
    }
  });
});

describe('a lender script file', () => {
  it('changes the one script it names and nothing else; a bad one is refused with file:line:column', async () => {
    const over = join(dir, 'lender-scripts.yaml');
    writeFileSync(
      over,
      [
        'scripts:',
        '  hardship_review:',
        '    situation: hardship_review',
        '    zh-CN:',
        '      - 信贷员复核：资金困难，逾期{dpd}天。',
        '    en:',
        "      - 'Loan-officer review: cash-flow trouble, {dpd} days past due.'",
        '',
      ].join('\n'),
    );
    const summary = JSON.parse(
      ok(['recommend', '--warehouse', wh, '--models', models, '--as-of', AS_OF, '--scripts', over, '--json']),
    ) as { run_id: string };
    expect(summary.run_id).not.toBe(runId);
    const again = await recsOf(summary.run_id);
    expect(again.size).toBe(recs.size);
    for (const [id, r] of recs) {
      const a = again.get(id)!;
      if (id === hardship) {
        expect(a.talking_points).toHaveLength(1);
        expect(a.talking_points[0]).toMatch(
          /^(信贷员复核：资金困难，逾期\d+天。|Loan-officer review: cash-flow trouble, \d+ days past due\.)$/,
        );
      } else expect(a).toEqual(r);
    }
    const bad = join(dir, 'bad-scripts.yaml');
    writeFileSync(
      bad,
      [
        'scripts:',
        '  first.default:',
        '    purpose: first',
        '    zh-CN: [请拨13800138000]',
        "    en: ['Call {phone}']",
        '',
      ].join('\n'),
    );
    const r = followup([
      'recommend',
      '--warehouse',
      wh,
      '--models',
      models,
      '--as-of',
      AS_OF,
      '--scripts',
      bad,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:4:`);
    expect(r.stderr).toContain(`${bad}:5:`);
    expect(r.stderr).toContain('found {phone}');
  });
});
