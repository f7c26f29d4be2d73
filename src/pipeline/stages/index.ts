/**
 * The stage registry pipelines draw from. Each stage declares what it reads and writes; `followup run
 * --list-stages` prints them.
 */
import type { StageDef } from '../stage.ts';
import { exportStage } from './export.ts';
import { ingestStage } from './ingest.ts';
import { monitorStage } from './monitor.ts';
import { recommendStage } from './recommend.ts';
import { reportStage } from './report.ts';
import { retrainStage } from './retrain.ts';
import { scoreStage } from './score.ts';
import { trainStage } from './train.ts';

export const STAGES: Record<string, StageDef<any>> = Object.fromEntries(
  [
    ingestStage,
    trainStage,
    scoreStage,
    recommendStage,
    exportStage,
    reportStage,
    monitorStage,
    retrainStage,
  ].map((s) => [s.name, s as StageDef<any>]),
);
