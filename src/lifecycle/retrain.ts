/**
 * `followup retrain`: train a challenger on the latest window, compare it with the champion on the same
 * out-of-time rows, promote only when it is better and no worse calibrated.
 *
 *   keep champion's report inputs ─► runTrain(promote: never) ─► per model: headToHead(champion, challenger)
 *     ─► decide(margin, tolerances) ─► promote (recorded in promotions.jsonl) | restore champion's report inputs
 *
 * runTrain overwrites eval_predictions and the 'train' score_population of each model; when the champion stays,
 * its own rows are put back so the report and `monitor` keep describing the model that actually scores.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import { championVersion } from '../models/index.ts';
import { promoteVersion } from '../models/promotions.ts';
import type { DelinquencyTrainConfig } from '../train/delinquency.ts';
import type { HangupTrainConfig } from '../train/hangup.ts';
import { runTrain } from '../train/run.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { ensureReportInputs } from '../warehouse/report-inputs.ts';
import { DEFAULT_RULE, type DecisionRule, decide, type HeadToHead, headToHead } from './compare.ts';

/** What `retrain` is asked for. */
export interface RetrainConfig {
  /** Registry root. */
  modelsDir: string;
  /** Decision rule; defaults in DEFAULT_RULE. */
  rule?: Partial<DecisionRule>;
  /** Training options of the delinquency challenger, or false to leave that model alone. */
  delinquency?: DelinquencyTrainConfig | false;
  /** Training options of the hang-up challenger, or false. */
  hangup?: HangupTrainConfig | false;
}

/** What happened to one model. */
export interface RetrainOutcome {
  name: 'delinquency' | 'hangup';
  /** Champion before the retrain; null when there was none. */
  champion: string | null;
  /** Version just trained. */
  challenger: string;
  /** True when the challenger is now the champion. */
  promoted: boolean;
  /** `promoted`, `kept`, `identical` (same data and configuration: same version) or `first` (no champion). */
  decision: 'promoted' | 'kept' | 'identical' | 'first';
  /** Why, in words. */
  reasons: string[];
  /** Both models on the same test rows; null when there was nothing to compare. */
  comparison: HeadToHead | null;
  /** Test-period metrics of the challenger's network and baseline, as trained. */
  test: Record<string, Record<string, number>>;
  backend: string;
  /** Challenger months: train, valid, test. */
  window: { train: string[]; valid: string[]; test: string[] };
}

export async function runRetrain(
  w: Warehouse,
  cfg: RetrainConfig,
  log: Logger,
  clock: Clock,
): Promise<RetrainOutcome[]> {
  const rule = { ...DEFAULT_RULE, ...cfg.rule };
  const names = (['delinquency', 'hangup'] as const).filter((n) => cfg[n] !== false);
  const before = new Map<string, string | undefined>();
  for (const n of names) before.set(n, await championVersion(cfg.modelsDir, n));
  await keepReportInputs(w, names);
  const entries = await runTrain(
    w,
    {
      modelsDir: cfg.modelsDir,
      promote: 'never',
      delinquency: cfg.delinquency ?? {},
      hangup: cfg.hangup ?? {},
    },
    log,
    clock,
  );
  const out: RetrainOutcome[] = [];
  for (const e of entries) {
    const name = e.name as RetrainOutcome['name'];
    const champion = before.get(name) ?? null;
    const base = {
      name,
      champion,
      challenger: e.version,
      test: e.test,
      backend: e.backend,
      window: { train: e.window.train, valid: e.window.valid, test: e.window.test },
    };
    let o: RetrainOutcome;
    if (champion === null) {
      o = { ...base, promoted: true, decision: 'first', reasons: ['no champion yet'], comparison: null };
    } else if (champion === e.version) {
      o = {
        ...base,
        promoted: false,
        decision: 'identical',
        reasons: ['the challenger is the champion: same data and configuration give the same version'],
        comparison: null,
      };
    } else {
      const comparison = await headToHead(
        w,
        cfg.modelsDir,
        name,
        { champion, challenger: e.version },
        e.window.test[0]!,
      );
      const d = decide(comparison, rule);
      o = {
        ...base,
        promoted: d.promote,
        decision: d.promote ? 'promoted' : 'kept',
        reasons: d.reasons,
        comparison,
      };
      await writeFile(
        join(e.dir, 'comparison.json'),
        `${JSON.stringify({ versions: { champion, challenger: e.version }, rule, ...comparison, decision: o.decision, reasons: o.reasons }, null, 2)}\n`,
      );
    }
    if (o.promoted) {
      await promoteVersion(cfg.modelsDir, name, e.version, {
        clock,
        actor: 'retrain',
        reason: o.reasons.join('; '),
      });
    } else await restoreReportInputs(w, name);
    log.info(`${name}: ${o.decision} ${e.version}${champion ? ` (champion ${champion})` : ''}`, {
      reasons: o.reasons,
    });
    out.push(o);
  }
  await w.run('DROP TABLE IF EXISTS temp.kept_eval_predictions');
  await w.run('DROP TABLE IF EXISTS temp.kept_score_population');
  return out;
}

async function keepReportInputs(w: Warehouse, names: readonly string[]): Promise<void> {
  await ensureReportInputs(w);
  await w.run('CREATE OR REPLACE TEMP TABLE kept_eval_predictions AS SELECT * FROM eval_predictions LIMIT 0');
  await w.run('CREATE OR REPLACE TEMP TABLE kept_score_population AS SELECT * FROM score_population LIMIT 0');
  for (const n of names) {
    await w.run('INSERT INTO temp.kept_eval_predictions SELECT * FROM eval_predictions WHERE model = $1', [
      n,
    ]);
    await w.run(
      "INSERT INTO temp.kept_score_population SELECT * FROM score_population WHERE model = $1 AND population = 'train'",
      [n],
    );
  }
}

async function restoreReportInputs(w: Warehouse, name: string): Promise<void> {
  await w.tx(async (t) => {
    await t.run('DELETE FROM eval_predictions WHERE model = $1', [name]);
    await t.run('INSERT INTO eval_predictions SELECT * FROM temp.kept_eval_predictions WHERE model = $1', [
      name,
    ]);
    await t.run("DELETE FROM score_population WHERE model = $1 AND population = 'train'", [name]);
    await t.run('INSERT INTO score_population SELECT * FROM temp.kept_score_population WHERE model = $1', [
      name,
    ]);
  });
}
