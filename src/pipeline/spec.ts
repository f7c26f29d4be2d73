/**
 * The pipeline file format (pipelines/*.yaml), declared once with zod; the JSON Schema is generated from it and
 * snapshotted in pipelines/pipeline.schema.json (a test fails when the two differ).
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BadInputError } from '../core/errors.ts';

export const StageStep = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9_-]*$/)
      .describe('Unique step id within the pipeline, e.g. `train-delinquency`.'),
    uses: z.string().describe('Stage to run (see `followup run --list-stages`).'),
    with: z
      .record(z.string(), z.unknown())
      .default({})
      .describe(
        'Stage parameters; `${name}` refers to pipeline params, `${steps.<id>.<name>}` to what an earlier step produced (e.g. `${steps.recommend.run_id}`).',
      ),
    when: z
      .union([z.enum(['always', 'drift']), z.string().regex(/^\$\{[a-z_][a-z0-9_]*\}$/i)])
      .default('always')
      .describe(
        '`always`, or `drift`: run only when an earlier monitor step found drift; may be a `${param}`.',
      ),
  })
  .strict();

export const PipelineSpec = z
  .object({
    name: z.string().describe('Pipeline name, e.g. `demo`.'),
    description: z.string().describe('What the pipeline is for, in one or two sentences.'),
    params: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .default({})
      .describe('Defaults for `${name}` placeholders; override with `followup run NAME --set name=value`.'),
    stages: z.array(StageStep).min(1).describe('Steps in order.'),
  })
  .strict();

export type PipelineSpec = z.infer<typeof PipelineSpec>;
export type StageStep = z.infer<typeof StageStep>;

/** JSON Schema of the pipeline format, for editors and for the snapshot test. */
export function pipelineJsonSchema(): unknown {
  return z.toJSONSchema(PipelineSpec, { io: 'input' });
}

/** Reads and validates a pipeline file; every problem is reported with its key path. */
export async function loadPipeline(path: string): Promise<PipelineSpec> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(path, 'utf8'));
  } catch (e) {
    throw new BadInputError(`cannot read pipeline file: ${(e as Error).message}`, { place: { file: path } });
  }
  const parsed = PipelineSpec.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new BadInputError(`invalid pipeline file:\n  ${problems.join('\n  ')}`, { place: { file: path } });
  }
  const ids = new Set<string>();
  for (const s of parsed.data.stages) {
    if (ids.has(s.id))
      throw new BadInputError(`duplicate step id "${s.id}"`, { place: { file: path, column: 'stages' } });
    for (const [id, name] of stepRefs(s.with))
      if (!ids.has(id))
        throw new BadInputError(
          `stages.${s.id}.with refers to \${steps.${id}.${name}}, but no earlier step has id "${id}"`,
          {
            place: { file: path, column: `stages.${s.id}.with` },
            hint: `earlier steps: ${[...ids].join(', ')}`,
          },
        );
    ids.add(s.id);
  }
  return parsed.data;
}

/** What earlier steps of a run produced, by step id then name (e.g. `recommend` → `run_id`). */
export type StepOutputs = Record<string, Record<string, string>>;

const NAME = String.raw`[a-z_][a-z0-9_]*|steps\.[a-z][a-z0-9_-]*\.[a-z_][a-z0-9_]*`;
const WHOLE = new RegExp(String.raw`^\$\{(${NAME})\}$`, 'i');
const ANY = new RegExp(String.raw`\$\{(${NAME})\}`, 'gi');

/**
 * Replaces `${name}` in string values with pipeline params (after CLI overrides) and `${steps.<id>.<name>}` with
 * what an earlier step produced (`outputs`). Unknown names are errors.
 */
export function interpolate(
  value: unknown,
  params: Record<string, string | number | boolean>,
  where: string,
  outputs: StepOutputs = {},
): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(whole[1]!, params, outputs, where);
    return value.replace(ANY, (_m, k: string) => String(lookup(k, params, outputs, where)));
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, params, where, outputs));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, params, `${where}.${k}`, outputs)]),
    );
  }
  return value;
}

/** Every `${steps.<id>.<name>}` reference in a value, as [step id, name] pairs. */
export function stepRefs(value: unknown): [string, string][] {
  if (typeof value === 'string')
    return [...value.matchAll(ANY)]
      .map((m) => m[1]!)
      .filter((k) => k.startsWith('steps.'))
      .map((k) => {
        const [, id, name] = k.split('.');
        return [id!, name!];
      });
  if (Array.isArray(value)) return value.flatMap(stepRefs);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stepRefs);
  return [];
}

function lookup(
  k: string,
  params: Record<string, string | number | boolean>,
  outputs: StepOutputs,
  where: string,
) {
  if (k.startsWith('steps.')) {
    const [, id, name] = k.split('.') as [string, string, string];
    const got = outputs[id];
    if (!got)
      throw new BadInputError(`\${${k}} in ${where}: step "${id}" has not run before this step`, {
        hint: `steps that ran: ${Object.keys(outputs).join(', ') || '(none)'}`,
      });
    if (!(name in got))
      throw new BadInputError(`\${${k}} in ${where}: step "${id}" produced no "${name}"`, {
        hint: `it produced: ${Object.keys(got).join(', ') || '(nothing)'}`,
      });
    return got[name]!;
  }
  if (!(k in params))
    throw new BadInputError(`unknown parameter \${${k}} in ${where}`, {
      hint: `known: ${Object.keys(params).join(', ')}`,
    });
  return params[k]!;
}
