/**
 * Seeded test fixture: a warehouse with loans and one or more recommendation runs of realistic rows (several
 * zones incl. DST and half-hour offsets, pre-notifications, reason texts — some crafted as spreadsheet formulas).
 */
import { listValue } from '@duckdb/node-api';
import { DateTime } from 'luxon';
import type { Recommendation, RecPurpose } from '../../src/contract/recommendation.ts';
import { seededRandom } from '../../src/export/webhook/backoff.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { ensureRecommendationTables } from '../../src/warehouse/recommendations.ts';
import { ensureContractTables } from '../../src/warehouse/schema.ts';

const ZONES = [
  'Asia/Shanghai',
  'America/New_York',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Sydney',
  'UTC',
];
const PHONES: Record<string, string> = {
  'Asia/Shanghai': '+86138',
  'America/New_York': '+1212',
  'Europe/Berlin': '+4930',
  'Asia/Kolkata': '+9198',
  'Australia/Sydney': '+6128',
  UTC: '+4420',
};
/** Texts a spreadsheet would execute, placed in reasons and ids to test neutralization. */
export const FORMULAS = [
  '=HYPERLINK("http://x.test","click")',
  '+SUM(1,2)',
  '-2+3',
  '@cmd',
  '\tTabbed',
  '\rCR',
];
const PURPOSES: RecPurpose[] = ['first', 'mid_term', 'final', 'collection'];

export interface FixtureLoan {
  loan_id: string;
  borrower_id: string;
  time_zone: string;
  phone: string;
}

export function makeLoans(n: number, seed = 7): FixtureLoan[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const time_zone = ZONES[i % ZONES.length] as string;
    const rest = String(Math.floor(rnd() * 1e8)).padStart(8, '0');
    const borrower_id = i === 3 ? (FORMULAS[0] as string) : `B${String(i).padStart(5, '0')}`;
    return {
      loan_id: `L${String(i).padStart(5, '0')}`,
      borrower_id,
      time_zone,
      phone: `${PHONES[time_zone]}${rest}`,
    };
  });
}

/** A recommendation for a loan; `shiftDays` moves it (a schedule change). */
export function makeRec(loan: FixtureLoan, i: number, runId: string, shiftDays = 0): Recommendation {
  const rnd = seededRandom(1000 + i);
  const purpose = PURPOSES[i % PURPOSES.length] as RecPurpose;
  const due = DateTime.fromISO('2026-12-01', { zone: loan.time_zone }).plus({ days: (i % 40) + shiftDays });
  const hour_start = 9 + (i % 8);
  const hour_end = hour_start + 2;
  const ws = due.set({ hour: hour_start, minute: i % 2 ? 30 : 0 });
  const we = due.set({ hour: hour_end, minute: 0 });
  const prenotify = i % 3 === 0;
  const reasons = [
    i % 7 === 0
      ? (FORMULAS[i % FORMULAS.length] as string)
      : `Risk ${(rnd() * 10).toFixed(1)} % before due date`,
    '首次回访：确认资金到账与用途, "quoted", comma',
  ];
  return {
    run_id: runId,
    loan_id: loan.loan_id,
    borrower_id: loan.borrower_id,
    as_of: '2026-11-20',
    purpose,
    cycle: 1 + (i % 3),
    due_on: due.toISODate() as string,
    earliest_on: due.minus({ days: 3 }).toISODate() as string,
    latest_on: due.plus({ days: 5 }).toISODate() as string,
    hard_deadline: i % 5 === 0,
    cadence_days: 90,
    risk_at_due: Math.round(rnd() * 1e6) / 1e6,
    risk_budget: 0.05,
    time_zone: loan.time_zone,
    hour_start,
    hour_end,
    weekday: due.weekday,
    window_start_utc: ws.toUTC().toISO() as string,
    window_end_utc: we.toUTC().toISO() as string,
    channel: 'phone',
    hangup_risk: Math.round(rnd() * 1e4) / 1e4,
    hangup_risk_worst: 0.5,
    prenotify,
    prenotify_channel: prenotify ? 'sms' : null,
    prenotify_at_utc: prenotify ? (ws.minus({ days: 1 }).toUTC().toISO() as string) : null,
    prenotify_reason: prenotify ? 'High hang-up risk without notice' : null,
    priority: Math.round(rnd() * 1000) / 10,
    reason_codes: ['RISK_BUDGET', i % 2 ? 'FIRST_DUE' : 'CADENCE'],
    reasons,
    moved: false,
    delinquency_model: 'delinquency@3',
    hangup_model: 'hangup@2',
    policy_version: 'policy-2026.11',
  };
}

export async function insertLoans(w: Warehouse, loans: FixtureLoan[]): Promise<void> {
  await ensureContractTables(w);
  for (const l of loans) {
    await w.run(
      `INSERT INTO loans VALUES ($1, $2, 'personal', DATE '2026-01-05', DATE '2036-01-05', 500000, 0.045, 120,
        'A', 'R1', $3, $4, NULL, NULL)`,
      [l.loan_id, l.borrower_id, l.time_zone, l.phone],
    );
  }
}

export async function insertRun(
  w: Warehouse,
  runId: string,
  createdAt: string,
  recs: Recommendation[],
): Promise<void> {
  await ensureRecommendationTables(w);
  await w.run(
    // Columns named: later versions add columns to recommendation_runs (e.g. capacity_per_day).
    `INSERT INTO recommendation_runs (run_id, as_of, created_at, policy_version, delinquency_model, hangup_model,
      shard, n_recommendations)
     VALUES ($1, DATE '2026-11-20', CAST($2 AS TIMESTAMPTZ), 'policy-2026.11', 'delinquency@3', 'hangup@2', NULL, $3)`,
    [runId, createdAt, recs.length],
  );
  for (const r of recs) {
    await w.run(
      // The columns of the first version: later ones (scripts, next actions) stay NULL, as in a run made before them.
      `INSERT INTO recommendations (run_id, loan_id, borrower_id, as_of, purpose, cycle, due_on, earliest_on, latest_on, hard_deadline, cadence_days, risk_at_due, risk_budget, time_zone, hour_start, hour_end, weekday, window_start_utc, window_end_utc, channel, hangup_risk, hangup_risk_worst, prenotify, prenotify_channel, prenotify_at_utc, prenotify_reason, priority, reason_codes, reasons, moved, delinquency_model, hangup_model, policy_version)
       VALUES ($1, $2, $3, CAST($4 AS DATE), $5, $6, CAST($7 AS DATE), CAST($8 AS DATE),
        CAST($9 AS DATE), $10, $11, $12, $13, $14, $15, $16, $17, CAST($18 AS TIMESTAMPTZ), CAST($19 AS TIMESTAMPTZ),
        $20, $21, $22, $23, $24, CAST($25 AS TIMESTAMPTZ), $26, $27, $28, $29, $30, $31, $32, $33)`,
      [
        r.run_id,
        r.loan_id,
        r.borrower_id,
        r.as_of,
        r.purpose,
        r.cycle,
        r.due_on,
        r.earliest_on,
        r.latest_on,
        r.hard_deadline,
        r.cadence_days,
        r.risk_at_due,
        r.risk_budget,
        r.time_zone,
        r.hour_start,
        r.hour_end,
        r.weekday,
        r.window_start_utc,
        r.window_end_utc,
        r.channel,
        r.hangup_risk,
        r.hangup_risk_worst,
        r.prenotify,
        r.prenotify_channel,
        r.prenotify_at_utc,
        r.prenotify_reason,
        r.priority,
        listValue(r.reason_codes),
        listValue(r.reasons),
        r.moved,
        r.delinquency_model,
        r.hangup_model,
        r.policy_version,
      ],
    );
  }
}

/** ISO instant normalized to `Date.toISOString()` form, as the exporters print it. */
export function iso(s: string | null): string | null {
  return s === null ? null : new Date(s).toISOString();
}
