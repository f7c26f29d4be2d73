/**
 * The pipeline files: the committed JSON Schema equals the one generated from src/pipeline/spec.ts, and every
 * file in pipelines/ (and the test fixtures) validates against both the zod spec and that JSON Schema, uses only
 * known stages, and gives each stage parameters it accepts once its `${params}` are filled in.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { interpolate, loadPipeline, type StepOutputs } from '../../src/pipeline/spec.ts';
import { STAGES } from '../../src/pipeline/stages/index.ts';
import { followup } from '../lifecycle/cli.ts';
import { SCHEMA_PATH, schemaText } from './write-schema.ts';

const DIR = join(import.meta.dirname, '../../pipelines');
const files = [
  ...readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .map((f) => join(DIR, f)),
  join(import.meta.dirname, 'fixtures/small.yaml'),
];

describe('pipeline schema snapshot', () => {
  it('pipelines/pipeline.schema.json is the schema generated from src/pipeline/spec.ts', () => {
    const committed = readFileSync(SCHEMA_PATH, 'utf8');
    expect(
      committed,
      'pipelines/pipeline.schema.json differs from pipelineJsonSchema(); regenerate it with `npx tsx test/pipeline/write-schema.ts` and commit it',
    ).toBe(schemaText());
  });
});

describe('pipeline files', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));

  it('ships the demo, daily-score and monthly-retrain pipelines', () => {
    const names = files.map((f) => f.split('/').at(-1));
    expect(names).toEqual(expect.arrayContaining(['demo.yaml', 'daily-score.yaml', 'monthly-retrain.yaml']));
  });

  it.each(files.map((f) => [f.split('/').slice(-2).join('/'), f]))(
    '%s validates and uses only known stages with valid parameters',
    async (_name, file) => {
      const ok = validate(parseYaml(readFileSync(file, 'utf8')));
      expect(validate.errors ?? [], `JSON Schema errors in ${file}`).toEqual([]);
      expect(ok).toBe(true);
      const spec = await loadPipeline(file);
      const params: Record<string, string | number | boolean> = {
        ...spec.params,
        workdir: '/tmp/w',
        warehouse: '/tmp/w/warehouse.duckdb',
        today: '2026-01-05',
      };
      for (const [k, v] of Object.entries(params))
        if (typeof v === 'string') params[k] = interpolate(v, params, k) as string;
      // What each earlier step would hand on: a placeholder per name its stage declares it produces.
      const outputs: StepOutputs = {};
      for (const step of spec.stages) {
        expect(Object.keys(STAGES), `${file}: step ${step.id}`).toContain(step.uses);
        const parsed = STAGES[step.uses]!.params.safeParse(interpolate(step.with, params, step.id, outputs));
        outputs[step.id] = Object.fromEntries(
          (STAGES[step.uses]!.produces ?? []).map((n) => [n, `<${step.id}.${n}>`]),
        );
        expect(parsed.success, `${file}: step ${step.id}: ${JSON.stringify(parsed.error?.issues)}`).toBe(
          true,
        );
        expect(['always', 'drift']).toContain(interpolate(step.when, params, step.id));
      }
    },
  );

  it('monthly-retrain retrains only on drift when asked', async () => {
    const spec = await loadPipeline(join(DIR, 'monthly-retrain.yaml'));
    const retrain = spec.stages.find((s) => s.uses === 'retrain')!;
    expect(interpolate(retrain.when, { ...spec.params }, 'when')).toBe('always');
    expect(interpolate(retrain.when, { ...spec.params, retrain_when: 'drift' }, 'when')).toBe('drift');
    expect(spec.stages.map((s) => s.uses)).toEqual(['monitor', 'retrain', 'report']);
  });
});

describe('step outputs', () => {
  it('every export step of a shipped pipeline exports the run its recommend step produced', async () => {
    for (const f of files) {
      const spec = await loadPipeline(f);
      for (const s of spec.stages.filter((x) => x.uses === 'export'))
        expect([f, s.id, s.with.run]).toEqual([f, s.id, '${steps.recommend.run_id}']);
    }
  });

  it('interpolates ${steps.<id>.<name>} from earlier steps and names what is missing', () => {
    const outputs = { recommend: { run_id: 'rec-1' } };
    expect(interpolate({ run: '${steps.recommend.run_id}' }, {}, 'w', outputs)).toEqual({ run: 'rec-1' });
    expect(interpolate('run ${steps.recommend.run_id}', {}, 'w', outputs)).toBe('run rec-1');
    expect(() => interpolate('${steps.score.run_id}', {}, 'stages.x.with', outputs)).toThrow(
      '${steps.score.run_id} in stages.x.with: step "score" has not run before this step',
    );
    expect(() => interpolate('${steps.recommend.as_of}', {}, 'stages.x.with', outputs)).toThrow(
      'step "recommend" produced no "as_of"',
    );
  });

  it('refuses a reference to a later or unknown step when the file is loaded', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'followup-spec-')), 'p.yaml');
    writeFileSync(
      f,
      [
        'name: p',
        'description: d',
        'stages:',
        "  - { id: out, uses: export, with: { run: '${steps.recommend.run_id}', format: csv, out: x.csv } }",
        "  - { id: recommend, uses: recommend, with: { models: m, as_of: '2025-12-31' } }",
      ].join('\n'),
    );
    await expect(loadPipeline(f)).rejects.toThrow(
      'stages.out.with refers to ${steps.recommend.run_id}, but no earlier step has id "recommend"',
    );
  });

  it('`followup run --list-stages` names what each stage hands on', () => {
    const r = followup(['run', '--list-stages', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const stages = JSON.parse(r.stdout) as { name: string; produces: string[] }[];
    expect(stages.filter((x) => x.produces.length)).toEqual([
      expect.objectContaining({ name: 'recommend', produces: ['run_id'] }),
      expect.objectContaining({ name: 'report', produces: ['history'] }),
    ]);
  });

  it('an export step without a run is refused with what to write', () => {
    const parsed = STAGES.export!.params.safeParse({ format: 'csv', out: 'x.csv' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(
      "expected the run to export, e.g. run: '${steps.recommend.run_id}'",
    );
  });
});
