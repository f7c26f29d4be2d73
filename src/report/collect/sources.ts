/**
 * Where the model sections' figures come from. This warehouse's own eval_predictions and score_population come
 * first. A model with no matured rows of the split in it (or no training population) is read from the files its
 * version saved in the registry at training (warehouse/report-inputs.ts REGISTRY_FILES): a bank trains on a sample
 * warehouse and reports on the whole book every morning, whose predictions have not matured yet. The version read
 * is the one the described run used, else the model's champion.
 *
 * Two temp views hold what the collectors read, the warehouse's rows and the registry's side by side:
 *   report_eval         ← eval_predictions (models found there) ∪ <version>/eval_predictions.parquet (the rest)
 *   report_population   ← score_population (models with a training population there) ∪
 *                         <version>/train_population.parquet (their training population; scored stays here)
 * and WoE/IV reads the delinquency version's woe_population.parquet when this warehouse has no feature snapshot.
 * Reads: eval_predictions, score_population, models/<name>/champion, <version>/card.json and the Parquet files.
 * Writes: the two temp views (a read-only warehouse takes temp objects).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { trainingRowsSql } from '../../features/training-rows.ts';
import { championVersion } from '../../models/registry.ts';
import { cardIfAny } from '../../models/versions.ts';
import { literal, type Warehouse } from '../../warehouse/db.ts';
import { tableExists } from '../../warehouse/introspect.ts';
import { REGISTRY_FILES } from '../../warehouse/report-inputs.ts';
import type { FigureSource, RunInfo } from '../types.ts';

/** What the model collectors read: a relation (or null when there is none) and where its rows come from. */
export interface ModelInputs {
  /** Relation of evaluation predictions (eval_predictions' columns); null when neither source has any. */
  eval: string | null;
  /** Relation of score populations (score_population's columns); null when neither source has any. */
  population: string | null;
  /** The registry's copy of the delinquency model's training rows for WoE/IV; null: this warehouse's own. */
  woe: string | null;
  sources: { performance: FigureSource[]; stability: FigureSource[]; woe: FigureSource[] };
}

/** One model version in the registry and its saved report inputs. */
interface Saved {
  model: string;
  version: string;
  trainedAt: string | null;
  predictions?: string;
  population?: string;
  woe?: string;
}

export async function collectModelInputs(
  w: Warehouse,
  opts: { split: string; modelsDir?: string; run?: RunInfo },
): Promise<ModelInputs> {
  const hasEval = await tableExists(w, 'eval_predictions');
  const hasPop = await tableExists(w, 'score_population');
  const matured = hasEval
    ? await names(w, 'SELECT DISTINCT model FROM eval_predictions WHERE split = ? AND y IS NOT NULL', [
        opts.split,
      ])
    : [];
  const trained = hasPop
    ? await names(w, "SELECT DISTINCT model FROM score_population WHERE population = 'train'", [])
    : [];
  const saved = opts.modelsDir ? await registry(opts.modelsDir, opts.run) : [];
  const evalFrom = saved.filter((s) => s.predictions && !matured.includes(s.model));
  const popFrom = saved.filter((s) => s.population && !trained.includes(s.model));
  // WoE/IV describes the delinquency model's training rows: this warehouse's snapshot, else the saved copy.
  const snapshot = 'sql' in (await trainingRowsSql(w));
  const woeFrom = snapshot ? undefined : saved.find((s) => s.model === 'delinquency' && s.woe);
  const fromRegistry = (s: Saved): FigureSource => ({
    model: s.model,
    from: 'registry',
    version: s.version,
    trained_at: s.trainedAt,
  });
  const fromWarehouse = (model: string): FigureSource => ({
    model,
    from: 'warehouse',
    version: null,
    trained_at: null,
  });
  return {
    eval: await union(w, 'report_eval', hasEval ? 'eval_predictions' : null, evalFrom, 'predictions'),
    // Only the training population comes from the registry: the scored one is this warehouse's.
    population: await union(
      w,
      'report_population',
      hasPop ? 'score_population' : null,
      popFrom,
      'population',
    ),
    woe: woeFrom?.woe ?? null,
    sources: {
      performance: [...matured.map(fromWarehouse), ...evalFrom.map(fromRegistry)].sort(byModel),
      stability: [...trained.map(fromWarehouse), ...popFrom.map(fromRegistry)].sort(byModel),
      woe: woeFrom ? [fromRegistry(woeFrom)] : snapshot ? [fromWarehouse('delinquency')] : [],
    },
  };
}

const byModel = (a: FigureSource, b: FigureSource) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0);

async function names(w: Warehouse, sql: string, params: string[]): Promise<string[]> {
  return (await w.all<{ model: string }>(sql, params)).map((r) => r.model).sort();
}

/**
 * Temp view `name`: the warehouse table's rows but those the registry's files replace (a model's predictions, or
 * its training population), and those files (BY NAME: an older warehouse's table may lack a later column). Null
 * when there is nothing.
 */
async function union(
  w: Warehouse,
  name: string,
  table: string | null,
  saved: Saved[],
  file: 'predictions' | 'population',
): Promise<string | null> {
  if (!table && saved.length === 0) return null;
  const parts: string[] = [];
  if (table) {
    const replaced = `model IN (${saved.map((s) => literal(s.model)).join(', ')})${file === 'population' ? " AND population = 'train'" : ''}`;
    parts.push(`SELECT * FROM ${table}${saved.length ? ` WHERE NOT (${replaced})` : ''}`);
  }
  for (const s of saved) parts.push(`SELECT * FROM read_parquet(${literal(s[file] as string)})`);
  // Paths and names from the registry enter as quoted literals: nothing here is SQL from a file's contents.
  await w.run(`CREATE OR REPLACE TEMP VIEW ${name} AS ${parts.join(' UNION ALL BY NAME ')}`);
  return name;
}

/**
 * Model versions of the registry with their saved report inputs: per model folder (baselines aside), the version
 * the run used when the registry holds it, else the champion.
 */
async function registry(root: string, run: RunInfo | undefined): Promise<Saved[]> {
  if (!existsSync(root)) return [];
  const used: Record<string, string | undefined> = {
    delinquency: run?.delinquency_model,
    hangup: run?.hangup_model,
  };
  const out: Saved[] = [];
  for (const d of readdirSync(root, { withFileTypes: true })) {
    if (!d.isDirectory() || d.name.startsWith('.') || d.name.endsWith('-baseline')) continue;
    const model = d.name;
    const runVersion = used[model];
    const version =
      runVersion && existsSync(join(root, model, runVersion, 'card.json'))
        ? runVersion
        : await championVersion(root, model);
    if (!version) continue;
    const dir = join(root, model, version);
    const file = (f: string) => (existsSync(join(dir, f)) ? join(dir, f) : undefined);
    const predictions = file(REGISTRY_FILES.predictions);
    const population = file(REGISTRY_FILES.population);
    const woe = file(REGISTRY_FILES.woe);
    if (!predictions && !population && !woe) continue;
    out.push({
      model,
      version,
      trainedAt: (await cardIfAny(join(dir, 'card.json')))?.createdAt ?? null,
      ...(predictions ? { predictions } : {}),
      ...(population ? { population } : {}),
      ...(woe ? { woe } : {}),
    });
  }
  return out.sort((a, b) => (a.model < b.model ? -1 : 1));
}
