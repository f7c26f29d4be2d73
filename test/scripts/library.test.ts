/**
 * The script library: the shipped file loads and covers every purpose in zh-CN and en; a lender's file replaces
 * entries by id; bad files are refused with every problem at file:line:column; SMS segments, the privacy guard,
 * the choice of script (specificity, seeded variants) and the rendered texts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Recommendation } from '../../src/contract/recommendation.ts';
import { composeTalk, type LoanTalkFacts } from '../../src/scripts/compose.ts';
import {
  DEFAULT_SCRIPTS_PATH,
  loadLibrary,
  parseLibrary,
  ScriptLibraryError,
} from '../../src/scripts/load.ts';
import { hasLink, personalNumberIn } from '../../src/scripts/privacy.ts';
import { LANGS } from '../../src/scripts/schema.ts';
import { chooseScript, langOf } from '../../src/scripts/select.ts';
import { smsSize } from '../../src/scripts/sms.ts';

const dir = mkdtempSync(join(tmpdir(), 'followup-library-'));
const lib = loadLibrary();

function problemsOf(yaml: string): { file: string; error: ScriptLibraryError } {
  const file = join(dir, `bad-${Math.abs(hashOf(yaml))}.yaml`);
  writeFileSync(file, yaml);
  try {
    loadLibrary(file);
  } catch (e) {
    expect(e).toBeInstanceOf(ScriptLibraryError);
    return { file, error: e as ScriptLibraryError };
  }
  throw new Error('expected the library to be refused');
}

function hashOf(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

const rec = (over: Partial<Recommendation> = {}): Recommendation => ({
  run_id: 'r',
  loan_id: 'L1',
  borrower_id: 'B1',
  as_of: '2025-12-31',
  purpose: 'collection',
  cycle: 1,
  due_on: '2026-01-07',
  earliest_on: '2026-01-05',
  latest_on: '2026-01-09',
  hard_deadline: false,
  cadence_days: 7,
  risk_at_due: 0.1,
  risk_budget: 0.014,
  time_zone: 'Asia/Shanghai',
  hour_start: 10,
  hour_end: 11,
  weekday: 3,
  window_start_utc: '2026-01-07T02:00:00.000Z',
  window_end_utc: '2026-01-07T03:00:00.000Z',
  channel: 'phone',
  hangup_risk: 0.2,
  hangup_risk_worst: 0.3,
  prenotify: true,
  prenotify_channel: 'sms',
  prenotify_at_utc: '2026-01-06T02:00:00.000Z',
  prenotify_reason: 'r',
  priority: 50,
  reason_codes: ['COLLECTION_CADENCE'],
  reasons: ['x'],
  moved: false,
  delinquency_model: 'd',
  hangup_model: 'h',
  policy_version: 'p',
  next_action: 'call',
  assignee: 'agent',
  ...over,
});

const facts = (over: Partial<LoanTalkFacts> = {}): LoanTalkFacts => ({
  loan_type: 'personal',
  credit_grade: 'BB',
  maturity_on: '2040-06-30',
  dpd: 12,
  next_due_on: '2026-01-20',
  next_amount: 1234567.5,
  overdue_amount: 3210.55,
  ever_conversation: true,
  last_outcome: null,
  promised_on: null,
  ...over,
});

describe('the shipped library', () => {
  it('has a fallback script per purpose, every script and notice in zh-CN and en', () => {
    for (const p of ['first', 'mid_term', 'final', 'collection'] as const) {
      const fallback = Object.values(lib.scripts).filter(
        (s) => s.purpose === p && !s.situation && !s.tier && !s.loan_type,
      );
      expect(fallback.length, p).toBe(1);
    }
    for (const s of Object.values(lib.scripts)) for (const l of LANGS) expect(s[l].length).toBeGreaterThan(0);
    for (const n of Object.values(lib.notices)) for (const l of LANGS) expect(n[l]).toContain('{hotline}');
  });

  it('first calls confirm identity both ways: the hotline to verify, never passwords or transfers', () => {
    const first = lib.scripts['first.default']!;
    expect(first['zh-CN'].join('')).toMatch(/\{hotline\}[\s\S]*不会索要密码/);
    expect(first.en.join(' ')).toMatch(/\{hotline\}[\s\S]*never ask for passwords/);
  });
});

describe('a lender file', () => {
  it('replaces the script it names, whole, and keeps every other entry and section', () => {
    const file = join(dir, 'lender.yaml');
    writeFileSync(
      file,
      [
        'lender:',
        '  hotline: "95588"',
        'scripts:',
        '  final.default:',
        '    purpose: final',
        "    zh-CN: ['到期提醒：{maturity_on}。']",
        "    en: ['Maturity reminder: {maturity_on}.']",
        '',
      ].join('\n'),
    );
    const over = loadLibrary(file);
    expect(over.scripts['final.default']).toEqual({
      purpose: 'final',
      'zh-CN': ['到期提醒：{maturity_on}。'],
      en: ['Maturity reminder: {maturity_on}.'],
    });
    const { 'final.default': _a, ...restOver } = over.scripts;
    const { 'final.default': _b, ...restBase } = lib.scripts;
    expect(restOver).toEqual(restBase);
    expect(over.lender).toEqual({ ...lib.lender, hotline: '95588' });
    expect(over.notices).toEqual(lib.notices);
    expect(over.version).not.toBe(lib.version);
  });

  it.each([
    [
      'an unknown placeholder',
      "scripts:\n  first.default:\n    purpose: first\n    zh-CN: ['您好{name}']\n    en: [Hello]\n",
      4,
      'found {name}',
    ],
    [
      'a link in a notice',
      'notices:\n  sms:\n    max_segments: 1\n    zh-CN: 详见 https://x.example/a\n    en: see www.example.com\n',
      4,
      'expected no link',
    ],
    [
      'a mobile number in a script',
      'scripts:\n  first.default:\n    purpose: first\n    zh-CN: [请回拨 138 0013 8000]\n    en: [Hello]\n',
      4,
      'expected no phone or id number',
    ],
    [
      'an unknown situation',
      'scripts:\n  x:\n    situation: angry\n    zh-CN: [a]\n    en: [b]\n',
      3,
      'expected one of',
    ],
    [
      'an unknown key',
      'scripts:\n  x:\n    purpose: first\n    tone: warm\n    zh-CN: [a]\n    en: [b]\n',
      4,
      'tone',
    ],
    [
      'an SMS over its segments',
      `notices:\n  sms:\n    max_segments: 1\n    zh-CN: '${'很长的通知'.repeat(14)}{window}'\n    en: b {hotline}\n`,
      4,
      'expected at most 1 SMS segment',
    ],
    ['a missing language', 'scripts:\n  x:\n    purpose: first\n    zh-CN: [a]\n', 3, 'scripts.x.en'],
  ])('refuses %s with file:line:column', (_name, yaml, line, words) => {
    const { file, error } = problemsOf(yaml);
    expect(error.message).toContain(words);
    expect(error.problems.some((p) => p.place.file === file && p.place.line === line)).toBe(true);
    expect(error.exitCode).toBe(2);
  });

  it('reports every problem at once, and a fallback missing for a purpose', () => {
    const { error } = problemsOf(
      "scripts:\n  final.default:\n    purpose: final\n    tier: top\n    zh-CN: ['a{x}']\n    en: ['b{y}']\n",
    );
    const msgs = error.problems.map((p) => `${p.path.join('.')}: ${p.message}`);
    expect(msgs.some((m) => m.startsWith('scripts.final.default.zh-CN.0') && m.includes('{x}'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('scripts.final.default.en.0') && m.includes('{y}'))).toBe(true);
    expect(msgs.some((m) => m.includes('purpose final without loan_type'))).toBe(true);
  });

  it('refuses a YAML syntax error at its line and column', () => {
    expect(() => parseLibrary('scripts:\n  a: [b\n', '/x/lender.yaml')).toThrow(/expected YAML/);
    expect(() => parseLibrary('', DEFAULT_SCRIPTS_PATH)).not.toThrow();
  });
});

describe('SMS segments (GSM-7 160/153, UCS-2 70/67)', () => {
  it.each([
    ['', 'gsm7', 0, 0],
    ['a'.repeat(160), 'gsm7', 160, 1],
    ['a'.repeat(161), 'gsm7', 161, 2],
    ['a'.repeat(306), 'gsm7', 306, 2],
    ['a'.repeat(307), 'gsm7', 307, 3],
    ['{'.repeat(80), 'gsm7', 160, 1],
    ['€'.repeat(81), 'gsm7', 162, 2],
    ['中'.repeat(70), 'ucs2', 70, 1],
    ['中'.repeat(71), 'ucs2', 71, 2],
    ['中'.repeat(134), 'ucs2', 134, 2],
    ['中'.repeat(135), 'ucs2', 135, 3],
    [`${'a'.repeat(69)}é`, 'gsm7', 70, 1],
    [`${'a'.repeat(69)}ç`, 'ucs2', 70, 1],
  ])('%j → %s, %i units, %i segments', (text, encoding, units, segments) => {
    expect(smsSize(text)).toEqual({ encoding, units, segments });
  });
});

describe('privacy guard', () => {
  it.each([
    ['+8613800138000', '+8613800138000'],
    ['call 138 0013 8000', '138 0013 8000'],
    ['tel 0755-8888-1234', '0755-8888-1234'],
    ['身份证110101199003074518', '110101199003074518'],
    ['id 11010119900307451X', '11010119900307451X'],
    ['due 2026-01-20, 1,234,567.50 CNY, 95599', null],
    ['热线 400-820-8888', null],
    ['回拨13955991234', '13955991234'],
    ['95599 or 9559912', '9559912'],
  ])('%j → %j', (text, found) => {
    expect(personalNumberIn(text, text.includes('400-820-8888') ? '400-820-8888' : '95599')).toBe(found);
  });

  it('sees links', () => {
    expect(hasLink('visit https://a.b')).toBe(true);
    expect(hasLink('go to bank.com now')).toBe(true);
    expect(hasLink('12:00-13:00. We never ask.')).toBe(false);
  });
});

describe('choosing and rendering', () => {
  it('picks the most specific script: situation over tier over purpose', () => {
    const c = {
      purpose: 'mid_term' as const,
      loan_type: 'personal',
      credit_grade: 'AAA',
      borrower_id: 'B1',
    };
    expect(chooseScript(lib, { ...c, situations: new Set() }).id).toBe('mid_term.top');
    expect(chooseScript(lib, { ...c, situations: new Set(['downturn'] as const) }).id).toBe(
      'mid_term.downturn',
    );
    expect(chooseScript(lib, { ...c, credit_grade: 'BB', situations: new Set() }).id).toBe(
      'mid_term.default',
    );
    expect(chooseScript(lib, { ...c, situations: new Set(['promise_check'] as const) }).id).toBe(
      'promise_check',
    );
  });

  it('splits borrowers at random between a champion and its challenger, the same way on every run', () => {
    const file = join(dir, 'variants.yaml');
    writeFileSync(
      file,
      [
        'experiment: { seed: 5 }',
        'scripts:',
        '  first.reassure_first:',
        '    purpose: first',
        '    variant_of: first.default',
        "    zh-CN: ['先说明如何核实来电：官方热线{hotline}。']",
        "    en: ['First, how to verify this call: official hotline {hotline}.']",
        '',
      ].join('\n'),
    );
    const v = loadLibrary(file);
    const pick = (b: string) =>
      chooseScript(v, {
        purpose: 'first',
        loan_type: 'personal',
        credit_grade: 'A',
        borrower_id: b,
        situations: new Set(),
      });
    const ids = Array.from({ length: 2000 }, (_, i) => pick(`B${i}`).id);
    const challenger = ids.filter((id) => id === 'first.reassure_first').length;
    // Binomial(2000, 0.5): 3 sd ≈ 67.
    expect(Math.abs(challenger - 1000)).toBeLessThan(100);
    expect(Array.from({ length: 2000 }, (_, i) => pick(`B${i}`).id)).toEqual(ids);
    expect(pick('B7').champion).toBe('first.default');
    // Another seed draws another split.
    const v2 = { ...v, experiment: { seed: 6 } };
    const ids2 = Array.from(
      { length: 200 },
      (_, i) =>
        chooseScript(v2, {
          purpose: 'first',
          loan_type: 'personal',
          credit_grade: 'A',
          borrower_id: `B${i}`,
          situations: new Set(),
        }).id,
    );
    expect(ids2).not.toEqual(ids.slice(0, 200));
  });

  it('fills the borrower facts in zh-CN, and leaves out a point whose fact is unknown', () => {
    const t = composeTalk(lib, rec(), facts());
    expect(t.script_id).toBe('collection.default');
    expect(t.script_lang).toBe('zh-CN');
    expect(t.talking_points[0]).toBe('开场：示例银行还款提醒，个人贷款已逾期12天，逾期金额3,210.55元。');
    expect(t.notice_text).toBe(
      '【示例银行】将于1月7日（周三）10:00-11:00致电您进行还款提醒。核实请拨官方热线95599，我们不会索要密码或要求转账。',
    );
    expect(t.notice_segments).toBe(1);
    const first = composeTalk(
      lib,
      rec({ purpose: 'first' }),
      facts({ next_due_on: null, next_amount: null }),
    );
    expect(first.talking_points).toHaveLength(4);
    expect(first.talking_points.join('')).not.toContain('下一期');
  });

  it('writes English for an English-speaking zone, notices in GSM-7 within one segment', () => {
    expect(langOf(lib, 'America/New_York')).toBe('en');
    expect(langOf(lib, 'Asia/Shanghai')).toBe('zh-CN');
    const t = composeTalk(
      lib,
      rec({
        time_zone: 'America/New_York',
        purpose: 'first',
        due_on: '2026-12-31',
        weekday: 4,
        hour_start: 20,
        hour_end: 21,
      }),
      facts({ ever_conversation: false, dpd: 0, overdue_amount: 0 }),
    );
    expect(t.script_lang).toBe('en');
    expect(t.talking_points.at(-1)).toBe(
      'Explain the repayment schedule: next installment due 2026-01-20, 1,234,567.50 CNY; confirm the repayment account and contact details.',
    );
    expect(t.notice_text).toBe(
      'Example Bank will call you on Thu 31 Dec, 20:00-21:00 your time (first follow-up). Verify via our official line 95599. We never ask for passwords or transfers.',
    );
    expect(smsSize(t.notice_text!).encoding).toBe('gsm7');
    expect(t.notice_segments).toBe(1);
  });

  it('email and app notices carry a text but no segment count; no notice without pre-notification', () => {
    expect(composeTalk(lib, rec({ prenotify_channel: 'email' }), facts()).notice_segments).toBeNull();
    expect(composeTalk(lib, rec({ prenotify_channel: 'app' }), facts()).notice_text).toContain('95599');
    const none = composeTalk(lib, rec({ prenotify: false, prenotify_channel: null }), facts());
    expect(none.notice_text).toBeNull();
    expect(none.notice_segments).toBeNull();
  });
});

describe('problem places', () => {
  it('points at the default file when the lender file only changed what makes a default text too long', () => {
    const { error } = problemsOf('lender:\n  hotline: "400-820-8888"\n');
    const p = error.problems.find((x) => x.path.join('.') === 'notices.sms.zh-CN')!;
    expect(p.place.file).toBe(DEFAULT_SCRIPTS_PATH);
    expect(p.place.line).toBeGreaterThan(100);
  });
});
