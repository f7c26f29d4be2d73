/**
 * Kills at every stage (issue 16, deliverable 5), part 2: `export` to CSV, JSON Lines, Parquet and iCalendar
 * through the REAL CLI, SIGKILLed while its temp file is being written (or as it planned) and SIGTERMed after it
 * planned. After each kill the warehouse (exports, export_ledger) is exactly as before or as a complete export
 * leaves it, the target is absent or complete and reads back (CSV, JSON Lines and Parquet through DuckDB,
 * iCalendar through node-ical), a temp file a kill left is removed by the re-run, and the re-run ends where an
 * uninterrupted export ends. An export that completed before the signal records itself again when re-run, so
 * that re-run is compared with a second export.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ical from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withWarehouse } from '../../src/warehouse/db.ts';
import {
  buildWorld,
  type KillSpec,
  type Observed,
  printObserved,
  stageUnderKill,
  type World,
} from './kill-harness.ts';

let world: World;
const observed: Observed[] = [];

beforeAll(async () => {
  world = await buildWorld();
}, 300_000);

afterAll(() => printObserved(observed));

/** Rows of a file through DuckDB's own reader (`read_csv`, `read_json`, `read_parquet`). */
const duckRows = (reader: string) => async (path: string) =>
  withWarehouse(':memory:', async (m) => {
    const r = await m.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${reader}('${path}')`);
    return Number(r?.n ?? 0);
  });

const FORMATS = [
  { format: 'csv', file: 'dialer.csv', rows: duckRows('read_csv') },
  { format: 'jsonl', file: 'followups.jsonl', rows: duckRows('read_json') },
  { format: 'parquet', file: 'followups.parquet', rows: duckRows('read_parquet') },
  {
    format: 'ics',
    file: 'followups.ics',
    rows: async (path: string) =>
      Object.values(ical.sync.parseICS(readFileSync(path, 'utf8'))).filter((c) => c?.type === 'VEVENT')
        .length,
  },
] as const;

const ON_TEMP: KillSpec = {
  signal: 'SIGKILL',
  label: 'when its temp file appears',
  trigger: (out) => ({ appears: { dir: out, name: /\.tmp$/ }, afterMs: 0 }),
};
const ON_PLAN: KillSpec = {
  signal: 'SIGKILL',
  label: 'on "export planned"',
  trigger: () => ({ line: '"msg":"export planned"', afterMs: 0 }),
};
const TERM: KillSpec = {
  signal: 'SIGTERM',
  label: 'on "export planned"',
  trigger: () => ({ line: '"msg":"export planned"', afterMs: 0 }),
};

/**
 * SIGKILL while the temp file is written (JSON Lines, written in a blink, as it plans: its temp file's appearance
 * came after the COMMIT), SIGTERM after the plan — all before the COMMIT (kill-harness.ts says why no SIGKILL is
 * aimed after it).
 */
const KILLS: Record<string, KillSpec[]> = {
  csv: [ON_TEMP, TERM],
  jsonl: [ON_PLAN, TERM],
  parquet: [ON_TEMP, TERM],
  ics: [ON_TEMP, TERM],
};

describe.each(FORMATS)('export --format $format killed', ({ format, file, rows }) => {
  let stage: Awaited<ReturnType<typeof stageUnderKill>>;
  beforeAll(async () => {
    stage = await stageUnderKill({
      name: `export ${format}`,
      base: world.planned,
      args: (wh, out) => [
        'export',
        '--warehouse',
        wh,
        '--format',
        format,
        '--out',
        join(out, file),
        '--json',
      ],
      page: file,
      idempotent: false,
      readBack: (out) => rows(join(out, file)),
    });
  }, 300_000);

  it('an uninterrupted export writes the file and records itself', async () => {
    expect(stage.before.tables.exports).toBeUndefined();
    expect(stage.reference.tables.exports).toMatch(/^1:/);
    expect(stage.reference.tables.export_ledger).toMatch(/^13\d:/);
  });

  it.each(KILLS[format] ?? [])('$signal $label', async (k) => {
    observed.push(await stage.kill(k));
  });
});
