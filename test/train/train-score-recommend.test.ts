/**
 * The wired stages on a small generated world: ingest → train (both models + baselines) → score → recommend,
 * in process and once through the real CLI. Checks what each stage wrote, and that the same inputs give the
 * same model versions and the same recommendation run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { InterruptedError } from '../../src/core/errors.ts';
import { type Logger, memoryLogger, silentLogger } from '../../src/core/log.ts';
import { mulberry32 } from '../../src/core/prng.ts';
import { hangupManifest, snapshotManifest } from '../../src/features/index.ts';
import { runGenerate } from '../../src/generate/index.ts';
import { runIngest } from '../../src/ingest/index.ts';
import { championVersion, explain, loadModel, predictHangup } from '../../src/models/index.ts';
import { plannerLoans, stagePlannerView } from '../../src/recommend/io/planner-loans.ts';
import { preparePlanning } from '../../src/recommend/io/planning.ts';
import { slotBatchTable, slotScorer } from '../../src/recommend/io/slot-scorer.ts';
import { runRecommend } from '../../src/recommend/run.ts';
import { finishScores, predictLoans, scoreLoans } from '../../src/score/run.ts';
import { runTrain, type TrainedEntry } from '../../src/train/run.ts';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';

const clock = fixedClock('2026-01-05T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'followup-ops-'));
const world = join(dir, 'world');
const models = join(dir, 'models');
const whPath = join(dir, 'wh.duckdb');
const AS_OF = '2024-12-31';
let w: Warehouse;
let trained: TrainedEntry[];

const n = (v: unknown) => Number(v);

beforeAll(async () => {
  await runGenerate({ out: world, borrowers: 800, months: 24, seed: 11, start: '2023-01-01' }, silentLogger);
  w = await openWarehouse(whPath);
  await runIngest(w, { paths: [world] }, { log: silentLogger, clock });
  trained = await runTrain(
    w,
    { modelsDir: models, delinquency: { epochs: 15, seed: 3 }, hangup: { epochs: 15, seed: 3 } },
    silentLogger,
    clock,
  );
}, 300_000);

afterAll(() => w?.close());

describe('train', () => {
  it('saves network and baseline of both models with cards, evaluations and champions', async () => {
    expect(trained.map((t) => t.name)).toEqual(['delinquency', 'hangup']);
    for (const t of trained) {
      const card = JSON.parse(readFileSync(join(t.dir, 'card.json'), 'utf8'));
      expect(['tensorflow', 'wasm', 'cpu']).toContain(card.training.backend);
      expect(card.training.backend).toBe(t.backend);
      expect(card.manifestHash).toMatch(/^[0-9a-f]{64}$/);
      // The prior-shift check ran on the latest validation month: reported, not applied (the default).
      const shift = card.calibration_shift;
      expect(shift.period).toBe(t.window.valid.at(-1)!.slice(0, 7));
      expect(shift.applied).toBe(false);
      expect(shift.delta.length).toBe(card.outputs);
      const cal = JSON.parse(readFileSync(join(t.dir, 'calibration.json'), 'utf8'));
      expect(cal.shift).toEqual(shift);
      const md = readFileSync(join(t.dir, 'card.md'), 'utf8');
      expect(md).toContain(`| prior shift on ${shift.period}`);
      // The test period's calibration, Platt alone and with that shift, on the card and in the summary.
      const ct = card.calibration_test;
      expect(ct.period).toBe(`${t.window.test[0]} … ${t.window.test.at(-1)}`);
      expect(ct.rows.length).toBe(card.outputs);
      expect(ct.rows.every((n: number) => n > 0)).toBe(true);
      expect(ct.used).toBe('platt');
      expect(ct.prior_shift.delta).toEqual(shift.delta);
      expect(t.calibration_test).toEqual(ct);
      expect(md).toContain(`## Calibration on the test period (${ct.period})`);
      expect(existsSync(join(t.dir, 'evaluation.json'))).toBe(true);
      expect(existsSync(join(models, `${t.name}-baseline`, t.version, 'card.json'))).toBe(true);
      // Champion by validation: the served model is never worse than its baseline on the validation period,
      // and its card says which of the two it is and why.
      const base = JSON.parse(
        readFileSync(join(models, `${t.name}-baseline`, t.version, 'card.json'), 'utf8'),
      );
      expect(card.selection).toEqual(t.selection);
      expect(card.arch).toBe(t.champion === 'network' ? 'mlp' : 'logistic');
      expect(card.training.validLogLoss).toBeLessThanOrEqual(base.training.validLogLoss);
      expect(t.selection.baseline).toBe(base.training.validLogLoss);
      expect(md).toContain('## Champion by validation');
      expect(md).toContain(t.selection.reason);
      expect(await championVersion(models, t.name)).toBe(t.version);
      // Out of time: every training month precedes every validation month, which precedes every test month.
      expect(t.window.train.at(-1)! < t.window.valid[0]!).toBe(true);
      expect(t.window.valid.at(-1)! < t.window.test[0]!).toBe(true);
      // Discrimination well above chance on the test months (6-month horizon for the hazard model).
      const key = t.name === 'delinquency' ? 'auc_m6' : 'auc';
      for (const v of ['network', 'baseline']) {
        expect(t.test[v]![key]).toBeGreaterThan(0.55);
        expect(t.test[v]![key]).toBeLessThanOrEqual(1);
      }
    }
  });

  it('writes test-period predictions for both variants and every horizon', async () => {
    const rows = await w.all<{ model: string; variant: string; horizon: number; n: bigint }>(
      `SELECT model, variant, horizon, count(*) AS n FROM eval_predictions GROUP BY ALL ORDER BY ALL`,
    );
    const del = rows.filter((r) => r.model === 'delinquency');
    expect(del.map((r) => `${r.variant}:${r.horizon}`)).toEqual([
      ...[1, 2, 3, 4, 5, 6].map((h) => `baseline:${h}`),
      ...[1, 2, 3, 4, 5, 6].map((h) => `network:${h}`),
    ]);
    // Same rows for every horizon and variant: the test period's population.
    expect(new Set(del.map((r) => n(r.n))).size).toBe(1);
    const hang = rows.filter((r) => r.model === 'hangup');
    expect(hang.map((r) => r.variant)).toEqual(['baseline', 'network']);
    expect(hang.every((r) => r.horizon === 0)).toBe(true);
  });

  it('gives the same versions when the same data is trained again', async () => {
    const again = await runTrain(
      w,
      {
        modelsDir: join(dir, 'models-2'),
        delinquency: { epochs: 15, seed: 3 },
        hangup: { epochs: 15, seed: 3 },
      },
      silentLogger,
      clock,
    );
    expect(again.map((t) => t.version)).toEqual(trained.map((t) => t.version));
  }, 300_000);
});

describe('planning beside scoring, and stopping it', () => {
  it('the planner view read on a second connection while scoring equals the view read after scoring on one', async () => {
    const lookback = 60;
    const p = await preparePlanning(
      w,
      { modelsDir: models, asOf: AS_OF, lookbackDays: lookback },
      silentLogger,
    );
    p.dispose();
    const scored = await scoreLoans(w, { modelsDir: models, asOf: AS_OF }, silentLogger);
    const view = await plannerLoans(w, AS_OF, scored, { lookbackDays: lookback });
    expect(p.loans.length).toBeGreaterThan(100);
    expect(p.loans.length).toBe(view.loans.length);
    expect(p.stateRow).toEqual(view.stateRow);
    // Hazards are views of the array scoring filled after the view's queries started: the same numbers.
    expect(p.loans.map((l) => Array.from(l.hazard))).toEqual(view.loans.map((l) => Array.from(l.hazard)));
    expect(p.loans.some((l) => (l.hazard[0] ?? 0) > 0)).toBe(true);
    expect(p.loans).toEqual(view.loans);
    expect(p.loans.filter((l) => l.recent_contacts.length > 0).length).toBeGreaterThan(10);
    expect(p.contactPriors).toEqual(view.contactPriors);
    expect(p.contactPriors?.classes).toBeTruthy();
  });

  it('the planner view staging runs no further query once its caller stops it', async () => {
    const f = await w.fork();
    try {
      const ids = (
        await w.all<{ loan_id: string }>('SELECT loan_id FROM loans ORDER BY loan_id LIMIT 20')
      ).map((r) => r.loan_id);
      await stagePlannerView(f, AS_OF, ids);
      expect(await f.one('SELECT count(*)::INTEGER AS n FROM temp.pv_base')).toEqual({ n: 20 });
      await f.run('DROP TABLE temp.pv_base');
      const stop = new AbortController();
      stop.abort();
      await expect(stagePlannerView(f, AS_OF, ids, { stop: stop.signal })).rejects.toThrow(
        /stopped by its caller/,
      );
      await expect(f.all('SELECT * FROM temp.pv_base')).rejects.toThrow(/pv_base/);
    } finally {
      f.close();
    }
  });

  it('planning stops at its next slot-scoring call once the run is asked to stop', async () => {
    const ac = new AbortController();
    const p = await preparePlanning(
      { ...w, signal: ac.signal },
      { modelsDir: models, asOf: AS_OF, lookbackDays: 60, reasons: false },
      silentLogger,
    );
    try {
      const batch = {
        size: 2,
        loan: Int32Array.from([0, 1]),
        weekday: Uint8Array.from([2, 3]),
        hour: Uint8Array.from([10, 19]),
        channel: new Uint8Array(2),
        prenotified: new Uint8Array(2),
      };
      const before = await p.hangup(batch);
      expect(before[0]).toBeGreaterThan(0);
      ac.abort('SIGTERM');
      await expect(p.hangup(batch)).rejects.toBeInstanceOf(InterruptedError);
    } finally {
      p.dispose();
    }
  });
});

describe('reason codes in a worker thread', () => {
  it('are the texts the calling thread computes, row for row, and are stored as scoreLoans stores them', async () => {
    const inline = await scoreLoans(w, { modelsDir: models, asOf: AS_OF }, silentLogger);
    const stored = await w.all('SELECT * FROM scores WHERE as_of = $1::DATE ORDER BY loan_id', [AS_OF]);
    await w.run('DELETE FROM scores WHERE as_of = $1::DATE', [AS_OF]);
    const p = await predictLoans(w, { modelsDir: models, asOf: AS_OF, reasons: 'aside' }, silentLogger);
    expect(Array.from(p.hazard)).toEqual(Array.from(inline.hazard));
    // The worker reads the feature columns in shared memory, not a copy of them.
    const columns = Object.values(p.state.numeric);
    expect(columns.length).toBeGreaterThan(10);
    for (const c of columns) expect(c.buffer).toBeInstanceOf(SharedArrayBuffer);
    p.begin();
    const aside = await p.reasons;
    expect(aside.length).toBe(inline.state.n);
    expect(aside).toEqual(inline.reasons);
    expect(aside.filter((r) => r.length > 0).length).toBeGreaterThan(inline.state.n / 2);
    expect(p.seconds.reasons).toBeGreaterThan(0);
    // Nothing is written until the second half runs; then the same rows as scoreLoans wrote.
    expect(await w.all('SELECT * FROM scores WHERE as_of = $1::DATE', [AS_OF])).toEqual([]);
    const done = await finishScores(w, AS_OF, p, silentLogger);
    expect(done.reasons).toBe(aside);
    expect(await w.all('SELECT * FROM scores WHERE as_of = $1::DATE ORDER BY loan_id', [AS_OF])).toEqual(
      stored,
    );
  });

  it('end when stopped or when the run is asked to stop, and the reasons then reject', async () => {
    const p = await predictLoans(w, { modelsDir: models, asOf: AS_OF, reasons: 'aside' }, silentLogger);
    p.begin();
    await p.stop();
    await expect(p.reasons).rejects.toThrow(/reason-code worker exited .* before it was done/);
    const never = await predictLoans(w, { modelsDir: models, asOf: AS_OF, reasons: 'aside' }, silentLogger);
    await never.stop();
    await expect(never.reasons).rejects.toThrow(/stopped before they started/);
    const ac = new AbortController();
    const q = await predictLoans(
      { ...w, signal: ac.signal },
      { modelsDir: models, asOf: AS_OF, reasons: 'aside' },
      silentLogger,
    );
    q.begin();
    ac.abort('SIGINT');
    const e = await q.reasons.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InterruptedError);
    expect((e as InterruptedError).signal).toBe('SIGINT');
    expect((e as Error).message).toMatch(/while computing reason codes; nothing of this run was written/);
  });
});

describe("recommend's phase log", () => {
  it("says each phase's seconds and the memory: resident, the JavaScript heap, V8's external memory", async () => {
    const log = memoryLogger();
    const r = await runRecommend(w, { modelsDir: models, asOf: AS_OF }, log, clock);
    expect(r.stats.recommendations).toBeGreaterThan(0);
    const phases = log.records.filter((x) => x.fields?.rss_mb !== undefined);
    expect(phases.map((x) => x.msg)).toEqual([
      'recommend: planner view built',
      'recommend: script facts read',
      "recommend: DuckDB's cache dropped",
      'recommend: hang-up scorer ready',
      'recommend: reason codes ready',
      'recommend: planned',
      'recommend: planning memory released',
      'recommend: scores written',
      'recommendations written',
      'recommend: committed',
    ]);
    // The summary's seconds count every phase, the commit included.
    const phaseSeconds = phases.reduce((t, x) => t + (x.fields?.seconds as number), 0);
    expect(r.seconds).toBeGreaterThanOrEqual(phaseSeconds);
    expect(phases.at(-1)?.fields?.seconds).toBeGreaterThan(0);
    // The planning's loans and facts are collected before the scores and the follow-ups are stored: the heap is
    // smaller after it.
    const heapAt = (msg: string) => phases.find((x) => x.msg === msg)?.fields?.heap_mb as number;
    expect(heapAt('recommend: planning memory released')).toBeLessThan(heapAt('recommend: planned'));
    // …and again before the commit (a background compile of the emission loop can hold them at the first).
    for (const msg of ['recommend: planning memory released', 'recommend: scores written'])
      expect(phases.find((x) => x.msg === msg)?.fields?.gc_seconds).toBeGreaterThan(0);
    for (const { fields } of phases) {
      expect(fields?.seconds).toBeGreaterThanOrEqual(0);
      expect(fields?.rss_mb).toBeGreaterThan(fields?.heap_mb as number);
      expect(fields?.heap_mb).toBeGreaterThan(0);
      expect(fields?.external_mb).toBeGreaterThan(0);
    }
  });
});

describe("planning inside the caller's transaction", () => {
  it('leaves it no temp table: DuckDB frees a temp table dropped inside a transaction only when that ends', async () => {
    const inMemory = async () =>
      Number(
        (
          await w.one<{ b: bigint | null }>(
            "SELECT sum(memory_usage_bytes)::BIGINT AS b FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'",
          )
        )?.b ?? 0,
      );
    // Other temp tables of this connection (the ingest's) are not the planning's.
    const before = await inMemory();
    await w.tx(async () => {
      const p = await preparePlanning(
        w,
        { modelsDir: models, asOf: AS_OF, lookbackDays: 60, reasons: 'aside' },
        silentLogger,
      );
      p.dispose();
      expect(p.loans.length).toBeGreaterThan(100);
      // The features' and the planner view's temp tables were built and dropped meanwhile.
      expect(await inMemory()).toBe(before);
    });
  });
});

describe('planner view', () => {
  it("gives each loan its borrower's calls by band, as ICU's local time on every call counts them, shared by the borrower's loans", async () => {
    const scored = await scoreLoans(w, { modelsDir: models, asOf: AS_OF, reasons: false }, silentLogger);
    const { loans } = await plannerLoans(w, AS_OF, scored);
    // The plain formulation: every outbound phone call before the end of the as-of day, its band from ICU's
    // timezone() (weekends 4; weekday hours <12, <14, <18, else), inbound phone/app contacts by the hour alone.
    const rows = await w.all<{
      borrower_id: string;
      band: number;
      n: number;
      hang: number;
      pick: number;
      inb: number;
    }>(
      `WITH c AS (
         SELECT l.borrower_id, c.direction, c.channel, c.outcome, timezone(l.time_zone, c.started_at) AS t
         FROM contacts c JOIN loans l USING (loan_id) WHERE c.started_at < DATE '${AS_OF}' + INTERVAL 1 DAY),
       b AS (
         SELECT borrower_id, outcome, direction,
           CASE WHEN direction = 'outbound' AND isodow(t) >= 6 THEN 4 WHEN hour(t) < 12 THEN 0 WHEN hour(t) < 14 THEN 1
                WHEN hour(t) < 18 THEN 2 ELSE 3 END AS band
         FROM c WHERE (direction = 'outbound' AND channel = 'phone') OR (direction = 'inbound' AND channel IN ('phone', 'app')))
       SELECT borrower_id, band::INTEGER AS band,
         count_if(direction = 'outbound')::INTEGER AS n,
         count_if(direction = 'outbound' AND outcome = 'hung_up')::INTEGER AS hang,
         count_if(direction = 'outbound' AND outcome IN ('answered', 'promise_to_pay', 'hardship', 'refused'))::INTEGER AS pick,
         count_if(direction = 'inbound')::INTEGER AS inb
       FROM b GROUP BY ALL`,
    );
    const want = new Map<string, number[][]>();
    for (const r of rows) {
      const c = want.get(r.borrower_id) ?? [0, 1, 2, 3].map(() => [0, 0, 0, 0, 0]);
      c[0]![r.band] = r.n;
      c[1]![r.band] = r.hang;
      c[2]![r.band] = r.pick;
      c[3]![r.band] = r.inb;
      want.set(r.borrower_id, c);
    }
    let checked = 0;
    const first = new Map<string, unknown>();
    for (const l of loans) {
      const c = l.contact?.counts;
      const expected = want.get(l.borrower_id);
      if (!expected) {
        expect(c?.attempts.some((v) => v > 0) ?? false).toBe(false);
        continue;
      }
      expect([c?.attempts, c?.hangups, c?.pickups, c?.inbound]).toEqual(expected);
      checked++;
      const seen = first.get(l.borrower_id);
      if (seen) expect(c).toBe(seen);
      else first.set(l.borrower_id, c);
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('score and recommend', () => {
  it('leaves no staging file in the temp folder, after a run and after a stopped one', async () => {
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    // Only recommend's files: the reason-code worker, started from the sources, puts tsx's cache there too.
    const staged = () => readdirSync(tmp).filter((f) => f.startsWith('followup-recommend-'));
    try {
      const r = await runRecommend(w, { modelsDir: models, asOf: AS_OF }, silentLogger, clock);
      expect(r.stats.recommendations).toBeGreaterThan(0);
      expect(staged()).toEqual([]);
      // Stopped once the staging file is open: it was there, and is gone after the run ends.
      const ac = new AbortController();
      let during: string[] = [];
      const log: Logger = {
        ...silentLogger,
        info: (msg) => {
          if (msg !== 'recommend: hang-up scorer ready') return;
          during = staged();
          ac.abort('SIGTERM');
        },
      };
      await expect(
        runRecommend({ ...w, signal: ac.signal }, { modelsDir: models, asOf: AS_OF }, log, clock),
      ).rejects.toBeInstanceOf(InterruptedError);
      expect(during).toHaveLength(1);
      expect(during[0]).toMatch(new RegExp(`^followup-recommend-.*\\.ndjson\\.${process.pid}\\.tmp$`));
      expect(staged()).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it('scores every active loan with monotone cumulative risk and reasons', async () => {
    const s = await scoreLoans(w, { modelsDir: models, asOf: AS_OF }, silentLogger);
    const active = await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM scores WHERE as_of = $1::DATE`, [
      AS_OF,
    ]);
    expect(n(active?.n)).toBe(s.state.n);
    expect(s.state.n).toBeGreaterThan(50);
    const bad = await w.one<{ n: bigint }>(
      `SELECT count(*) AS n FROM scores WHERE as_of = $1::DATE AND NOT (risk_3m <= risk_6m + 1e-12 AND risk_3m >= 0
         AND risk_6m <= 1 AND len(hazard) = 6 AND list_min(hazard) >= 0 AND list_max(hazard) <= 1)`,
      [AS_OF],
    );
    expect(n(bad?.n)).toBe(0);
    const withReasons = await w.one<{ n: bigint }>(
      'SELECT count(*) AS n FROM scores WHERE as_of = $1::DATE AND len(reasons) > 0',
      [AS_OF],
    );
    expect(n(withReasons?.n)).toBeGreaterThan(0);
  });

  it('recommends a follow-up with reasons inside its window for active loans, deterministically', async () => {
    const r = await runRecommend(w, { modelsDir: models, asOf: AS_OF }, silentLogger, clock);
    expect(r.stats.recommendations).toBeGreaterThan(0);
    const rows = await w.all<{ loan_id: string; ok: boolean; reasons: string[]; active: boolean }>(
      `SELECT r.loan_id, (r.earliest_on <= r.due_on AND r.due_on <= r.latest_on AND r.due_on > r.as_of) AS ok,
         r.reasons, (l.disbursed_on < r.as_of AND l.maturity_on > r.as_of) AS active
       FROM recommendations r JOIN loans l USING (loan_id) WHERE r.run_id = $1`,
      [r.run_id],
    );
    expect(rows.length).toBe(r.stats.recommendations);
    expect(rows.every((x) => x.ok && x.active && x.reasons.length > 0)).toBe(true);
    const run = await w.one<{ n: bigint; policy_version: string; cap: number | null }>(
      'SELECT n_recommendations AS n, policy_version, capacity_per_day AS cap FROM recommendation_runs WHERE run_id = $1',
      [r.run_id],
    );
    expect(n(run?.n)).toBe(rows.length);
    expect(run?.policy_version).toBe(r.policy_version);
    // The default capacity (auto) derived for this plan is stored with the run (the report draws it).
    expect(r.stats.capacity_daily).toBeGreaterThanOrEqual(10);
    expect(run?.cap).toBe(r.stats.capacity_daily);
    // The by-purpose table (arquero) agrees with the stored rows.
    const sql = await w.all<{ purpose: string; n: bigint; risk: number }>(
      'SELECT purpose, count(*) AS n, avg(risk_at_due) AS risk FROM recommendations WHERE run_id = $1 GROUP BY purpose',
      [r.run_id],
    );
    expect(r.by_purpose.length).toBe(sql.length);
    for (const row of sql) {
      const mine = r.by_purpose.find((b) => b.purpose === row.purpose)!;
      expect(mine.n).toBe(n(row.n));
      expect(mine.mean_risk_at_due).toBeCloseTo(row.risk, 9);
    }
    // The model's drivers (computed in a worker beside the planning) are the ones `followup score` gives the loan.
    const scored = await w.all<{ loan_id: string; reasons: string[] }>(
      'SELECT loan_id, reasons FROM scores WHERE as_of = $1::DATE',
      [AS_OF],
    );
    const drivers = new Map(scored.map((x) => [x.loan_id, x.reasons]));
    const said = rows.filter((x) => x.reasons.some((t) => t.startsWith('main risk drivers: ')));
    expect(said.length).toBeGreaterThan(rows.length / 2);
    for (const x of said)
      expect(x.reasons).toContain(`main risk drivers: ${drivers.get(x.loan_id)!.join('; ')}`);
    const inline = await scoreLoans(w, { modelsDir: models, asOf: AS_OF }, silentLogger);
    expect(new Map(inline.state.keys.loan_id.map((id, i) => [id, inline.reasons[i]]))).toEqual(drivers);
    // Same inputs, same run: the run id is a content hash and the rows are replaced, not duplicated.
    const again = await runRecommend(w, { modelsDir: models, asOf: AS_OF }, silentLogger, clock);
    expect(again.run_id).toBe(r.run_id);
    const count = await w.one<{ n: bigint }>('SELECT count(*) AS n FROM recommendations WHERE run_id = $1', [
      r.run_id,
    ]);
    expect(n(count?.n)).toBe(rows.length);
  });

  it('the factored pair scorer gives the same probabilities as full feature rows, network and baseline', async () => {
    const scored = await scoreLoans(w, { modelsDir: models, asOf: AS_OF, reasons: false }, silentLogger);
    const { loans, stateRow } = await plannerLoans(w, AS_OF, scored);
    const rand = mulberry32(5);
    const size = 5000;
    const batch = {
      size,
      loan: Int32Array.from({ length: size }, () => Math.floor(rand() * loans.length)),
      weekday: Uint8Array.from({ length: size }, () => 1 + Math.floor(rand() * 7)),
      hour: Uint8Array.from({ length: size }, () => 8 + Math.floor(rand() * 13)),
      channel: Uint8Array.from({ length: size }, () => (rand() < 0.8 ? 0 : 3)),
      prenotified: Uint8Array.from({ length: size }, () => (rand() < 0.3 ? 1 : 0)),
    };
    // One planner loan without a state row: its features are all missing on both paths.
    const rows = Int32Array.from(stateRow);
    rows[batch.loan[0]!] = -1;
    for (const name of ['hangup', 'hangup-baseline']) {
      const version = (await championVersion(models, 'hangup'))!;
      const model = await loadModel(join(models, name, version), hangupManifest());
      const full = predictHangup(model, slotBatchTable(scored.state, rows, batch));
      const s = slotScorer(model, scored.state, rows);
      expect(s.factored).toBe(true);
      const fast = await s.score(batch);
      s.dispose();
      let worst = 0;
      for (let j = 0; j < size; j++) worst = Math.max(worst, Math.abs(fast[j]! - full[j]!));
      expect(worst).toBeLessThan(1e-5);
      // The probabilities vary with the slot: the comparison is not between constants.
      expect(Math.max(...full) - Math.min(...full)).toBeGreaterThan(0.01);
    }
  });

  it('reason codes from the first layer equal one full prediction per feature', async () => {
    const scored = await scoreLoans(w, { modelsDir: models, asOf: AS_OF, reasons: false }, silentLogger);
    const version = (await championVersion(models, 'delinquency'))!;
    for (const name of ['delinquency', 'delinquency-baseline']) {
      const model = await loadModel(join(models, name, version), snapshotManifest());
      const fast = explain(model, scored.state, 5);
      const slow = explain(model, scored.state, 5, 'perturb');
      expect(fast.length).toBe(scored.state.n);
      expect(fast.filter((r) => r.length > 0).length).toBeGreaterThan(scored.state.n / 2);
      let worst = 0;
      for (const [i, rs] of fast.entries()) {
        for (const [j, r] of rs.entries()) {
          // Equal deltas; the order may differ only where two features raise the risk equally.
          const other = slow[i]!.find((s) => s.feature === r.feature);
          worst = Math.max(worst, Math.abs(r.delta - (other?.delta ?? slow[i]![j]!.delta)));
        }
      }
      expect(worst).toBeLessThan(1e-5);
      expect(fast.map((rs) => rs.map((r) => r.text))).toEqual(slow.map((rs) => rs.map((r) => r.text)));
    }
  });

  it('runs through the real CLI with the same result', () => {
    w.close();
    const out = execFileSync(
      process.execPath,
      [
        'src/cli/followup.mjs',
        'recommend',
        '--warehouse',
        whPath,
        '--models',
        models,
        '--as-of',
        AS_OF,
        '--json',
      ],
      { encoding: 'utf8', env: { ...process.env, FOLLOWUP_LOG_LEVEL: 'warn' } },
    );
    const summary = JSON.parse(out);
    expect(summary.run_id).toMatch(/^rec-2024-12-31-[0-9a-f]{10}$/);
    expect(summary.stats.recommendations).toBeGreaterThan(0);
    expect(summary.models.delinquency).toBe(trained[0]!.version);
  });
});
