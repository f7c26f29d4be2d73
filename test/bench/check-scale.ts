/**
 * Checks a bench:scale JSON after the CI smoke run (`.ci/run`): every stage ran and measured something, and the
 * stages agree with each other (each export wrote every follow-up recommend planned, recommend planned for the
 * loans score scored, the report has its model sections though training ran on another warehouse, the daily
 * pipeline ran every step, its report reused the history sections collected beside recommend, and it exported as
 * many follow-ups). Timing
 * targets are printed by the bench, never checked here.
 *
 *   tsx test/bench/check-scale.ts .work/scale-smoke/bench-scale.json
 */
import { readFileSync } from 'node:fs';

interface Stage {
  stage: string;
  seconds: number;
  peak_rss_mb: number;
  items?: number;
  phases?: { msg: string; seconds: number; rss_mb: number }[];
  steps?: { id: string; seconds: number }[];
}
const file = process.argv[2];
if (!file) throw new Error('usage: check-scale.ts BENCH_SCALE_JSON');
const r = JSON.parse(readFileSync(file, 'utf8')) as {
  partial?: boolean;
  daily_pipeline_s: number;
  stages: Stage[];
  outputs: Record<string, unknown>;
};
const problems: string[] = [];
if (r.partial) problems.push('the run did not finish (partial: true)');
const by = new Map((r.stages ?? []).map((s) => [s.stage, s]));
const want = ['ref:read', 'ingest', 'sample', 'train', 'ref:aggregate', 'score', 'recommend', 'export:csv'];
for (const name of [...want, 'export:parquet', 'export:ics', 'dataset', 'report', 'daily:pipeline']) {
  const s = by.get(name);
  if (!s) problems.push(`stage ${name}: missing`);
  else if (!(s.seconds > 0) || !(s.peak_rss_mb > 0))
    problems.push(
      `stage ${name}: expected seconds and peak memory > 0, found ${s.seconds} s, ${s.peak_rss_mb} MB`,
    );
}
const planned = by.get('recommend')?.items ?? 0;
const scored = by.get('score')?.items ?? 0;
if (!(planned > 0)) problems.push(`recommend: expected follow-ups, found ${planned}`);
// Recommend's logged phases explain its time: they end with the commit, and they fit in the stage's wall time.
const recSeconds = by.get('recommend')?.seconds ?? 0;
const phases = by.get('recommend')?.phases ?? [];
const phaseSeconds = phases.reduce((t, p) => t + p.seconds, 0);
if (phases.at(-1)?.msg !== 'recommend: committed')
  problems.push(
    `recommend: expected phases ending with "recommend: committed", found ${JSON.stringify(phases.map((p) => p.msg))}`,
  );
else if (!(phaseSeconds > 0 && phaseSeconds <= recSeconds))
  problems.push(
    `recommend: expected its phases to take between 0 and ${recSeconds} s, found ${phaseSeconds.toFixed(1)} s`,
  );
if (planned > scored) problems.push(`recommend planned ${planned} follow-ups for ${scored} scored loans`);
// The same recommend in a process with a larger young generation plans the same follow-ups.
const young = by.get('recommend:semi-space-64MB');
if (young && young.items !== planned)
  problems.push(`recommend:semi-space-64MB: expected ${planned} follow-ups, found ${young.items}`);
for (const f of ['csv', 'parquet', 'ics']) {
  const n = by.get(`export:${f}`)?.items;
  if (n !== planned) problems.push(`export:${f}: expected ${planned} follow-ups written, found ${n}`);
}
// Training ran on a sample warehouse: the report's model sections come from the registry, and must be there.
const report = r.outputs.report as { not_available?: { name: string; reason: string }[] } | undefined;
for (const n of report?.not_available ?? [])
  if (n.name === 'performance' || n.name === 'stability')
    problems.push(`report: expected the ${n.name} section, found it not available (${n.reason})`);
if (!(r.daily_pipeline_s > 0))
  problems.push(`daily pipeline: expected seconds > 0, found ${r.daily_pipeline_s}`);
// The daily pipeline run did every step of pipelines/daily-score.yaml and exported what recommend planned alone.
const daily = by.get('daily:pipeline');
const dailySteps = (daily?.steps ?? []).map((s) => s.id).sort();
const wantSteps = ['export-calendar', 'export-dialer', 'ingest', 'recommend', 'report', 'report-history'];
if (daily && JSON.stringify(dailySteps) !== JSON.stringify(wantSteps))
  problems.push(
    `daily:pipeline: expected steps ${wantSteps.join(', ')}, found ${dailySteps.join(', ') || 'none'}`,
  );
// report-history ran beside recommend on the same data: the report must have taken its sections from it.
const dailyReport = (r.outputs['daily:pipeline'] as { report?: { history?: string } } | undefined)?.report;
if (daily && dailyReport?.history !== 'reused')
  problems.push(
    `daily:pipeline: expected the report to reuse report-history's sections, found ${dailyReport?.history}`,
  );
if (daily && daily.items !== planned)
  problems.push(`daily:pipeline: expected ${planned} follow-ups in the dialer file, found ${daily.items}`);
if (problems.length) {
  console.error(`bench:scale check of ${file} failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`bench:scale check of ${file}: ${r.stages.length} stages, ${planned} follow-ups, all consistent`);
