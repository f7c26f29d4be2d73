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
      .describe('Stage parameters; `${name}` refers to pipeline params.'),
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
    ids.add(s.id);
  }
  return parsed.data;
}

/** Replaces `${name}` in string values with pipeline params (after CLI overrides). Unknown names are errors. */
export function interpolate(
  value: unknown,
  params: Record<string, string | number | boolean>,
  where: string,
): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([a-z_][a-z0-9_]*)\}$/i.exec(value);
    if (whole) return lookup(whole[1]!, params, where);
    return value.replace(/\$\{([a-z_][a-z0-9_]*)\}/gi, (_m, k: string) => String(lookup(k, params, where)));
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, params, where));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, params, `${where}.${k}`)]),
    );
  }
  return value;
}

function lookup(k: string, params: Record<string, string | number | boolean>, where: string) {
  if (!(k in params))
    throw new BadInputError(`unknown parameter \${${k}} in ${where}`, {
      hint: `known: ${Object.keys(params).join(', ')}`,
    });
  return params[k]!;
}
