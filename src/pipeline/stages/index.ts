/**
 * The stage registry pipelines draw from. Each stage declares what it reads and writes; `followup run
 * --list-stages` prints them.
 */
import type { StageDef } from '../stage.ts';
import { exportStage } from './export.ts';
import { ingestStage } from './ingest.ts';
import { recommendStage } from './recommend.ts';
import { reportStage } from './report.ts';
import { scoreStage } from './score.ts';
import { trainStage } from './train.ts';

export const STAGES: Record<string, StageDef<any>> = Object.fromEntries(
  [ingestStage, trainStage, scoreStage, recommendStage, exportStage, reportStage].map((s) => [
    s.name,
    s as StageDef<any>,
  ]),
);
