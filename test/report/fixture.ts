/**
 * A small seeded warehouse for the report tests: contract tables (loans with E.164 phones, contacts across three
 * time zones with SMS pre-notifications), two recommendation runs, eval_predictions for a 3-month hazard model and
 * a hang-up model (network and baseline), score populations with a drifted feature, monthly repayments (some
 * late, some stopped), a small features_snapshot with labels (WoE/IV) and scores at the latest run's as-of date
 * with reasons in the scorer's words. Same seed → same file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 as prng } from '../../src/core/prng.ts';
import { literal, withWarehouse } from '../../src/warehouse/db.ts';
import { ensureRecommendationTables } from '../../src/warehouse/recommendations.ts';
import { ensureReportInputs } from '../../src/warehouse/report-inputs.ts';
import { ensureContractTables } from '../../src/warehouse/schema.ts';
import { ensureScoresTable } from '../../src/warehouse/scores.ts';

export { prng };

const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London'];
const OFFSET_H: Record<string, number> = { 'Asia/Shanghai': 8, 'America/New_York': -5, 'Europe/London': 0 };
const GRADES = ['AAA', 'AA', 'A', 'BBB', 'BB'];
const SNAPSHOT_MONTHS = ['2024-11-01', '2024-12-01', '2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01'];
const pad = (n: number, w = 4) => String(n).padStart(w, '0');
const iso = (ms: number) => new Date(ms).toISOString();
const day = (ms: number) => iso(ms).slice(0, 10);

export interface FixtureOptions {
  seed?: number;
  loans?: number;
  /** Leave out eval_predictions and score_population (to test "not available" notes). */
  withoutModelTables?: boolean;
}

/** Builds the fixture warehouse at `dir/warehouse.duckdb`; returns its path. */
export async function buildFixture(dir: string, opts: FixtureOptions = {}): Promise<string> {
  const rnd = prng(opts.seed ?? 7);
  // the tables added later draw from their own stream, so the older tables keep their values
  const rnd2 = prng((opts.seed ?? 7) + 1000);
  const nLoans = opts.loans ?? 120;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'warehouse.duckdb');
  const loans: Record<string, unknown>[] = [];
  const contacts: Record<string, unknown>[] = [];
  const recs: Record<string, unknown>[] = [];
  const evals: Record<string, unknown>[] = [];
  const pop: Record<string, unknown>[] = [];
  const repayments: Record<string, unknown>[] = [];
  const snapshot: Record<string, unknown>[] = [];
  const scores: Record<string, unknown>[] = [];
  const t0 = Date.UTC(2025, 0, 1);
  let cid = 0;
  for (let i = 0; i < nLoans; i++) {
    const loan_id = `L${pad(i)}`;
    const zone = ZONES[i % 3] as string;
    const grade = GRADES[Math.floor(rnd() * GRADES.length)] as string;
    const loan_type = rnd() < 0.3 ? 'corporate' : 'personal';
    const risk = 0.02 + 0.03 * GRADES.indexOf(grade) + (loan_type === 'corporate' ? 0.03 : 0);
    loans.push({
      loan_id,
      borrower_id: `B${pad(i)}`,
      loan_type,
      disbursed_on: day(t0 - 200 * 864e5 + i * 864e5),
      maturity_on: day(t0 + 700 * 864e5),
      principal: 100000 + Math.round(rnd() * 900000),
      annual_rate: 0.045,
      term_months: 36,
      credit_grade: grade,
      region: `R${i % 4}`,
      time_zone: zone,
      phone: `+86138${pad(Math.floor(rnd() * 1e8), 8)}`,
      collateral_value: null,
      income: 20000,
    });
    for (let k = 0; k < 14; k++) {
      const localHour = 7 + Math.floor(rnd() * 15); // 07–21 local
      const dayMs = t0 + Math.floor(rnd() * 180) * 864e5;
      const startMs = dayMs + (localHour - (OFFSET_H[zone] as number)) * 36e5 + Math.floor(rnd() * 50) * 6e4;
      const prenotified = rnd() < 0.3;
      if (prenotified)
        contacts.push({
          contact_id: `C${pad(cid++, 6)}`,
          loan_id,
          started_at: iso(startMs - (2 + rnd() * 30) * 36e5),
          channel: 'sms',
          direction: 'outbound',
          purpose: 'mid_term',
          outcome: 'delivered',
          duration_s: null,
          agent_id: null,
        });
      const wd = new Date(dayMs).getUTCDay();
      const pHang = Math.min(
        0.9,
        0.12 +
          (localHour < 9 || localHour > 19 ? 0.25 : 0) +
          (wd === 0 || wd === 6 ? 0.1 : 0) -
          (prenotified ? 0.08 : 0),
      );
      const contact_id = `C${pad(cid++, 6)}`;
      const hung = rnd() < pHang;
      contacts.push({
        contact_id,
        loan_id,
        started_at: iso(startMs),
        channel: rnd() < 0.9 ? 'phone' : 'app',
        direction: 'outbound',
        purpose: 'mid_term',
        outcome: hung ? (rnd() < 0.8 ? 'hung_up' : 'refused') : 'answered',
        duration_s: hung ? 5 : 120,
        agent_id: 'A1',
      });
      for (const variant of ['network', 'baseline']) {
        const noise = variant === 'network' ? 0.05 : 0.12;
        const p = Math.min(0.99, Math.max(0.01, pHang + (rnd() - 0.5) * 2 * noise));
        evals.push({
          model: 'hangup',
          variant,
          horizon: 0,
          split: k < 9 ? 'train' : 'test',
          month: `${day(dayMs).slice(0, 7)}-01`,
          y: hung ? 1 : 0,
          p,
          entity_id: contact_id,
        });
      }
    }
    for (let h = 1; h <= 3; h++) {
      for (let s = 0; s < 4; s++) {
        const month = `2025-0${1 + s}-01`;
        const truth = Math.min(0.95, risk * h * (0.6 + rnd()));
        const y = rnd() < truth ? 1 : 0;
        const matured = !(s === 3 && h === 3);
        for (const variant of ['network', 'baseline']) {
          const noise = variant === 'network' ? 0.3 : 0.7;
          const p = Math.min(0.99, Math.max(0.001, truth * Math.exp((rnd() - 0.5) * 2 * noise)));
          evals.push({
            model: 'delinquency',
            variant,
            horizon: h,
            split: s < 2 ? 'train' : 'test',
            month,
            y: matured ? y : null,
            p,
            entity_id: loan_id,
          });
        }
      }
    }
    for (const population of ['train', 'scored']) {
      const shift = population === 'scored' ? 1 : 0;
      pop.push({ model: 'delinquency', population, feature: 'score', value: risk * (0.8 + 0.4 * rnd()) });
      pop.push({
        model: 'delinquency',
        population,
        feature: 'late_count_6m',
        value: Math.floor(rnd() * 4) + shift * Math.floor(rnd() * 3),
      });
      pop.push({
        model: 'delinquency',
        population,
        feature: 'income_ratio',
        value: rnd() < 0.05 ? null : rnd(),
      });
    }
    // monthly installments up to the data end: riskier loans pay late more often and some stop paying, so
    // vintages, roll rates and "current at the as-of date" have something to show
    const disbursed = Date.parse(`${loans[i]?.disbursed_on}T00:00:00Z`);
    const stopsAt = rnd2() < risk * 1.5 ? 3 + Math.floor(rnd2() * 6) : 99;
    let late12 = 0;
    for (let k = 1; ; k++) {
      const d = new Date(disbursed);
      d.setUTCMonth(d.getUTCMonth() + k);
      if (d.getTime() > Date.UTC(2025, 5, 30)) break;
      const late = rnd2() < risk * 2 ? 5 + Math.floor(rnd2() * 50) : -2;
      if (late > 0) late12++;
      repayments.push({
        loan_id,
        installment_no: k,
        due_on: day(d.getTime()),
        amount_due: 3000,
        paid_on: k >= stopsAt ? null : day(d.getTime() + late * 864e5),
        amount_paid: k >= stopsAt ? null : 3000,
      });
    }
    for (let m = 0; m < 6; m++) {
      const asOf = SNAPSHOT_MONTHS[m] as string;
      const hit = rnd2() < risk * (1 + late12);
      snapshot.push({
        rid: i * 6 + m + 1,
        loan_id,
        as_of: asOf,
        late_12m: Math.min(late12, m + 1),
        burden: rnd2() < 0.1 ? null : 0.2 + risk * 2 + rnd2() * 0.2,
        loan_type,
        event: hit ? 1 + Math.floor(rnd2() * 6) : 0,
        observed: 6,
        delinquent: false,
        horizon: 6,
      });
    }
    const r6 = Math.min(0.95, risk * (1 + late12) * (0.7 + 0.6 * rnd2()));
    scores.push({
      as_of: '2025-07-01',
      loan_id,
      model_version: 'delinquency@1',
      hazard: [r6 / 6, r6 / 6, r6 / 6, r6 / 6, r6 / 6, r6 / 6],
      risk_3m: r6 / 2,
      risk_6m: r6,
      // the scorer's phrases (src/features/families), which the zh-CN page maps back to feature names
      reasons: [
        `${late12} late payments in the last 12 months`,
        `collateral covers ${(120 + i).toFixed(1)}% of the principal`,
      ],
    });
  }
  const runs = [
    { run_id: 'run-old', as_of: '2025-06-01', created_at: '2025-06-01T02:00:00Z' },
    { run_id: 'run-2025-07-01-abc123', as_of: '2025-07-01', created_at: '2025-07-01T02:00:00Z' },
  ];
  for (const run of runs) {
    for (let i = 0; i < nLoans; i++) {
      const loan = loans[i] as Record<string, unknown>;
      const due = Date.parse(`${run.as_of}T00:00:00Z`) + (1 + Math.floor(rnd() * 20)) * 864e5;
      const grade = GRADES.indexOf(loan.credit_grade as string);
      const codes = [
        'RISK_BUDGET',
        grade >= 3 ? 'WEAK_GRADE' : 'GOOD_GRADE',
        ...(rnd() < 0.2 ? ['CAPACITY_MOVED'] : []),
      ];
      recs.push({
        run_id: run.run_id,
        loan_id: loan.loan_id,
        borrower_id: loan.borrower_id,
        as_of: run.as_of,
        purpose: 'mid_term',
        cycle: 1,
        due_on: day(due),
        earliest_on: day(due - 3 * 864e5),
        latest_on: day(due + 3 * 864e5),
        hard_deadline: false,
        cadence_days: 180 - 25 * grade - (loan.loan_type === 'corporate' ? 30 : 0) + Math.floor(rnd() * 20),
        risk_at_due: 0.005 + 0.01 * grade * rnd(),
        risk_budget: 0.03,
        time_zone: loan.time_zone,
        hour_start: 10,
        hour_end: 12,
        weekday: new Date(due).getUTCDay() || 7,
        window_start_utc: iso(due + 2 * 36e5),
        window_end_utc: iso(due + 4 * 36e5),
        channel: 'phone',
        hangup_risk: 0.1,
        hangup_risk_worst: 0.3,
        prenotify: grade >= 3,
        prenotify_channel: grade >= 3 ? 'sms' : null,
        prenotify_at_utc: grade >= 3 ? iso(due - 864e5) : null,
        prenotify_reason: grade >= 3 ? 'weak grade' : null,
        priority: 50 + grade * 5,
        reason_codes: codes,
        reasons: codes.map((c) => `reason ${c.toLowerCase()}`),
        moved: codes.includes('CAPACITY_MOVED'),
        delinquency_model: 'delinquency@1',
        hangup_model: 'hangup@1',
        policy_version: 'p1',
      });
    }
  }
  await withWarehouse(path, async (w) => {
    await ensureContractTables(w);
    await ensureRecommendationTables(w);
    if (!opts.withoutModelTables) await ensureReportInputs(w);
    const load = async (table: string, rows: Record<string, unknown>[]) => {
      const file = join(dir, `${table}.jsonl`);
      writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
      await w.run(
        `INSERT INTO ${table} BY NAME SELECT * FROM read_json(${literal(file)}, format = 'newline_delimited')`,
      );
    };
    await load('loans', loans);
    await load('contacts', contacts);
    await load('recommendations', recs);
    await load(
      'recommendation_runs',
      runs.map((r) => ({
        ...r,
        policy_version: 'p1',
        delinquency_model: 'delinquency@1',
        hangup_model: 'hangup@1',
        shard: null,
        n_recommendations: nLoans,
      })),
    );
    await load('repayments', repayments);
    if (!opts.withoutModelTables) {
      await load('eval_predictions', evals);
      await load('score_population', pop);
      await ensureScoresTable(w);
      await load('scores', scores);
      await w.run(
        `CREATE TABLE features_snapshot (rid INTEGER, loan_id VARCHAR, as_of DATE, late_12m INTEGER, burden DOUBLE,
           loan_type VARCHAR, event INTEGER, observed INTEGER, delinquent BOOLEAN, horizon INTEGER)`,
      );
      await load('features_snapshot', snapshot);
    }
  });
  return path;
}
