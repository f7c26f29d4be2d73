/**
 * The closing summary of a pipeline run: rows loaded and rejected, model metrics, follow-ups by purpose, and
 * where the report and exports are. Built from the step results, so it says only what the run did.
 */
import type { RunRecord } from './run.ts';

export function summarizeRun(r: RunRecord): { json: Record<string, unknown>; text: string } {
  const lines = [`pipeline ${r.pipeline} (run ${r.runId}) finished: ${r.steps.length} steps`];
  const json: Record<string, unknown> = {
    run_id: r.runId,
    pipeline: r.pipeline,
    warehouse: r.warehouse,
    workdir: r.workdir,
    steps: r.steps.map((s) => ({ id: s.id, stage: s.stage, outcome: s.outcome, seconds: round(s.seconds) })),
  };
  for (const s of r.steps) {
    const sum = s.summary as Record<string, any>;
    if (s.outcome === 'skipped') {
      lines.push(`- ${s.id}: skipped (${sum.skipped})`);
      continue;
    }
    switch (s.stage) {
      case 'ingest': {
        const t = sum.totals ?? {};
        lines.push(
          `- ${s.id}: ${t.rows_in} rows in, ${t.inserted} inserted, ${t.updated} updated, ${t.unchanged} unchanged, ${t.rejected} rejected`,
        );
        json.ingest = t;
        break;
      }
      case 'train':
      case 'retrain': {
        for (const [name, m] of Object.entries(sum)) {
          if (!m || typeof m !== 'object' || !('version' in m)) continue;
          const mm = m as {
            version: string;
            champion: boolean;
            backend: string;
            test: Record<string, Record<string, number>>;
          };
          const net = mm.test.network ?? {};
          const base = mm.test.baseline ?? {};
          const key = 'auc_m6' in net ? 'auc_m6' : 'auc';
          lines.push(
            `- ${s.id}: ${name} ${mm.version}${mm.champion ? ' (champion)' : ''} on ${mm.backend}: test ${key.toUpperCase()} network ${fmt(net[key])} vs baseline ${fmt(base[key])}, Brier ${fmt(net[key.replace('auc', 'brier')])}`,
          );
        }
        json[s.id] = sum;
        break;
      }
      case 'recommend': {
        const by = Object.entries(sum.by_purpose ?? {})
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
        lines.push(
          `- ${s.id}: ${sum.recommendations} follow-ups scheduled (${by}); ${sum.prenotified} pre-notified; ${sum.moved} moved for a daily capacity of ${sum.capacity_daily ?? 'unlimited'}; ${sum.overflow} over capacity`,
        );
        json.recommend = sum;
        break;
      }
      case 'export':
        lines.push(`- ${s.id}: ${sum.format} → ${sum.out ?? sum.target} (${sum.written ?? 0} written)`);
        json[s.id] = sum;
        break;
      case 'report':
        lines.push(`- ${s.id}: ${sum.charts} charts → ${sum.out}/index.html`);
        json.report = sum;
        break;
      default:
        lines.push(`- ${s.id}: ${JSON.stringify(sum)}`);
        json[s.id] = sum;
    }
  }
  lines.push(`warehouse: ${r.warehouse}`);
  return { json, text: lines.join('\n') };
}

const round = (x: number) => Math.round(x * 10) / 10;
const fmt = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(3));
