/**
 * Champion vs challenger on the SAME out-of-time rows: the challenger's test months of the feature tables its
 * training just built (features_snapshot, features_hangup). Both models are loaded from the registry and scored
 * by the same code, so the comparison does not depend on how either was evaluated when it was trained.
 */
import { join } from 'node:path';
import { monthStart } from '../core/months.ts';
import { evaluateBinary, evaluateHazard } from '../evaluate/index.ts';
import {
  hangupManifestOf,
  readHangupRows,
  readHazardLabels,
  readSnapshotFeatures,
  snapshotManifestOf,
} from '../features/index.ts';
import type { FeatureTable } from '../features/types.ts';
import { loadModel, predictHangup, predictHazard } from '../models/index.ts';
import type { Warehouse } from '../warehouse/db.ts';

/** Metrics the decision reads, on the common test rows (6-month horizon for the hazard model). */
export interface HeadToHead {
  /** Rows evaluated (matured labels in the test months). */
  n: number;
  /** Positive labels among them. */
  events: number;
  /** First test month (YYYY-MM-DD). */
  testFrom: string;
  champion: { auc: number; brier: number; ece: number };
  challenger: { auc: number; brier: number; ece: number };
}

/** Scores `champion` and `challenger` (registry version folders of `name`) on the test rows of the last training. */
export async function headToHead(
  w: Warehouse,
  modelsDir: string,
  name: 'delinquency' | 'hangup',
  versions: { champion: string; challenger: string },
  testFrom: string,
): Promise<HeadToHead> {
  const manifest = name === 'delinquency' ? await snapshotManifestOf(w) : await hangupManifestOf(w);
  const champ = await loadModel(join(modelsDir, name, versions.champion), manifest);
  const chal = await loadModel(join(modelsDir, name, versions.challenger), manifest);
  if (name === 'delinquency') {
    const table = await readSnapshotFeatures(w);
    const labels = await readHazardLabels(w);
    // Loans already 30+ DPD are in collection, outside the onset population (as in training).
    const mask = testMask(table, testFrom, (i) => labels.delinquent[i] === 0);
    const H = labels.horizon;
    const at = (m: typeof champ) =>
      evaluateHazard(labels, predictHazard(m, table).cumulative, mask).byMonth[H - 1]!;
    const a = at(champ);
    const b = at(chal);
    return { n: b.n, events: b.events, testFrom, champion: pick(a.metrics), challenger: pick(b.metrics) };
  }
  const { table, y } = await readHangupRows(w);
  const mask = testMask(table, testFrom, () => true);
  const a = evaluateBinary(y, predictHangup(champ, table), mask);
  const b = evaluateBinary(y, predictHangup(chal, table), mask);
  return { n: b.n, events: b.events, testFrom, champion: pick(a.metrics), challenger: pick(b.metrics) };
}

function testMask(table: FeatureTable, testFrom: string, keep: (i: number) => boolean): Uint8Array {
  const asOf = table.keys.as_of!;
  const m = new Uint8Array(table.n);
  for (let i = 0; i < table.n; i++) m[i] = monthStart(asOf[i]!) >= testFrom && keep(i) ? 1 : 0;
  return m;
}

const pick = (m: { auc: number; brier: number; ece: number }) => ({ auc: m.auc, brier: m.brier, ece: m.ece });

/** How much better and how much worse a challenger may be. */
export interface DecisionRule {
  /** Least AUC gain over the champion to promote. Default 0.005. */
  margin: number;
  /** Largest Brier increase tolerated (absolute). Default 0.001. */
  brierTolerance: number;
  /**
   * Largest ECE increase tolerated (absolute; ECE over 10 bins is noisy on a few thousand rows) when the Brier
   * score did not improve. Default 0.02.
   */
  eceTolerance: number;
}

export const DEFAULT_RULE: DecisionRule = { margin: 0.005, brierTolerance: 0.001, eceTolerance: 0.02 };

/** Promote or keep, with every reason in words. */
export function decide(h: HeadToHead, rule: DecisionRule): { promote: boolean; reasons: string[] } {
  const { champion: a, challenger: b } = h;
  const reasons: string[] = [];
  const gain = b.auc - a.auc;
  const f = (x: number) => x.toFixed(4);
  const aucOk = gain >= rule.margin;
  reasons.push(
    `AUC ${f(b.auc)} vs champion ${f(a.auc)}: ${gain >= 0 ? '+' : ''}${f(gain)} ${aucOk ? '≥' : '<'} margin ${rule.margin}`,
  );
  const brierOk = b.brier <= a.brier + rule.brierTolerance;
  if (!brierOk)
    reasons.push(
      `Brier ${f(b.brier)} is worse than champion ${f(a.brier)} by more than ${rule.brierTolerance}`,
    );
  // ECE over 10 bins is a noisy diagnostic; Brier is a proper score that already includes calibration. An ECE
  // regression blocks only a challenger whose Brier did not improve.
  const eceWorse = b.ece > a.ece + rule.eceTolerance;
  const brierBetter = b.brier < a.brier;
  const eceOk = !eceWorse || brierBetter;
  if (eceWorse)
    reasons.push(
      `ECE ${f(b.ece)} is worse than champion ${f(a.ece)} by more than ${rule.eceTolerance}${brierBetter ? `, but Brier improved (${f(b.brier)} vs ${f(a.brier)}): not blocking` : ''}`,
    );
  if (brierOk && !eceWorse)
    reasons.push(`calibration holds (Brier ${f(b.brier)} vs ${f(a.brier)}, ECE ${f(b.ece)} vs ${f(a.ece)})`);
  return { promote: aucOk && brierOk && eceOk, reasons };
}
