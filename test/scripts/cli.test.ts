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
import ical, { type VEvent } from 'node-ical';
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

  it('names the next installment: after the as-of date, at the amount of the schedule', async () => {
    // The generated world, like many lender extracts, holds only installments already due: the next one is the
    // schedule's next step, at the last installment's amount.
    const rows = await withWarehouse(wh, (w) =>
      w.all<{ loan_id: string; points: string[]; last_amount: number }>(
        `SELECT r.loan_id, r.talking_points AS points, (SELECT arg_max(amount_due, due_on) FROM repayments p
           WHERE p.loan_id = r.loan_id AND p.due_on <= DATE '${AS_OF}') AS last_amount
         FROM recommendations r WHERE run_id = $1 AND script_id = 'mid_term.default'`,
        [runId],
      ),
    );
    const named = rows
      .map((r) => ({
        ...r,
        m: /下一期还款日(\d{4}-\d{2}-\d{2})，应还([\d,]+\.\d{2})元/.exec([...r.points].join('\n')),
      }))
      .filter((r) => r.m);
    expect(named.length).toBeGreaterThan(rows.length * 0.8);
    for (const r of named) {
      expect(r.m![1]! > AS_OF && r.m![1]! <= '2025-12-31').toBe(true);
      expect(Number(r.m![2]!.replaceAll(',', ''))).toBeCloseTo(r.last_amount, 2);
    }
  });
});

describe('exports carry them; no text carries a phone number', () => {
  it("recommend stores the run in the exports' order, so an export reads it in place", async () => {
    const [stored, sorted] = await withWarehouse(wh, async (w) => [
      await w.all<{ loan_id: string }>('SELECT loan_id FROM recommendations WHERE run_id = $1', [runId]),
      await w.all<{ loan_id: string }>(
        `SELECT loan_id FROM recommendations WHERE run_id = $1
         ORDER BY due_on, window_start_utc, loan_id, purpose, cycle`,
        [runId],
      ),
    ]);
    expect(stored.length).toBe(recs.size);
    expect(stored).toEqual(sorted);
  });

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
    expect(header.slice(-7)).toEqual([
      'next_action',
      'assignee',
      'script_id',
      'talking_points',
      'notice_text',
      'notice_segments',
      'followup_id',
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

describe('the calendar feed', () => {
  it('tells the agent what to do and say in each event', async () => {
    const out = join(dir, 'followups.ics');
    ok([
      'export',
      '--warehouse',
      wh,
      '--format',
      'ics',
      '--out',
      out,
      '--mask-phone',
      '--run',
      runId,
      '--json',
    ]);
    const events = Object.values(ical.sync.parseICS(readFileSync(out, 'utf8'))).filter(
      (e): e is VEvent => e?.type === 'VEVENT',
    );
    expect(events).toHaveLength(recs.size);
    const byLoan = new Map(events.map((e) => [/loan (\S+)$/.exec(String(e.summary))![1]!, e]));
    const promise = String(byLoan.get(promised)!.description);
    expect(promise).toContain('Next action: check_call');
    expect(promise).toContain(`Say:\n- ${recs.get(promised)!.talking_points[0]}`);
    const review = String(byLoan.get(hardship)!.description);
    expect(review).toContain('Next action: review_task (loan_officer)');
    expect(review).not.toContain('Notice text:');
    // The texts this feature adds (reasons may name a joined loan's id, which is no personal number).
    for (const e of events) {
      const said = String(e.description).split('Say:\n')[1] ?? '';
      expect(said.length).toBeGreaterThan(0);
      expect(personalNumberIn(said, HOTLINE)).toBeNull();
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

describe('outcomes back from the dialer, per script; a challenger script against its champion', () => {
  it('joins returned outcomes by followup_id and compares the seeded split', async () => {
    const lib = join(dir, 'challenger.yaml');
    writeFileSync(
      lib,
      [
        'experiment: { seed: 99 }',
        'scripts:',
        '  mid_term.reassure:',
        '    purpose: mid_term',
        '    variant_of: mid_term.default',
        '    zh-CN:',
        "      - '先说明核实方式：可拨打{lender}官方热线{hotline}。'",
        "      - '提醒下一期还款日{next_due_on}。'",
        '    en:',
        "      - 'First, how to verify: call {lender} on {hotline}.'",
        "      - 'Next installment due {next_due_on}.'",
        '',
      ].join('\n'),
    );
    const args = [
      'recommend',
      '--warehouse',
      wh,
      '--models',
      models,
      '--as-of',
      AS_OF,
      '--scripts',
      lib,
      '--json',
    ];
    const run = (JSON.parse(ok(args)) as { run_id: string }).run_id;
    const first = await withWarehouse(wh, (w) =>
      w.all<{ loan_id: string; script_id: string; followup_id: string; next_action: string }>(
        'SELECT loan_id, script_id, followup_id, next_action FROM recommendations WHERE run_id = $1 ORDER BY loan_id',
        [run],
      ),
    );
    const arms = first.filter(
      (r) => r.script_id === 'mid_term.default' || r.script_id === 'mid_term.reassure',
    );
    const challenger = arms.filter((r) => r.script_id === 'mid_term.reassure').length;
    expect(arms.length).toBeGreaterThan(40);
    expect(challenger / arms.length).toBeGreaterThan(0.3);
    expect(challenger / arms.length).toBeLessThan(0.7);
    // The same inputs and seed: the same run, the same split.
    expect((JSON.parse(ok(args)) as { run_id: string }).run_id).toBe(run);
    const again = await withWarehouse(wh, (w) =>
      w.all<{ loan_id: string; script_id: string }>(
        'SELECT loan_id, script_id FROM recommendations WHERE run_id = $1 ORDER BY loan_id',
        [run],
      ),
    );
    expect(again.map((r) => r.script_id)).toEqual(first.map((r) => r.script_id));

    // The dialer sends back one call per follow-up with its followup_id: every third hung up, the rest answered.
    const outcome = (i: number) => (i % 3 === 0 ? 'hung_up' : 'answered');
    writeFileSync(
      join(dir, 'contacts-dialer.csv'),
      [
        'contact_id,loan_id,started_at,channel,direction,purpose,outcome,duration_s,agent_id,promised_on,followup_id',
        ...first.map(
          (r, i) =>
            `D${i},${r.loan_id},2025-01-10T03:00:00Z,phone,outbound,mid_term,${outcome(i)},30,A2,,${r.followup_id}`,
        ),
      ].join('\n'),
    );
    ok(['ingest', '--warehouse', wh, join(dir, 'contacts-dialer.csv'), '--json']);
    const stats = JSON.parse(ok(['scripts', 'stats', '--warehouse', wh, '--run', run, '--json'])) as {
      seed: number;
      rows: {
        script_id: string;
        next_action: string;
        champion: string;
        attempts: number;
        answered_rate: number;
        hangup_rate: number;
        with_outcome: number;
        follow_ups: number;
      }[];
      comparisons: {
        champion: string;
        challenger: string;
        attempts: [number, number];
        answered_diff: [number, number, number];
      }[];
    };
    expect(stats.seed).toBe(99);
    for (const row of stats.rows) {
      const mine = first
        .map((r, i) => ({ ...r, i }))
        .filter((r) => r.script_id === row.script_id && r.next_action === row.next_action);
      expect(row.follow_ups).toBe(mine.length);
      expect(row.with_outcome).toBe(mine.length);
      expect(row.attempts).toBe(mine.length);
      expect(row.hangup_rate).toBeCloseTo(
        mine.filter((r) => outcome(r.i) === 'hung_up').length / mine.length,
        12,
      );
      expect(row.answered_rate + row.hangup_rate).toBeCloseTo(1, 12);
    }
    expect(stats.rows.find((r) => r.script_id === 'mid_term.reassure')?.champion).toBe('mid_term.default');
    const cmp = stats.comparisons.find((c) => c.challenger === 'mid_term.reassure')!;
    expect(cmp.champion).toBe('mid_term.default');
    expect(cmp.attempts).toEqual([arms.length - challenger, challenger]);
    const [d, lo, hi] = cmp.answered_diff;
    expect(lo).toBeLessThan(d);
    expect(hi).toBeGreaterThan(d);
  });
});
