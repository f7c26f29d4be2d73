/**
 * Graceful degradation through the real CLI (issue 14): `train` on warehouses built from filtered copies of the
 * sample either exits 0 naming the fallback it recorded, or exits 2 with a typed error — never 1 — and `recommend`
 * then plans with the fallback. Also: SIGTERM stops a training run within seconds, lock released.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { CLI, followup, ROOT } from '../lifecycle/cli.ts';

const SAMPLE = join(ROOT, 'data-samples/sample');
const AS_OF = '2025-12-31';
const dir = mkdtempSync(join(tmpdir(), 'followup-fallbacks-'));
/** Few epochs and one member: these tests are about what train decides, not how well it fits. */
const FAST = ['--epochs', '1', '--members', '1', '--json'];

type Row = Record<string, string>;
/** Keeps a row (true), drops it (false), or replaces its line (a string). */
type Filter = (row: Row) => boolean | string;

/** Lines of a sample CSV (no quoted commas in the sample) as header + rows. */
function readSample(table: string): { header: string; rows: { line: string; row: Row }[] } {
  const [header, ...lines] = gunzipSync(readFileSync(join(SAMPLE, `${table}.csv.gz`)))
    .toString('utf8')
    .trimEnd()
    .split('\n');
  const cols = header!.split(',');
  return {
    header: header!,
    rows: lines.map((line) => {
      const v = line.split(',');
      return { line, row: Object.fromEntries(cols.map((c, i) => [c, v[i] ?? ''])) };
    }),
  };
}

/**
 * Ingests a warehouse from the sample: each table kept whole (true), filtered, or left out (false).
 * Returns the warehouse path.
 */
function warehouse(name: string, tables: Record<string, true | false | Filter>): string {
  const src = join(dir, name);
  mkdirSync(src, { recursive: true });
  for (const [table, keep] of Object.entries(tables)) {
    if (keep === false) continue;
    const { header, rows } = readSample(table);
    const kept: string[] = [];
    for (const r of rows) {
      const k = keep === true ? true : keep(r.row);
      if (k !== false) kept.push(k === true ? r.line : k);
    }
    writeFileSync(join(src, `${table}.csv`), `${[header, ...kept].join('\n')}\n`);
  }
  const wh = join(dir, `${name}.duckdb`);
  const r = followup(['ingest', '--warehouse', wh, src, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return wh;
}

interface TrainSummary {
  models: { name: string; version: string; period: string }[];
  fallbacks: { name: string; fallback: string; reason: string; card: string; champion: string | null }[];
}

function train(wh: string, models: string, extra: string[] = []) {
  const r = followup(['train', '--warehouse', wh, '--models', models, ...FAST, ...extra]);
  return { ...r, summary: r.code === 0 ? (JSON.parse(r.stdout) as TrainSummary) : undefined };
}

function recommend(wh: string, models: string) {
  const r = followup(['recommend', '--warehouse', wh, '--models', models, '--as-of', AS_OF, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return {
    ...r,
    summary: JSON.parse(r.stdout) as {
      models: { delinquency: string; hangup: string };
      stats: { recommendations: number };
    },
  };
}

const outboundPhone = (r: Row) => r.channel === 'phone' && r.direction === 'outbound';
const inDecember = (d: string | undefined) => (d ?? '').startsWith('2025-12');

let wh: Record<
  'shortHistory' | 'noOutbound' | 'noContacts' | 'noRepayments' | 'noOnsets' | 'oneMonth' | 'oneClass',
  string
>;

beforeAll(() => {
  wh = {
    noOutbound: warehouse('no-outbound', {
      loans: true,
      market: true,
      repayments: true,
      contacts: (r) => !outboundPhone(r),
    }),
    noContacts: warehouse('no-contacts', { loans: true, market: true, repayments: true, contacts: false }),
    noRepayments: warehouse('no-repayments', {
      loans: true,
      market: true,
      repayments: false,
      contacts: true,
    }),
    // Every installment paid in full on its due date: repayments, but no 30+ DPD onset to learn from.
    noOnsets: warehouse('no-onsets', {
      loans: true,
      market: true,
      repayments: (r) =>
        [r.loan_id, r.installment_no, r.due_on, r.amount_due, r.due_on, r.amount_due].join(','),
      contacts: true,
    }),
    // Eight months of installments and contacts (2025-05 … 2025-12): two as-of months with a known outcome.
    shortHistory: warehouse('short-history', {
      loans: true,
      market: true,
      repayments: (r) => (r.due_on ?? '') >= '2025-05',
      contacts: (r) => (r.started_at ?? '') >= '2025-05',
    }),
    oneMonth: warehouse('one-month', {
      loans: true,
      market: true,
      repayments: (r) => inDecember(r.due_on),
      contacts: (r) => inDecember(r.started_at),
    }),
    oneClass: warehouse('one-class', {
      loans: true,
      market: true,
      repayments: true,
      contacts: (r) => !(outboundPhone(r) && (r.outcome === 'hung_up' || r.outcome === 'refused')),
    }),
  };
}, 300_000);

describe('train falls back, recommend plans with the fallback', () => {
  it.each([
    ['noOutbound', 'hangup', 'policy-default-hours', /0 outbound phone attempts among \d+ contacts/],
    ['noContacts', 'hangup', 'policy-default-hours', /0 outbound phone attempts among 0 contacts/],
    ['noRepayments', 'delinquency', 'lifecycle-bounds', /0 repayments in the warehouse/],
    ['noOnsets', 'delinquency', 'lifecycle-bounds', /0 first 30\+ DPD onsets among \d+ training rows/],
    ['oneMonth', 'delinquency', 'lifecycle-bounds', /no as-of date has a known 6-month outcome yet/],
  ] as const)(
    '%s: %s falls back to %s',
    (key, name, kind, reason) => {
      const models = join(dir, `models-${key}`);
      const t = train(wh[key], models);
      expect(t.code, t.stderr).toBe(0);
      const other = name === 'hangup' ? 'delinquency' : 'hangup';
      expect(t.summary!.models.map((m) => m.name)).toEqual([other]);
      expect(t.summary!.fallbacks).toHaveLength(1);
      const f = t.summary!.fallbacks[0]!;
      expect(f).toMatchObject({ name, fallback: kind, champion: null });
      expect(f.reason).toMatch(reason);
      // One clear warning line, and the card beside the registry's models.
      const warned = t.stderr.split('\n').filter((l) => l.includes(`${name}: no model trained`));
      expect(warned).toHaveLength(1);
      expect(warned[0]).toContain(`fallback ${kind}`);
      const card = JSON.parse(readFileSync(join(models, name, 'fallback.json'), 'utf8'));
      expect(card).toMatchObject({ name, fallback: kind, reason: f.reason });
      expect(readFileSync(join(models, name, 'fallback.md'), 'utf8')).toContain(
        `No ${name} model was trained`,
      );
      const listed = followup(['models', 'list', '--models', models, '--json']);
      expect(JSON.parse(listed.stdout).fallbacks[name]).toMatchObject({ fallback: kind, reason: f.reason });

      const r = recommend(wh[key], models);
      expect(r.summary.stats.recommendations).toBeGreaterThan(100);
      expect(r.summary.models[name]).toBe(`fallback-${kind}`);
      expect(r.summary.models[other]).not.toMatch(/^fallback/);
      expect(r.stderr).toContain(name === 'hangup' ? 'no hang-up model' : 'no delinquency model');
    },
    300_000,
  );

  it('one month of calls: the hang-up split falls back to ISO weeks', () => {
    const models = join(dir, 'models-oneMonth');
    const t = train(wh.oneMonth, join(dir, 'models-oneMonth-2'), ['--only', 'hangup']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.summary!.models).toMatchObject([{ name: 'hangup', period: 'week' }]);
    expect(t.stderr).toContain('the out-of-time split is by ISO week');
    // The planner used the trained hang-up model beside the zero hazards of the fallback (first test above).
    expect(existsSync(join(models, 'hangup', 'champion'))).toBe(true);
  }, 300_000);

  it('eight months of history: the delinquency split falls back to ISO weeks', () => {
    const t = train(wh.shortHistory, join(dir, 'models-short'), ['--only', 'delinquency']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.summary!.models).toMatchObject([
      {
        name: 'delinquency',
        period: 'week',
        window: { train: ['2025-05-05', '2025-05-12', '2025-05-19', '2025-05-26', '2025-06-02'] },
      },
    ]);
    expect(t.stderr).toContain('fewer than 3 as-of months have a known 6-month outcome');
  }, 300_000);

  it('the stored schedules say which model was missing and keep its neutral value', async () => {
    // No hang-up model: every slot alike, so every call opens at the rule pack's first hour (08:00), no notice.
    const noHang = await latestRun(wh.noOutbound);
    expect(noHang.length).toBeGreaterThan(100);
    expect(noHang.every((r) => r.hangup_risk === 0 && !r.prenotify && r.hour_start === 8)).toBe(true);
    expect(noHang.every((r) => r.reason_codes.includes('NO_HANGUP_MODEL'))).toBe(true);
    expect(noHang.every((r) => !r.reason_codes.includes('HANGUP_WINDOW'))).toBe(true);
    // No delinquency model: zero risk, so no date is pulled forward by a risk budget; the lifecycle bounds decide.
    const noRisk = await latestRun(wh.noRepayments);
    expect(noRisk.length).toBeGreaterThan(100);
    expect(noRisk.every((r) => r.risk_at_due === 0 && r.reason_codes.includes('NO_DELINQUENCY_MODEL'))).toBe(
      true,
    );
    expect(noRisk.some((r) => r.reason_codes.includes('RISK_BUDGET'))).toBe(false);
    expect(noRisk.every((r) => r.hangup_risk > 0)).toBe(true);
  });
});

interface StoredRec {
  hour_start: number;
  hangup_risk: number;
  risk_at_due: number;
  prenotify: boolean;
  reason_codes: string[];
}

/** Recommendations of the latest run in a warehouse (read-only, after the CLI released it). */
function latestRun(path: string): Promise<StoredRec[]> {
  return withWarehouse(
    path,
    (w) =>
      w.all<StoredRec>(
        `SELECT hour_start, hangup_risk, risk_at_due, prenotify, reason_codes FROM recommendations
         WHERE run_id = (SELECT run_id FROM recommendation_runs ORDER BY created_at DESC LIMIT 1)`,
      ),
    { readOnly: true },
  );
}

describe('fallback cards and champions', () => {
  it('a champion from an earlier run wins over a new fallback; a trained model removes the card', () => {
    // models-noRepayments: a hang-up champion and the delinquency fallback card (from the tests above).
    const models = join(dir, 'models-noRepayments');
    const hang = train(wh.noOutbound, models, ['--only', 'hangup']);
    expect(hang.code, hang.stderr).toBe(0);
    const champion = readFileSync(join(models, 'hangup', 'champion'), 'utf8');
    expect(hang.summary!.fallbacks).toMatchObject([
      { name: 'hangup', champion: JSON.parse(champion).version },
    ]);
    expect(hang.stderr).toContain('stays in use');
    const del = train(wh.noOutbound, models, ['--only', 'delinquency']);
    expect(del.code, del.stderr).toBe(0);
    expect(existsSync(join(models, 'delinquency', 'fallback.json'))).toBe(false);
    const r = recommend(wh.noOutbound, models);
    expect(r.summary.models.hangup).toBe(JSON.parse(champion).version);
    expect(r.summary.models.delinquency).toBe(del.summary!.models[0]!.version);
    expect(r.stderr).not.toContain('fallback');
  }, 300_000);
});

describe('train refuses with a typed error (exit 2), before any fit', () => {
  it('one outcome class among the outbound calls', () => {
    const t = train(wh.oneClass, join(dir, 'models-oneClass'));
    expect(t.code).toBe(2);
    const err = JSON.parse(t.stderr.trim().split('\n').at(-1)!);
    expect(err).toMatchObject({
      error: 'E_INSUFFICIENT_DATA',
      missing: 'hang-ups (outcome hung_up or refused)',
    });
    expect(err.message).toMatch(/all \d+ outbound phone attempts have the same outcome/);
    // Checked before the delinquency network was fitted: nothing was saved.
    expect(existsSync(join(dir, 'models-oneClass', 'delinquency'))).toBe(false);
  }, 300_000);

  it('one month of calls with --period month', () => {
    const t = train(wh.oneMonth, join(dir, 'models-month'), ['--only', 'hangup', '--period', 'month']);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/needs at least 3 as-of months; found [12]/);
    expect(t.stderr).toContain('pass --period week');
  }, 300_000);
});

describe('interrupting train', () => {
  it('stops within 5 s of SIGTERM with exit 143 and releases the warehouse lock', async () => {
    const models = join(dir, 'models-sigterm');
    const child = spawn(
      process.execPath,
      [CLI, 'train', '--warehouse', wh.noRepayments, '--models', models, '--only', 'hangup', '--json'],
      { cwd: ROOT, env: { ...process.env, TZ: 'UTC', FOLLOWUP_NOW: '2026-01-05T00:00:00Z' } },
    );
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (stderr.includes('"msg":"training"')) resolve();
      });
      child.on('exit', () => reject(new Error(`train ended before training:\n${stderr}`)));
    });
    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(code).toBe(143);
    expect(stderr).toContain('E_INTERRUPTED');
    expect(existsSync(`${wh.noRepayments}.lock`)).toBe(false);
    expect(existsSync(join(models, 'hangup', 'champion'))).toBe(false);
  }, 300_000);
});
