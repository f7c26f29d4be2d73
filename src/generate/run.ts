/**
 * `runGenerate`: writes the synthetic world to CSV.
 *
 *   config ─► market paths (in memory) ─► market.csv
 *          └► for each block of borrowers: borrower → loans → installments + true hazards → contacts
 *               └► loans.csv · repayments.csv · contacts.csv · truth/hazard.csv · truth/hangup.csv ·
 *                  truth/borrowers.csv (streamed)
 *          └► truth/params.json (parameters, seed, downturns)
 *
 * Memory stays flat: only one block of borrowers is held, and each block waits for the streams to drain.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { contacts, loans, market as marketTable, repayments } from '../contract/tables.ts';
import { ymdOf } from '../core/days.ts';
import { BadInputError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import { monthStartDay } from '../core/months.ts';
import type { WorldFrame } from './borrower.ts';
import { type GenerateConfig, resolveConfig } from './config.ts';
import { DEFAULT_PARAMS } from './defaults.ts';
import { buildMarket } from './market.ts';
import type { GeneratorParams } from './params.ts';
import { CsvSink } from './sink.ts';
import { generateBorrower } from './world.ts';

/** Version of the generator's output; bump when the same seed would give different bytes. */
export const GENERATOR_VERSION = 'followup-generate/2';

const CONTACT_ORDER = 'contact_id,loan_id,started_at,channel,direction,purpose,outcome,duration_s,agent_id';

/** The contract tables a generated world holds, one file each (status panels are a lender's shape it does not make). */
export const GENERATED_TABLES = [loans, repayments, contacts, marketTable] as const;

/** Columns of truth/borrowers.csv: the latent contact traits (src/generate/traits.ts) and the temperament. */
export const BORROWER_TRUTH_COLUMNS = [
  'borrower_id',
  'persona',
  'band_08_11',
  'band_12_13',
  'band_14_17',
  'band_18_20',
  'weekend',
  'miss_08_11',
  'miss_12_13',
  'miss_14_17',
  'miss_18_20',
  'miss_weekend',
  'read_sms',
  'read_email',
  'read_app',
  'temperament',
];

/** Borrowers per block between two waits on the output streams. */
const BLOCK = 32;

/** What a run produced. */
export interface GenerateResult {
  /** Output directory. */
  out: string;
  /** Data rows per file, keyed by path relative to `out`. */
  rows: Record<string, number>;
  /** Wall-clock seconds (not part of any file). */
  seconds: number;
  /** Downturns in the market (drawn and forced). */
  downturns: { region: string; from: string; months: number; monthlyFall: number; forced: boolean }[];
}

/** Generates the world described by `input` (see GenerateConfigSchema) into `input.out`. */
export async function runGenerate(
  input: Partial<GenerateConfig> & { out: string },
  log: Logger,
  params: GeneratorParams = DEFAULT_PARAMS,
): Promise<GenerateResult> {
  const t0 = performance.now();
  const cfg = resolveConfig(input);
  const ext = cfg.gzip ? '.csv.gz' : '.csv';
  try {
    await mkdir(join(cfg.out, 'truth'), { recursive: true });
  } catch (cause) {
    throw new BadInputError(`generate: cannot create the output directory ${cfg.out}/truth`, {
      place: { file: cfg.out },
      hint: 'pass --out a directory you can write to',
      cause,
    });
  }
  const market = buildMarket(cfg.seed, params, cfg.startMonth, cfg.endMonth, cfg.forced);
  const frame: WorldFrame = { startDay: cfg.startDay, endDay: cfg.endDay, market, params };
  const cols = (t: { columns: object }) => Object.keys(t.columns);
  // The contacts row is written positionally (hot path); refuse to run if the contract's order ever changes.
  const contactCols = cols(contacts).join(',');
  if (contactCols !== CONTACT_ORDER) throw new Error(`generate: contacts columns changed to ${contactCols}`);
  const sinks = {
    loans: new CsvSink(join(cfg.out, `loans${ext}`), cols(loans), cfg.gzip),
    repayments: new CsvSink(join(cfg.out, `repayments${ext}`), cols(repayments), cfg.gzip),
    contacts: new CsvSink(join(cfg.out, `contacts${ext}`), cols(contacts), cfg.gzip),
    market: new CsvSink(join(cfg.out, `market${ext}`), cols(marketTable), cfg.gzip),
    hazard: new CsvSink(join(cfg.out, 'truth', `hazard${ext}`), ['loan_id', 'month', 'hazard'], cfg.gzip),
    hangup: new CsvSink(join(cfg.out, 'truth', `hangup${ext}`), ['contact_id', 'p_hangup'], cfg.gzip),
    borrowers: new CsvSink(join(cfg.out, 'truth', `borrowers${ext}`), BORROWER_TRUTH_COLUMNS, cfg.gzip),
  };
  log.info('generate: start', { borrowers: cfg.borrowers, months: cfg.months, seed: cfg.seed, out: cfg.out });
  for (const [region, s] of market.regions) {
    for (let i = 0; i < market.months; i++) {
      sinks.market.write({
        region,
        month: ymdOf(monthStartDay(market.firstMonth + i)),
        hpi: s.hpi[i],
        unemployment: s.unemployment[i],
      });
    }
  }
  let contactNo = 0;
  for (let i = 0; i < cfg.borrowers; i++) {
    const slice = generateBorrower(cfg.seed, i, frame);
    for (const l of slice.loans) sinks.loans.write(l);
    const t = slice.borrower.traits;
    sinks.borrowers.writeValues([
      slice.borrower.id,
      t.persona,
      ...t.band.map((x) => x.toFixed(4)),
      t.weekend.toFixed(4),
      ...t.miss.map((x) => x.toFixed(4)),
      t.missWeekend.toFixed(4),
      t.read.sms.toFixed(4),
      t.read.email.toFixed(4),
      t.read.app.toFixed(4),
      slice.borrower.temperament.toFixed(4),
    ]);
    for (const r of slice.repayments) sinks.repayments.write(r);
    for (const h of slice.hazards) sinks.hazard.writeValues([h.loan_id, h.month, h.hazard.toFixed(8)]);
    for (const c of slice.contacts) {
      const id = `C${String(++contactNo).padStart(9, '0')}`;
      const r = c.row;
      sinks.contacts.writeValues([
        id,
        r.loan_id,
        r.started_at,
        r.channel,
        r.direction,
        r.purpose,
        r.outcome,
        r.duration_s,
        r.agent_id,
      ]);
      if (c.pHangup !== null) sinks.hangup.writeValues([id, c.pHangup.toFixed(6)]);
    }
    if ((i + 1) % BLOCK === 0 || i + 1 === cfg.borrowers) {
      await Promise.all(Object.values(sinks).map((s) => s.flush()));
      if ((i + 1) % (BLOCK * 400) === 0) log.info('generate: progress', { borrowers: i + 1 });
    }
  }
  await Promise.all(Object.values(sinks).map((s) => s.close()));
  const truth = {
    generator: GENERATOR_VERSION,
    seed: cfg.seed,
    borrowers: cfg.borrowers,
    months: cfg.months,
    start: cfg.start,
    end: ymdOf(cfg.endDay),
    gzip: cfg.gzip,
    downturnOption: cfg.downturn,
    downturns: market.downturns,
    params,
  };
  await writeFile(join(cfg.out, 'truth', 'params.json'), `${JSON.stringify(truth, null, 2)}\n`);
  const rows: Record<string, number> = {};
  for (const s of Object.values(sinks)) rows[s.path.slice(cfg.out.length).replace(/^[\\/]/, '')] = s.rows;
  const seconds = Math.round((performance.now() - t0) / 10) / 100;
  log.info('generate: done', { seconds, rows });
  return { out: cfg.out, rows, seconds, downturns: market.downturns };
}
