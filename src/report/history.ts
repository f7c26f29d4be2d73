/**
 * The report's history sections, collected ahead of the rest: model performance, WoE/IV, vintages and roll rates,
 * hang-ups. They read the book's history (loans, repayments, contacts), the evaluation and training rows and the
 * registry — nothing a recommendation run writes — so a daily pipeline collects them beside recommend and the
 * report after it reuses them (pipelines/daily-score.yaml: report-history).
 *
 *   collectHistory ──► report-history.json { key, sections }
 *   collectReport(…, history) ──► key of now = key of the file ? its sections : collected again (and says why)
 *
 * The key is what the sections were computed from: the options that shape them, the model versions and files
 * they read (sources), the code version, and each table's row count with the sum of its rows' hashes (2.2 s over
 * the 30 M rows of a million-borrower book). Any difference, and the sections are collected again.
 */
import { readFileSync } from 'node:fs';
import { BadInputError } from '../core/errors.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { tableExists } from '../warehouse/introspect.ts';
import { collectHangups } from './collect/hangups.ts';
import { collectPerformance } from './collect/performance.ts';
import type { ModelInputs } from './collect/sources.ts';
import { followupVersion } from './collect/versions.ts';
import { collectVintage } from './collect/vintage.ts';
import { collectWoe } from './collect/woe.ts';
import type { FigureSource, Lang, ReportData } from './types.ts';

/** File name of the history sections in a report's folder. */
export const HISTORY_FILE = 'report-history.json';
const KIND = 'followup-report-history';

/** Tables the history sections read. */
const HISTORY_TABLES = ['loans', 'repayments', 'contacts', 'eval_predictions', 'features_snapshot'] as const;

export type HistorySections = Pick<ReportData, 'performance' | 'woe' | 'vintage' | 'hangups'>;

/** Options that change the history sections. */
export interface HistoryOptions {
  lang: Lang;
  split: string;
  prenotifyHours?: number;
  hangupModel?: string;
}

export interface HistoryKey {
  code: string;
  options: { lang: Lang; split: string; prenotify_hours: number | null; hangup_model: string | null };
  sources: { performance: FigureSource[]; woe: FigureSource[] };
  /** Per table: `<rows>:<sum of row hashes>`, or null when the table does not exist. */
  tables: Record<string, string | null>;
}

export interface ReportHistory {
  kind: typeof KIND;
  version: 1;
  generated_at: string;
  key: HistoryKey;
  sections: HistorySections;
}

/** Whether a report used a history file: null when none was given. */
export type HistoryUse = null | { reused: true } | { reused: false; why: string };

export async function historyKey(w: Warehouse, o: HistoryOptions, inputs: ModelInputs): Promise<HistoryKey> {
  const tables: Record<string, string | null> = {};
  for (const t of HISTORY_TABLES) {
    if (!(await tableExists(w, t))) {
      tables[t] = null;
      continue;
    }
    // sum, not bit_xor: two equal rows would cancel out of a XOR.
    const r = await w.one<{ n: bigint; h: bigint | null }>(
      `SELECT count(*) AS n, sum(hash(x)) AS h FROM ${t} x`,
    );
    tables[t] = `${r?.n ?? 0n}:${r?.h ?? 0n}`;
  }
  return {
    code: followupVersion(),
    options: {
      lang: o.lang,
      split: o.split,
      prenotify_hours: o.prenotifyHours ?? null,
      hangup_model: o.hangupModel ?? null,
    },
    sources: { performance: inputs.sources.performance, woe: inputs.sources.woe },
    tables,
  };
}

/** The history sections, from model inputs collected on the same connection (their temp views). */
export async function collectHistorySections(
  w: Warehouse,
  o: HistoryOptions,
  inputs: ModelInputs,
): Promise<HistorySections> {
  return {
    performance: await collectPerformance(w, { split: o.split, lang: o.lang, from: inputs.eval }),
    woe: await collectWoe(w, inputs.woe),
    vintage: await collectVintage(w),
    hangups: await collectHangups(w, {
      ...(o.prenotifyHours === undefined ? {} : { prenotifyHours: o.prenotifyHours }),
      ...(o.hangupModel === undefined ? {} : { hangupModel: o.hangupModel }),
      predictions: inputs.eval,
    }),
  };
}

/** Why `now` differs from the key a history file was collected under, or null when it does not. */
export function keyDifference(was: HistoryKey, now: HistoryKey): string | null {
  if (was.code !== now.code) return `it was collected by followup ${was.code}, this is ${now.code}`;
  for (const [k, v] of Object.entries(now.options)) {
    const before = was.options[k as keyof HistoryKey['options']];
    if (before !== v) return `option ${k} was ${JSON.stringify(before)}, now ${JSON.stringify(v)}`;
  }
  for (const t of new Set([...Object.keys(was.tables), ...Object.keys(now.tables)])) {
    if (was.tables[t] === now.tables[t]) continue;
    return now.tables[t] === null
      ? `table ${t} no longer exists`
      : was.tables[t] === null || was.tables[t] === undefined
        ? `table ${t} did not exist then`
        : `table ${t} changed (rows:hash ${was.tables[t]} then, ${now.tables[t]} now)`;
  }
  for (const part of ['performance', 'woe'] as const) {
    const a = JSON.stringify(was.sources[part]);
    const b = JSON.stringify(now.sources[part]);
    if (a !== b)
      return `the ${part} figures came from ${describe(was.sources[part])}, now from ${describe(now.sources[part])}`;
  }
  return null;
}

const describe = (s: FigureSource[]) =>
  s.length ? s.map((f) => `${f.model} ${f.from}${f.version ? ` ${f.version}` : ''}`).join(', ') : 'nowhere';

/** Reads a history file; a file that is not one is bad input, named with what was expected and found. */
export function readHistory(path: string): ReportHistory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BadInputError(`report history: cannot read the file (${(e as Error).message})`, {
      place: { file: path },
      hint: `expected the ${HISTORY_FILE} a report with part: history wrote`,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new BadInputError(
      `report history: expected JSON; found text that does not parse (${(e as Error).message})`,
      {
        place: { file: path },
      },
    );
  }
  const h = value as Partial<ReportHistory> | null;
  const found = (x: unknown) => JSON.stringify(x)?.slice(0, 80) ?? 'nothing';
  if (h === null || typeof h !== 'object' || h.kind !== KIND)
    throw new BadInputError(`report history: expected "kind": "${KIND}"; found ${found(h?.kind)}`, {
      place: { file: path },
    });
  if (h.version !== 1)
    throw new BadInputError(`report history: expected "version": 1; found ${found(h.version)}`, {
      place: { file: path },
    });
  for (const field of ['key', 'sections'] as const)
    if (typeof h[field] !== 'object' || h[field] === null)
      throw new BadInputError(`report history: expected an object "${field}"; found ${found(h[field])}`, {
        place: { file: path },
      });
  const key = h.key as Partial<HistoryKey>;
  if (typeof key.code !== 'string')
    throw new BadInputError(`report history: expected a string "key.code"; found ${found(key.code)}`, {
      place: { file: path },
    });
  for (const field of ['options', 'sources', 'tables'] as const)
    if (typeof key[field] !== 'object' || key[field] === null)
      throw new BadInputError(
        `report history: expected an object "key.${field}"; found ${found(key[field])}`,
        {
          place: { file: path },
        },
      );
  for (const s of ['performance', 'woe', 'vintage', 'hangups'] as const)
    if (typeof h.sections![s]?.ok !== 'boolean')
      throw new BadInputError(
        `report history: expected section "${s}" with "ok"; found ${found(h.sections![s])}`,
        {
          place: { file: path },
        },
      );
  return h as ReportHistory;
}

export function historyRecord(
  generatedAt: string,
  key: HistoryKey,
  sections: HistorySections,
): ReportHistory {
  return { kind: KIND, version: 1, generated_at: generatedAt, key, sections };
}
