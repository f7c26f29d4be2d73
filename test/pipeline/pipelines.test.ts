/**
 * The pipeline files: the committed JSON Schema equals the one generated from src/pipeline/spec.ts, and every
 * file in pipelines/ (and the test fixtures) validates against both the zod spec and that JSON Schema, uses only
 * known stages, and gives each stage parameters it accepts once its `${params}` are filled in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { interpolate, loadPipeline } from '../../src/pipeline/spec.ts';
import { STAGES } from '../../src/pipeline/stages/index.ts';
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
      for (const step of spec.stages) {
        expect(Object.keys(STAGES), `${file}: step ${step.id}`).toContain(step.uses);
        const parsed = STAGES[step.uses]!.params.safeParse(interpolate(step.with, params, step.id));
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
