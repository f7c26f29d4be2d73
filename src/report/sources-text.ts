/**
 * The sentences under a model section's title that say where its figures come from (ReportData.sources): this
 * warehouse, or the files a model version saved in the registry at training. Pure: same data → same text.
 */
import { type MsgKey, t } from './i18n.ts';
import { nameOf } from './i18n-names.ts';
import type { FigureSource, ReportData } from './types.ts';

/**
 * One sentence per model for the performance and stability sections (and one for the WoE/IV table's training
 * rows); none for other sections or a missing part.
 */
export function sourceLines(data: ReportData, section: string): string[] {
  const lang = data.lang;
  const part =
    section === 'performance' ? data.performance : section === 'stability' ? data.stability : undefined;
  if (!part?.ok || !data.sources) return [];
  const split = data.performance.ok ? data.performance.value.split : 'test';
  const lines = (list: FigureSource[], prefix: string) =>
    list.map((s) =>
      t(lang, `${prefix}_${s.from}` as MsgKey)
        .replaceAll('{model}', nameOf(lang, 'model', s.model))
        .replaceAll('{split}', nameOf(lang, 'split', split))
        .replaceAll('{version}', s.version ?? '–')
        .replaceAll('{date}', s.trained_at ? s.trained_at.slice(0, 10) : '–'),
    );
  if (section === 'performance') return lines(data.sources.performance, 'src_perf');
  const woe = data.woe?.ok ? lines(data.sources.woe ?? [], 'src_woe') : [];
  return [...lines(data.sources.stability, 'src_stab'), ...woe];
}
