/**
 * Steps that run at the same time (`needs`): a step starts once the steps it needs are done, beside others whose
 * needs are done too, each on a connection of its own with its own transaction; after a failure no further step
 * starts and the run fails with the first failed step in file order. The file is checked when loaded: a step
 * needs earlier steps only, and refers only to outputs of steps it waits for.
 *
 * The stages here are the test's own (runPipeline takes any stage table) and write real DuckDB tables.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixedClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/log.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { loadPipeline, type PipelineSpec, waitsFor } from '../../src/pipeline/spec.ts';
import { defineStage, type StageDef } from '../../src/pipeline/stage.ts';
import { withWarehouse } from '../../src/warehouse/db.ts';

const dir = mkdtempSync(join(tmpdir(), 'followup-needs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the test stages did, in the order they did it. */
let events: string[] = [];

/**
 * Resolves once `of` steps have arrived at `name`: steps that meet must all be running at once (one after another,
 * the first would wait for ever and the test time out).
 */
const meetings = new Map<string, { arrived: number; all: Promise<void>; open: () => void }>();
function meet(name: string, of: number): Promise<void> {
  let m = meetings.get(name);
  if (!m) {
    let open!: () => void;
    const all = new Promise<void>((r) => {
      open = r;
    });
    m = { arrived: 0, all, open };
    meetings.set(name, m);
  }
  if (++m.arrived === of) m.open();
  return m.all;
}

/**
 * `write`: in a transaction of its step's connection, creates table `t_<step id>` with `rows` rows, waits `ms`
 * (the other steps run meanwhile), then commits — or fails, after writing, with `fail`.
 */
const write = defineStage({
  name: 'write',
  doc: 'test stage',
  reads: [],
  writes: ['table:t_<id>'],
  produces: ['table'],
  params: z.object({
    id: z.string(),
    rows: z.number().default(3),
    ms: z.number().default(0),
    fail: z.string().optional(),
    from: z.string().optional(),
    meet: z.string().optional(),
    of: z.number().default(2),
  }),
  async run(ctx, p) {
    events.push(`start ${p.id}`);
    if (p.meet) await meet(p.meet, p.of);
    await ctx.w.tx(async (w) => {
      // Reads what an earlier step committed, through the name it handed on.
      const base = p.from
        ? Number((await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${p.from}`))!.n)
        : 0;
      await w.run(`CREATE TABLE t_${p.id} AS SELECT range + ${base} AS v FROM range(${p.rows})`);
      await new Promise((r) => setTimeout(r, p.ms));
      if (p.fail) throw new Error(p.fail);
    });
    events.push(`end ${p.id}`);
    return { summary: { rows: p.rows }, produced: { table: `t_${p.id}` } };
  },
});
const STAGES = { write } as Record<string, StageDef<unknown>>;

function spec(stages: PipelineSpec['stages']): PipelineSpec {
  return { name: 'needs', description: 'test', params: {}, stages };
}

const step = (id: string, w: Record<string, unknown>, needs?: string[]) => ({
  id,
  uses: 'write',
  with: { id, ...w },
  when: 'always' as const,
  ...(needs ? { needs } : {}),
});

async function run(name: string, s: PipelineSpec) {
  events = [];
  const workdir = join(dir, name);
  return runPipeline(s, {
    workdir,
    log: silentLogger,
    clock: fixedClock('2026-01-06T06:00:00Z'),
    stages: STAGES,
  });
}

const tables = (name: string) =>
  withWarehouse(
    join(dir, name, 'warehouse.duckdb'),
    (w) =>
      w.all<{ t: string; n: number }>(
        `SELECT table_name AS t, estimated_size::INTEGER AS n FROM duckdb_tables() WHERE table_name LIKE 't\\_%' ESCAPE '\\' ORDER BY 1`,
      ),
    { readOnly: true },
  );

const ledger = (name: string) =>
  withWarehouse(
    join(dir, name, 'warehouse.duckdb'),
    (w) =>
      w.all<{ step_id: string; outcome: string; error: string | null }>(
        'SELECT step_id, outcome, error FROM pipeline_steps ORDER BY step_id',
      ),
    { readOnly: true },
  );

describe('needs', () => {
  it('runs steps whose needs are done at the same time, then the step that needs them, on what they committed', async () => {
    const r = await run(
      'together',
      spec([
        step('a', { rows: 2 }),
        step('b', { rows: 5, ms: 60, from: '${steps.a.table}', meet: 'bc' }, ['a']),
        step('c', { rows: 7, ms: 10, from: '${steps.a.table}', meet: 'bc' }, ['a']),
        step('d', { rows: 1, from: '${steps.b.table}' }, ['b', 'c']),
      ]),
    );
    // b and c both started before either ended (in either order: each first opens its connection); d started
    // after both had ended.
    expect(events.slice(0, 2)).toEqual(['start a', 'end a']);
    expect(events.slice(2, 4).sort()).toEqual(['start b', 'start c']);
    expect(events.slice(4, 6).sort()).toEqual(['end b', 'end c']);
    expect(events.slice(6)).toEqual(['start d', 'end d']);
    // The run's record keeps the file's order, whatever order the steps ended in.
    expect(r.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['a', 'ok'],
      ['b', 'ok'],
      ['c', 'ok'],
      ['d', 'ok'],
    ]);
    expect(await tables('together')).toEqual([
      { t: 't_a', n: 2 },
      { t: 't_b', n: 5 },
      { t: 't_c', n: 7 },
      { t: 't_d', n: 1 },
    ]);
    // b read the 2 rows a committed: its values start at 2; d read b's 5.
    const first = await withWarehouse(
      join(dir, 'together', 'warehouse.duckdb'),
      (w) => w.all('SELECT (SELECT min(v) FROM t_b) AS b, (SELECT min(v) FROM t_d) AS d'),
      { readOnly: true },
    );
    expect(first).toEqual([{ b: 2n, d: 5n }]);
  });

  it('without needs, runs every step after the one before it', async () => {
    await run('sequential', spec([step('a', { ms: 30 }), step('b', {}), step('c', {})]));
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('after a failure starts nothing more, lets the others end, keeps what they committed and fails with the first failed step in file order', async () => {
    const s = spec([
      step('a', {}),
      // b fails last, c fails first: the run names b, the first in the file.
      step('b', { ms: 80, fail: 'b broke', meet: 'bcd', of: 3 }, ['a']),
      step('c', { ms: 0, fail: 'c broke', meet: 'bcd', of: 3 }, ['a']),
      step('d', { ms: 40, meet: 'bcd', of: 3 }, ['a']),
      step('e', {}, ['d']),
    ]);
    await expect(run('failed', s)).rejects.toThrow('b broke');
    // b, c and d ran together (they met); d ended; e never started.
    expect(events.slice(0, 2)).toEqual(['start a', 'end a']);
    expect(events.slice(2).sort()).toEqual(['end d', 'start b', 'start c', 'start d']);
    expect(events.indexOf('end d')).toBeGreaterThan(events.indexOf('start d'));
    // b and c rolled back their own tables; d committed; e never started, though its need (d) was done.
    expect((await tables('failed')).map((t) => t.t)).toEqual(['t_a', 't_d']);
    expect(await ledger('failed')).toEqual([
      { step_id: 'a', outcome: 'ok', error: null },
      { step_id: 'b', outcome: 'failed', error: 'b broke' },
      { step_id: 'c', outcome: 'failed', error: 'c broke' },
      { step_id: 'd', outcome: 'ok', error: null },
    ]);
  });

  it('is checked when the file is loaded: earlier steps only, and outputs only of steps it waits for', async () => {
    const load = (lines: string[]) => {
      const f = join(dir, `p-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(f, ['name: p', 'description: d', 'stages:', ...lines].join('\n'));
      return loadPipeline(f);
    };
    await expect(
      load([
        '  - { id: a, uses: write, with: { id: a } }',
        '  - { id: b, uses: write, needs: [c], with: { id: b } }',
        '  - { id: c, uses: write, with: { id: c } }',
      ]),
    ).rejects.toThrow('stages.b.needs names "c", which is not an earlier step');
    await expect(
      load([
        '  - { id: a, uses: write, with: { id: a } }',
        '  - { id: b, uses: write, needs: [], with: { id: b } }',
        "  - { id: c, uses: write, needs: [b], with: { id: c, from: '${steps.a.table}' } }",
      ]),
    ).rejects.toThrow('stages.c.with refers to ${steps.a.table}, but step "c" does not wait for "a"');
    await expect(
      load([
        '  - { id: a, uses: write, with: { id: a } }',
        '  - { id: b, uses: write, needs: [a], with: { id: b, out: x.csv } }',
        '  - { id: c, uses: write, needs: [a], with: { id: c, out: x.csv } }',
      ]),
    ).rejects.toThrow('stages.b and stages.c may run at the same time and both write out "x.csv"');
    // Through another step counts: c waits for b, which waits for a.
    const ok = await load([
      '  - { id: a, uses: write, with: { id: a } }',
      '  - { id: b, uses: write, needs: [a], with: { id: b } }',
      "  - { id: c, uses: write, needs: [b], with: { id: c, from: '${steps.a.table}' } }",
    ]);
    expect([...waitsFor(ok)].map(([id, up]) => [id, [...up].sort()])).toEqual([
      ['a', []],
      ['b', ['a']],
      ['c', ['a', 'b']],
    ]);
  });

  it('steps side by side that create the same table in their transactions: created first by their prepare', async () => {
    const SHARED = 'CREATE TABLE IF NOT EXISTS shared (step VARCHAR, v INTEGER)';
    const append = (prepared: boolean) =>
      defineStage({
        name: prepared ? 'append' : 'append-unprepared',
        doc: 'test stage',
        reads: [],
        writes: ['table:shared'],
        params: z.object({ id: z.string() }),
        ...(prepared ? { prepare: (w) => w.run(SHARED) } : {}),
        async run(ctx, p) {
          await ctx.w.tx(async (w) => {
            // Both transactions open before either creates the table; then, as the export, recommend and score
            // stages do, each creates it inside its transaction too.
            await meet(`append-${prepared}`, 2);
            await w.run(SHARED);
            await w.run('INSERT INTO shared SELECT $1, range FROM range(3)', [p.id]);
          });
          return { summary: {} };
        },
      });
    const pipeline = (uses: string) =>
      spec([
        { id: 'x', uses, with: { id: 'x' }, when: 'always', needs: [] },
        { id: 'y', uses, with: { id: 'y' }, when: 'always', needs: [] },
      ]);
    const stages = { append: append(true), 'append-unprepared': append(false) } as Record<
      string,
      StageDef<unknown>
    >;
    const go = (name: string, uses: string) =>
      runPipeline(pipeline(uses), {
        workdir: join(dir, name),
        log: silentLogger,
        clock: fixedClock('2026-01-06T06:00:00Z'),
        stages,
      });
    // Without a prepare, the second of the two transactions to create the table is refused by DuckDB.
    await expect(go('unprepared', 'append-unprepared')).rejects.toThrow(/write-write conflict/i);
    await go('prepared', 'append');
    const rows = await withWarehouse(
      join(dir, 'prepared', 'warehouse.duckdb'),
      (w) => w.all('SELECT step, count(*)::INTEGER AS n FROM shared GROUP BY step ORDER BY step'),
      { readOnly: true },
    );
    expect(rows).toEqual([
      { step: 'x', n: 3 },
      { step: 'y', n: 3 },
    ]);
  });

  it('a drift step runs only on drift found by a step it waits for', async () => {
    const monitor = defineStage({
      name: 'monitor',
      doc: 'test stage',
      reads: [],
      writes: [],
      params: z.object({ drift: z.boolean() }),
      async run(_ctx, p) {
        return { summary: {}, drift: p.drift };
      },
    });
    events = [];
    const workdir = join(dir, 'drift');
    const r = await runPipeline(
      spec([
        { id: 'm1', uses: 'monitor', with: { drift: true }, when: 'always' },
        { id: 'm2', uses: 'monitor', with: { drift: false }, when: 'always', needs: [] },
        { id: 'x', uses: 'write', with: { id: 'x' }, when: 'drift', needs: ['m2'] },
        { id: 'y', uses: 'write', with: { id: 'y' }, when: 'drift', needs: ['m1'] },
      ]),
      {
        workdir,
        log: silentLogger,
        clock: fixedClock('2026-01-06T06:00:00Z'),
        stages: { ...STAGES, monitor } as Record<string, StageDef<unknown>>,
      },
    );
    expect(r.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['m1', 'ok'],
      ['m2', 'ok'],
      ['x', 'skipped'],
      ['y', 'ok'],
    ]);
  });
});
