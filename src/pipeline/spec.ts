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
    needs: z
      .array(z.string())
      .optional()
      .describe(
        'Earlier steps this one waits for; steps whose needs are done run at the same time, each on its own connection. Default: every earlier step (one after another).',
      ),
    when: z
      .union([z.enum(['always', 'drift']), z.string().regex(/^\$\{[a-z_][a-z0-9_]*\}$/i)])
      .default('always')
      .describe(
        '`always`, or `drift`: run only when a monitor step among those it waits for found drift; may be a `${param}`.',
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
  waitsFor(parsed.data, path);
  return parsed.data;
}

/**
 * For each step, every step it waits for, directly or through others (`needs`; without it, every earlier step).
 * Throws BadInputError when a step needs one that is not earlier, or refers to `${steps.<id>.…}` of a step it
 * does not wait for: that step's output might not exist yet when this one starts.
 */
export function waitsFor(spec: PipelineSpec, file?: string): Map<string, Set<string>> {
  const all = new Map<string, Set<string>>();
  const earlier: string[] = [];
  for (const s of spec.stages) {
    const place = (column: string) => ({ place: { ...(file ? { file } : {}), column } });
    const hint = { hint: `earlier steps: ${earlier.join(', ') || '(none)'}` };
    const upstream = new Set<string>();
    for (const id of s.needs ?? earlier) {
      if (!earlier.includes(id))
        throw new BadInputError(`stages.${s.id}.needs names "${id}", which is not an earlier step`, {
          ...place(`stages.${s.id}.needs`),
          ...hint,
        });
      upstream.add(id);
      for (const u of all.get(id)!) upstream.add(u);
    }
    for (const [id, name] of stepRefs(s.with)) {
      if (!earlier.includes(id))
        throw new BadInputError(
          `stages.${s.id}.with refers to \${steps.${id}.${name}}, but no earlier step has id "${id}"`,
          { ...place(`stages.${s.id}.with`), ...hint },
        );
      if (!upstream.has(id))
        throw new BadInputError(
          `stages.${s.id}.with refers to \${steps.${id}.${name}}, but step "${s.id}" does not wait for "${id}"`,
          {
            ...place(`stages.${s.id}.needs`),
            hint: `add "${id}" to stages.${s.id}.needs (it waits for: ${[...upstream].join(', ') || 'nothing'})`,
          },
        );
    }
    all.set(s.id, upstream);
    earlier.push(s.id);
  }
  // Two steps that may run at the same time (neither waits for the other) must not write the same file or
  // webhook: each would diff against the same ledger and write over the other.
  const steps = spec.stages;
  for (let i = 0; i < steps.length; i++)
    for (let j = i + 1; j < steps.length; j++) {
      const [a, b] = [steps[i]!, steps[j]!];
      if (all.get(b.id)!.has(a.id)) continue;
      for (const key of ['out', 'url'])
        if (a.with[key] !== undefined && a.with[key] === b.with[key])
          throw new BadInputError(
            `stages.${a.id} and stages.${b.id} may run at the same time and both write ${key} ${JSON.stringify(a.with[key])}`,
            {
              place: { ...(file ? { file } : {}), column: `stages.${b.id}.needs` },
              hint: `add "${a.id}" to stages.${b.id}.needs`,
            },
          );
    }
  return all;
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
