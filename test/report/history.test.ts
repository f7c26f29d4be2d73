/**
 * The report's history sections collected ahead (src/report/history.ts): reused only when the data, the options,
 * the model sources and the code they were collected under are the same; collected again otherwise, saying why.
 * A report with reused sections equals one that collected everything itself. A file that is not a history is bad
 * input, named.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { BadInputError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/log.ts';
import { reportStage } from '../../src/pipeline/stages/report.ts';
import { buildReportHistory } from '../../src/report/build.ts';
import { collectReport, collectReportData, collectReportHistory } from '../../src/report/collect.ts';
import { HISTORY_FILE, type HistoryKey, keyDifference, readHistory } from '../../src/report/history.ts';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { followup } from '../lifecycle/cli.ts';
import { buildFixture } from './fixture.ts';

const clock = fixedClock('2025-07-02T03:04:05Z');
const dir = mkdtempSync(join(tmpdir(), 'followup-report-history-'));
let path = '';

beforeAll(async () => {
  path = await buildFixture(join(dir, 'w'));
}, 120_000);

const readOnly = <T>(p: string, f: Parameters<typeof withWarehouse<T>>[1]) =>
  withWarehouse(p, f, { readOnly: true });

describe('history sections collected ahead', () => {
  it('are reused on the same data, and the report equals one that collected them itself', async () => {
    const history = await readOnly(path, (w) => collectReportHistory(w, { clock }));
    expect(history.sections.vintage.ok && history.sections.hangups.ok).toBe(true);
    expect(history.sections.performance.ok && history.sections.woe.ok).toBe(true);
    const withHistory = await readOnly(path, (w) => collectReport(w, { clock, history }));
    const alone = await readOnly(path, (w) => collectReportData(w, { clock }));
    expect(withHistory.history).toEqual({ reused: true });
    expect(withHistory.data).toEqual(alone);
  });

  it('are collected again when a table they read changed, and the report says which', async () => {
    const history = await readOnly(path, (w) => collectReportHistory(w, { clock }));
    const changed = join(dir, 'changed', 'warehouse.duckdb');
    cpSync(join(dir, 'w'), join(dir, 'changed'), { recursive: true });
    // One more hang-up: the same number of loans and repayments, one contact more.
    await withWarehouse(changed, (w) =>
      w.run(
        `INSERT INTO contacts SELECT * REPLACE ('C-extra' AS contact_id, started_at + INTERVAL 1 DAY AS started_at)
         FROM contacts WHERE outcome = 'hung_up' AND direction = 'outbound' AND channel = 'phone' LIMIT 1`,
      ),
    );
    const again = await readOnly(changed, (w) => collectReport(w, { clock, history }));
    expect(again.history).toMatchObject({ reused: false });
    expect(again.history && !again.history.reused && again.history.why).toMatch(
      /^table contacts changed \(rows:hash \d+:/,
    );
    const alone = await readOnly(changed, (w) => collectReportData(w, { clock }));
    expect(again.data).toEqual(alone);
    // The stale file's hang-ups differ from the fresh ones: reusing them would have been wrong.
    expect(again.data.hangups).not.toEqual(history.sections.hangups);
  });

  it('are collected again under other options', async () => {
    const history = await readOnly(path, (w) => collectReportHistory(w, { clock }));
    const zh = await readOnly(path, (w) => collectReport(w, { clock, history, lang: 'zh-CN' }));
    expect(zh.history).toEqual({ reused: false, why: 'option lang was "en", now "zh-CN"' });
    const hours = await readOnly(path, (w) => collectReport(w, { clock, history, prenotifyHours: 24 }));
    expect(hours.history).toEqual({ reused: false, why: 'option prenotify_hours was null, now 24' });
    expect(hours.data.hangups).toEqual(
      (await readOnly(path, (w) => collectReportData(w, { clock, prenotifyHours: 24 }))).hangups,
    );
  });

  it('name the first difference of their key: code, then options, tables, sources', () => {
    const key: HistoryKey = {
      code: '1.0.0',
      options: { lang: 'en', split: 'test', prenotify_hours: null, hangup_model: null },
      sources: {
        performance: [{ model: 'delinquency', from: 'registry', version: 'v1', trained_at: null }],
        woe: [],
      },
      tables: { loans: '3:9', contacts: null },
    };
    expect(keyDifference(key, structuredClone(key))).toBeNull();
    expect(keyDifference(key, { ...key, code: '1.1.0' })).toBe(
      'it was collected by followup 1.0.0, this is 1.1.0',
    );
    expect(keyDifference(key, { ...key, tables: { loans: '3:9', contacts: '1:5' } })).toBe(
      'table contacts did not exist then',
    );
    expect(keyDifference(key, { ...key, tables: { loans: null, contacts: null } })).toBe(
      'table loans no longer exists',
    );
    const retrained = {
      ...key,
      sources: { ...key.sources, performance: [{ ...key.sources.performance[0]!, version: 'v2' }] },
    };
    expect(keyDifference(key, retrained)).toBe(
      'the performance figures came from delinquency registry v1, now from delinquency registry v2',
    );
  });
});

describe('the history file', () => {
  it('is written whole beside the report and reads back to what was collected', async () => {
    const out = join(dir, 'report');
    const written = await readOnly(path, (w) =>
      buildReportHistory(w, { clock, outDir: out, log: silentLogger }),
    );
    expect(written).toBe(join(out, HISTORY_FILE));
    const collected = await readOnly(path, (w) => collectReportHistory(w, { clock }));
    expect(readHistory(written)).toEqual(collected);
    expect(JSON.parse(readFileSync(written, 'utf8')).kind).toBe('followup-report-history');
  });

  it('that is not one is bad input naming the file and what was expected', () => {
    const bad = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      try {
        readHistory(p);
      } catch (e) {
        expect(e).toBeInstanceOf(BadInputError);
        expect((e as BadInputError).place?.file).toBe(p);
        return (e as Error).message;
      }
      throw new Error(`${name} was read as a history`);
    };
    expect(bad('a.json', '{"kind": "followup-report-history", "version": 1, "key": {}')).toMatch(
      /^report history: expected JSON; found text that does not parse/,
    );
    expect(bad('b.json', JSON.stringify({ version: 1 }))).toBe(
      'report history: expected "kind": "followup-report-history"; found nothing',
    );
    expect(bad('c.json', JSON.stringify({ kind: 'followup-report-history', version: 2 }))).toBe(
      'report history: expected "version": 1; found 2',
    );
    expect(
      bad('d.json', JSON.stringify({ kind: 'followup-report-history', version: 1, key: {}, sections: {} })),
    ).toBe('report history: expected a string "key.code"; found nothing');
    const key = { code: '1', options: {}, sources: {}, tables: {} };
    expect(
      bad(
        'e.json',
        JSON.stringify({
          kind: 'followup-report-history',
          version: 1,
          key: { ...key, tables: 3 },
          sections: {},
        }),
      ),
    ).toBe('report history: expected an object "key.tables"; found 3');
    expect(
      bad(
        'f.json',
        JSON.stringify({ kind: 'followup-report-history', version: 1, key, sections: { performance: {} } }),
      ),
    ).toBe('report history: expected section "performance" with "ok"; found {}');
    expect(() => readHistory(join(dir, 'missing.json'))).toThrow(/^report history: cannot read the file/);
  });
});

describe('followup report --part history / --history', () => {
  const report = (...args: string[]) =>
    followup([
      'report',
      '--warehouse',
      path,
      '--models',
      join(dir, 'no-registry'),
      '--no-images',
      '--json',
      ...args,
    ]);

  it('a report given the history file reuses it and writes the same data as one without', () => {
    const h = report('--out', join(dir, 'cli-h'), '--part', 'history');
    expect(h.code, h.stderr).toBe(0);
    const file = JSON.parse(h.stdout).history as string;
    expect(file).toBe(join(dir, 'cli-h', HISTORY_FILE));
    const withIt = report('--out', join(dir, 'cli-a'), '--history', file);
    expect(withIt.code, withIt.stderr).toBe(0);
    expect(JSON.parse(withIt.stdout).history).toBe('reused');
    const without = report('--out', join(dir, 'cli-b'));
    expect(without.code, without.stderr).toBe(0);
    expect(JSON.parse(without.stdout).history).toBeUndefined();
    const data = (d: string) => readFileSync(join(dir, d, 'report-data.json'), 'utf8');
    expect(data('cli-a')).toBe(data('cli-b'));
  });

  it('--history with --part history is refused (exit 2): there is nothing for it to replace', () => {
    const r = report('--out', join(dir, 'cli-both'), '--part', 'history', '--history', join(dir, 'x.json'));
    expect(r.code).toBe(2);
    const err = JSON.parse(r.stderr.trim().split('\n').at(-1)!);
    expect(err.error).toBe('E_USAGE');
    expect(err.message).toBe(
      '--history: expected it with the whole report (--part all), where it replaces sections; found it with --part history, which only collects them',
    );
    expect(existsSync(join(dir, 'cli-both'))).toBe(false);
    // The pipeline step says the same when its file is checked.
    const parsed = reportStage.params.safeParse({ out: 'r', part: 'history', history: 'h.json' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['history'],
      message:
        'history: expected it with part: all, where it replaces sections; found it with part: history, which only collects them',
    });
    expect(reportStage.params.safeParse({ out: 'r', part: 'history' }).success).toBe(true);
  });

  it('a file that is not a history: exit 2, the file named, no report written', () => {
    const bad = join(dir, 'not-history.json');
    writeFileSync(bad, '[1, 2]');
    const r = report('--out', join(dir, 'cli-bad'), '--history', bad);
    expect(r.code).toBe(2);
    const err = JSON.parse(r.stderr.trim().split('\n').at(-1)!);
    expect(err.error).toBe('E_BAD_INPUT');
    expect(err.message).toBe('report history: expected "kind": "followup-report-history"; found nothing');
    expect(err.place.file).toBe(bad);
    expect(existsSync(join(dir, 'cli-bad'))).toBe(false);
  });
});
