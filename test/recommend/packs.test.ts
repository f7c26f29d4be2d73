/**
 * Rule packs and holiday calendars by the borrower's country (issue 16): the zone's country picks the pack, the
 * pack's calendar the working days. Borrowers in Shanghai, Hong Kong, Macao, Taipei, Singapore, London and Sydney
 * planned on the same dates get the working days of their own country; only mainland borrowers get China's
 * make-up working days (2026-01-04 is a Sunday worked in the mainland only).
 *
 * The oracle is independent of the code under test: the country of each zone is written here by hand, mainland
 * working days come from chinese-days, other countries' public holidays straight from date-holidays, Macao's from
 * the government's list below.
 */
import chineseDays from 'chinese-days';
import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { dayOf } from '../../src/core/days.ts';
import {
  calendarForZone,
  checkRules,
  countryOfZone,
  type HangupScorer,
  loadPolicy,
  type PlannerLoan,
  packFor,
  parsePolicy,
  planFollowUps,
} from '../../src/recommend/index.ts';

const policy = loadPolicy();

const ZONES = {
  'Asia/Shanghai': { country: 'CN', pack: 'cn' },
  'Asia/Urumqi': { country: 'CN', pack: 'cn' },
  'Asia/Hong_Kong': { country: 'HK', pack: 'hk' },
  'Asia/Macau': { country: 'MO', pack: 'mo' },
  'Asia/Taipei': { country: 'TW', pack: 'tw' },
  'Asia/Singapore': { country: 'SG', pack: 'sg' },
  'Europe/London': { country: 'GB', pack: 'gb' },
  'Australia/Sydney': { country: 'AU', pack: 'au' },
  'America/Chicago': { country: 'US', pack: 'us' },
  'America/Toronto': { country: 'CA', pack: 'default' },
  'Europe/Berlin': { country: 'DE', pack: 'default' },
} as const;
type Zone = keyof typeof ZONES;

// Macao public holidays 2026 (gov.mo list; not in date-holidays), the dates the test needs.
const MACAO_2026 = new Set([
  '2026-01-01',
  '2026-02-17',
  '2026-04-03',
  '2026-04-04',
  '2026-04-05',
  '2026-12-08',
]);

const holidayLib = new Map<string, Holidays>();

/** Whether `ymd` is a working day for a borrower of `country`, computed without the code under test. */
function oracleWorking(country: string, ymd: string): boolean {
  if (country === 'CN') return chineseDays.isWorkday(ymd);
  const wd = new Date(`${ymd}T00:00:00Z`).getUTCDay();
  if (wd === 0 || wd === 6) return false;
  if (country === 'MO') return !MACAO_2026.has(ymd);
  let hd = holidayLib.get(country);
  if (!hd) {
    hd = new Holidays(country);
    holidayLib.set(country, hd);
  }
  const h = hd.isHoliday(new Date(`${ymd}T12:00:00`));
  return !(h !== false && h.some((x) => x.type === 'public'));
}

function firstWorking(country: string, from: string): string {
  let d = dayOf(from);
  for (;;) {
    const ymd = ymdOf(d);
    if (oracleWorking(country, ymd)) return ymd;
    d++;
  }
}

const ymdOf = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

function loan(zone: Zone, i: number, asOf: string): PlannerLoan {
  const disbursed = dayOf(asOf) - 48;
  return {
    loan_id: `L-${zone}`,
    borrower_id: `B${i}`,
    loan_type: 'personal',
    credit_grade: 'A',
    // First follow-up overdue (max_days 30 past, catch_up_days 90 not): due at once, on the first allowed day.
    disbursed_on: ymdOf(disbursed),
    maturity_on: ymdOf(disbursed + 3 * 365),
    time_zone: zone,
    current_dpd: 0,
    market_change: 0.01,
    history: {},
    recent_contacts: [],
    hazard: new Float32Array(6).fill(0.001),
  };
}

const flat: HangupScorer = async (b) => new Float32Array(b.size).fill(0.1);

async function dueByZone(asOf: string): Promise<Map<string, string>> {
  const zones = Object.keys(ZONES) as Zone[];
  const r = await planFollowUps({
    asOf,
    loans: zones.map((z, i) => loan(z, i, asOf)),
    policy,
    hangup: flat,
    modelVersions: { delinquency: 'd', hangup: 'h' },
  });
  expect(r.recommendations).toHaveLength(zones.length);
  const byLoan = new Map(r.recommendations.map((x) => [x.loan_id, x]));
  return new Map(zones.map((z) => [z, byLoan.get(`L-${z}`)!.due_on]));
}

describe('rule pack and calendar by the zone country', () => {
  it('maps each zone to its country and the country to its pack', () => {
    for (const [zone, want] of Object.entries(ZONES)) {
      expect(countryOfZone(zone), zone).toBe(want.country);
      expect(packFor(policy, zone, null), zone).toBe(want.pack);
    }
    expect(countryOfZone('Etc/UTC')).toBeNull();
    expect(packFor(policy, 'Etc/UTC', null)).toBe('default');
    // A lender's zone prefix wins over the country; an explicit pack on the loan wins over both.
    const p = parsePolicy('zone_packs:\n  "Asia/Hong_Kong": cn\n');
    expect(packFor(p, 'Asia/Hong_Kong', null)).toBe('cn');
    expect(packFor(p, 'Asia/Hong_Kong', 'us')).toBe('us');
  });

  it('the default pack uses the borrower country’s holidays, mainland make-up days only for mainland zones', () => {
    const days = [
      '2026-01-01',
      '2026-01-02',
      '2026-01-04',
      '2026-01-26',
      '2026-02-17',
      '2026-04-03',
      '2026-04-06',
    ];
    for (const [zone, want] of Object.entries(ZONES)) {
      const pack = policy.rule_packs[want.pack]!;
      const cal = calendarForZone(pack.calendar, zone);
      for (const d of days)
        expect(cal.isWorkingDay(dayOf(d)), `${zone} ${d}`).toBe(oracleWorking(want.country, d));
    }
  });

  it('same dates, different working days: only Shanghai and Urumqi are called on the make-up Sunday 2026-01-04', async () => {
    const due = await dueByZone('2026-01-02');
    // min_lead_days 2: the earliest day is Sunday 2026-01-04 for everyone.
    for (const [zone, want] of Object.entries(ZONES))
      expect(due.get(zone), zone).toBe(firstWorking(want.country, '2026-01-04'));
    expect(due.get('Asia/Shanghai')).toBe('2026-01-04');
    expect(due.get('Asia/Urumqi')).toBe('2026-01-04');
    for (const z of [
      'Asia/Hong_Kong',
      'Asia/Macau',
      'Asia/Taipei',
      'Asia/Singapore',
      'Europe/London',
      'Australia/Sydney',
    ])
      expect(due.get(z), z).toBe('2026-01-05');
  });

  it('Easter and Ching Ming 2026: each country skips its own holidays', async () => {
    const due = await dueByZone('2026-04-01');
    for (const [zone, want] of Object.entries(ZONES))
      expect(due.get(zone), zone).toBe(firstWorking(want.country, '2026-04-03'));
    // Good Friday is a working day in the mainland (Qingming is 4–6 April there), a holiday elsewhere.
    expect(due.get('Asia/Shanghai')).toBe('2026-04-03');
    expect(new Set(due.values()).size).toBeGreaterThan(2);
  });

  it('the planned calls pass the rule check of their own pack and calendar', async () => {
    const zones = Object.keys(ZONES) as Zone[];
    const r = await planFollowUps({
      asOf: '2026-01-02',
      loans: zones.map((z, i) => loan(z, i, '2026-01-02')),
      policy,
      hangup: flat,
      modelVersions: { delinquency: 'd', hangup: 'h' },
    });
    for (const rec of r.recommendations) {
      const zone = rec.time_zone as Zone;
      const pack = policy.rule_packs[ZONES[zone].pack]!;
      const planned = [
        {
          loan_id: rec.loan_id,
          time_zone: zone,
          start_utc: rec.window_start_utc,
          end_utc: rec.window_end_utc,
          channel: 'phone' as const,
        },
      ];
      expect(checkRules(pack, planned, []), zone).toEqual([]);
      const { start, end } = pack.call_hours;
      expect(rec.hour_start, zone).toBeGreaterThanOrEqual(start);
      expect(rec.hour_end, zone).toBeLessThanOrEqual(end);
    }
    // The rule check itself refuses a Hong Kong call on the mainland make-up Sunday.
    const sunday = [
      {
        loan_id: 'x',
        time_zone: 'Asia/Hong_Kong',
        start_utc: '2026-01-04T02:00:00Z',
        end_utc: '2026-01-04T03:00:00Z',
        channel: 'phone' as const,
      },
    ];
    expect(checkRules(policy.rule_packs.hk!, sunday, []).map((v) => v.rule)).toEqual(['working_days_only']);
    expect(checkRules(policy.rule_packs.cn!, [{ ...sunday[0]!, time_zone: 'Asia/Shanghai' }], [])).toEqual(
      [],
    );
  });

  it('is deterministic: the same input plans the same days twice', async () => {
    expect([...(await dueByZone('2026-01-02'))]).toEqual([...(await dueByZone('2026-01-02'))]);
  });
});
