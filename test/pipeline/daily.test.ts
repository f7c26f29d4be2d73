/**
 * Trustworthy daily runs, through the real CLI on the committed sample (data up to 2025-12-31):
 *  - the daily pipeline exports the recommendations run its own recommend step produced, even when another run
 *    (a demo run made later by the wall clock) is "latest";
 *  - a run on data older than max_data_age_days (default 3) stops with E_STALE_DATA (exit 2) before recommending,
 *    and leaves the exports untouched — also with the clock in 2099;
 *  - an export that would cancel more than 20 % of what its target holds is refused (E_MASS_CANCEL, exit 2)
 *    unless --allow-mass-cancel, in the pipeline and in `followup export`.
 * One demo run (models and a first export) is the starting state; each case restores it at the same path, so the
 * export targets (absolute paths) are the ones the demo exported to.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ical, { type VEvent } from 'node-ical';
import { beforeAll, describe, expect, it } from 'vitest';
import { followupUid } from '../../src/export/index.ts';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { followup } from '../lifecycle/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'followup-daily-'));
const W = join(dir, 'w');
const BASE = join(dir, 'base');
const SAMPLE = 'input=data-samples/sample';
/** The demo ran "today"; the daily run's clock is earlier, so the demo's run is the latest by creation time. */
const DEMO_NOW = { FOLLOWUP_NOW: '2026-02-01T00:00:00Z' };
const DAILY_NOW = { FOLLOWUP_NOW: '2026-01-06T06:00:00Z' };
const EXPORTS = ['dialer.csv', 'followups.ics'];

/** Restores the demo's state at W. */
function fresh(): void {
  rmSync(W, { recursive: true, force: true });
  cpSync(BASE, W, { recursive: true });
}

const exportFiles = () => EXPORTS.map((f) => readFileSync(join(W, 'exports', f), 'utf8'));

const query = <T>(sql: string, params: string[] = []) =>
  withWarehouse(join(W, 'warehouse.duckdb'), (w) => w.all<T & Record<string, unknown>>(sql, params), {
    readOnly: true,
  });

/** The calendar feed as parsed by node-ical: UIDs by status. */
function feed(): { confirmed: string[]; cancelled: string[] } {
  const events = Object.values(
    ical.sync.parseICS(readFileSync(join(W, 'exports', 'followups.ics'), 'utf8')),
  ).filter((c): c is VEvent => c?.type === 'VEVENT');
  const uids = (status: string) =>
    events
      .filter((e) => e.status === status)
      .map((e) => e.uid)
      .sort();
  return { confirmed: uids('CONFIRMED'), cancelled: uids('CANCELLED') };
}

const daily = (env: Record<string, string>, ...extra: string[]) =>
  followup(['run', 'daily-score', '--workdir', W, '--set', SAMPLE, ...extra, '--json'], env);

beforeAll(() => {
  const r = followup(['run', 'demo', '--workdir', W, '--json'], DEMO_NOW);
  expect(r.code, r.stderr.slice(-2000)).toBe(0);
  cpSync(W, BASE, { recursive: true });
}, 600_000);

describe('daily-score passes run ids between steps', () => {
  it('exports the recommendations run its recommend step produced, not the latest by creation time', async () => {
    fresh();
    const r = daily(DAILY_NOW, '--set', 'max_data_age_days=7');
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const s = JSON.parse(r.stdout);
    const made: string = s.recommend.run_id;
    expect(made).toMatch(/^rec-2026-01-06-/);
    expect(s.recommend.recommendations).toBeGreaterThan(1000);
    expect(s['export-dialer'].run_id).toBe(made);
    expect(s['export-calendar'].run_id).toBe(made);
    // The demo's run is the latest by creation time; the exports still took the daily run.
    const runs = await query<{ run_id: string }>(
      'SELECT run_id FROM recommendation_runs ORDER BY created_at DESC',
    );
    expect(runs[0]!.run_id).not.toBe(made);
    // The two exports ran side by side (needs: [recommend]), each with its own export number.
    const exported = await query<{ run_id: string; n_written: bigint; export_no: bigint }>(
      `SELECT run_id, n_written, export_no FROM exports WHERE exported_at = TIMESTAMPTZ '2026-01-06 06:00:00+00' ORDER BY format`,
    );
    expect(exported.map((e) => e.run_id)).toEqual([made, made]);
    expect(new Set(exported.map((e) => e.export_no)).size).toBe(2);
    // Against the demo's plan of 2025-12-31 the dialer learns what moved: far from nothing.
    expect(Number(exported[0]!.n_written)).toBeGreaterThan(100);
    expect(s['export-dialer'].written).toBe(Number(exported[0]!.n_written));
    // The calendar feed is whole: every follow-up of this run, plus the ones it cancelled.
    const recs = await query<{ loan_id: string; purpose: string; cycle: number }>(
      'SELECT loan_id, purpose, cycle FROM recommendations WHERE run_id = $1',
      [made],
    );
    const f = feed();
    expect(f.confirmed).toEqual(recs.map((r) => followupUid(r.loan_id, r.purpose, Number(r.cycle))).sort());
    expect(f.cancelled.length).toBe(s['export-calendar'].counts.cancelled);
    expect(s['export-calendar'].written).toBe(recs.length + f.cancelled.length);
    // The report took its history sections from report-history (beside recommend), and they are what a report
    // of the same run collects itself.
    expect(s.report.history).toBe('reused');
    const alone = join(dir, 'report-alone');
    const a = followup([
      'report',
      '--warehouse',
      join(W, 'warehouse.duckdb'),
      '--models',
      join(W, 'models'),
      '--run',
      made,
      '--out',
      alone,
      '--no-images',
      '--json',
    ]);
    expect(a.code, a.stderr.slice(-2000)).toBe(0);
    const data = (d: string) => JSON.parse(readFileSync(join(d, 'report-data.json'), 'utf8'));
    const [piped, own] = [data(join(W, 'report')), data(alone)];
    for (const part of ['performance', 'woe', 'vintage', 'hangups', 'stability', 'schedule', 'actions'])
      expect(piped[part], part).toEqual(own[part]);
    expect(piped.vintage.ok && piped.hangups.ok && piped.performance.ok).toBe(true);
  }, 300_000);
});

describe('staleness guard', () => {
  it('stops before recommending when the newest data is more than 3 days before the as-of date (exit 2)', async () => {
    fresh();
    const before = exportFiles();
    const r = daily(DAILY_NOW);
    expect(r.code, r.stderr.slice(-2000)).toBe(2);
    const err = JSON.parse(r.stderr.trim().split('\n').at(-1)!);
    expect(err.error).toBe('E_STALE_DATA');
    expect(err.message).toContain(
      'the newest payment or contact is from 2025-12-31 (repayments 2025-12-31, contacts 2025-12-31), 6 days before the as-of date 2026-01-06; expected at most 3 days',
    );
    expect(err.hint).toContain('--set max_data_age_days=N');
    // Nothing planned, nothing exported.
    expect((await query('SELECT run_id FROM recommendation_runs')).length).toBe(1);
    const steps = await query<{ step_id: string; outcome: string }>(
      `SELECT step_id, s.outcome FROM pipeline_steps s JOIN pipeline_runs r USING (run_id)
       WHERE r.pipeline = 'daily-score' ORDER BY s.started_at, step_id`,
    );
    // report-history ran beside recommend (needs: [ingest]) and ended as it would; nothing started after.
    expect(steps).toEqual([
      { step_id: 'ingest', outcome: 'ok' },
      { step_id: 'recommend', outcome: 'failed' },
      { step_id: 'report-history', outcome: 'ok' },
    ]);
    expect(exportFiles()).toEqual(before);
  }, 300_000);

  it('the threshold is a pipeline param', () => {
    fresh();
    const r = daily(DAILY_NOW, '--set', 'max_data_age_days=5');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('6 days before the as-of date 2026-01-06; expected at most 5 days');
  }, 300_000);

  it('with the clock in 2099 the run stops and the calendar keeps every follow-up', async () => {
    fresh();
    const before = exportFiles();
    const r = daily({ FOLLOWUP_NOW: '2099-01-01T06:00:00Z' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"error":"E_STALE_DATA"');
    expect(r.stderr).toContain('before the as-of date 2099-01-01');
    expect(exportFiles()).toEqual(before);
    expect(await query(`SELECT * FROM export_ledger WHERE state = 'cancelled'`)).toEqual([]);
  }, 300_000);
});

describe('mass-cancellation guard', () => {
  it('refuses to cancel more than 20 % of what a target holds without --allow-mass-cancel', async () => {
    fresh();
    const before = exportFiles();
    // Past the staleness guard on purpose: a plan at 2099 has no active loan and would cancel every follow-up.
    const env = { FOLLOWUP_NOW: '2099-01-01T06:00:00Z' };
    const refused = daily(env, '--set', 'max_data_age_days=100000');
    expect(refused.code, refused.stderr.slice(-2000)).toBe(2);
    const err = JSON.parse(refused.stderr.trim().split('\n').at(-1)!);
    expect(err.error).toBe('E_MASS_CANCEL');
    expect(err.message).toMatch(
      /^export refused: run rec-2099-01-01-\w+ would cancel (\d+) of the \1 follow-ups .*dialer\.csv holds \(100%; at most 20% allowed\)$/,
    );
    expect(err.hint).toContain('--allow-mass-cancel');
    // Every follow-up of the demo's plan: the count the refusal names is the count the allowed run cancels.
    const held = Number(/would cancel (\d+) of/.exec(err.message)![1]);
    expect(held).toBeGreaterThan(1000);
    expect(exportFiles()).toEqual(before);

    // `followup export` applies the same guard (the 2099 run is the latest one now).
    const wh = join(W, 'warehouse.duckdb');
    const ics = join(W, 'exports', 'followups.ics');
    const cli = followup([
      'export',
      '--warehouse',
      wh,
      '--format',
      'ics',
      '--out',
      ics,
      '--since-last',
      '--json',
    ]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('"error":"E_MASS_CANCEL"');
    const share = followup([
      'export',
      '--warehouse',
      wh,
      '--format',
      'ics',
      '--out',
      ics,
      '--max-cancel-share',
      '2',
    ]);
    expect(share.code).toBe(2);
    expect(share.stderr).toContain('--max-cancel-share expects a share between 0 and 1; got "2"');
    expect(exportFiles()).toEqual(before);

    // Allowed on purpose: the cancellations go out, with a warning in the log.
    const allowed = daily(env, '--set', 'max_data_age_days=100000', '--allow-mass-cancel');
    expect(allowed.code, allowed.stderr.slice(-2000)).toBe(0);
    const s = JSON.parse(allowed.stdout);
    expect(s['export-dialer'].counts).toEqual({ new: 0, changed: 0, unchanged: 0, cancelled: held });
    expect(allowed.stderr).toContain('"level":"warn","msg":"mass cancellation allowed');
    expect(feed()).toEqual({ confirmed: [], cancelled: expect.any(Array) });
    expect(feed().cancelled).toHaveLength(held);
  }, 300_000);
});

describe('reason texts the demo run wrote', () => {
  it('print shares as percents (34 %, not 0.34 %) and count nouns correctly (1 day, not 1 days)', async () => {
    fresh();
    const rows = await query<{ r: string }>('SELECT unnest(reasons) AS r FROM scores');
    const texts = rows.map((x) => x.r);
    expect(texts.length).toBeGreaterThan(1000);
    const pct = (re: RegExp) =>
      texts
        .map((t) => re.exec(t)?.[1])
        .filter((v): v is string => v !== undefined)
        .map(Number)
        .sort((a, b) => a - b);
    // The sample's installments are about a third of income and its rates 5–30 % a year.
    const burden = pct(/^installment is ([\d.]+)% of monthly income$/);
    expect(burden.length).toBeGreaterThan(10);
    expect(burden[burden.length >> 1]).toBeGreaterThan(10);
    const rate = pct(/^annual rate ([\d.]+)%$/);
    expect(rate.length).toBeGreaterThan(10);
    expect(rate[0]).toBeGreaterThanOrEqual(1);
    const wrong = /\b1 (days|months|calls|answered calls|late payments|episodes|contacts|advance notices)\b/;
    expect(texts.filter((t) => wrong.test(t))).toEqual([]);
    expect(texts.some((t) => /\b1 (day|month|late payment)\b/.test(t))).toBe(true);
  });
});
