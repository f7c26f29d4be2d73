/**
 * Loading a policy: YAML text → merged over the documented default → schema → cross-key rules → normalized policy
 * with `policy_version`. Every problem names the key path, what was expected and what was found, and the line and
 * column in the file; all problems are reported at once.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { BadInputError, type Place } from '../../core/errors.ts';
import { sha256, stableStringify } from '../../core/hash.ts';
import { checkPolicy, type PolicyProblem } from './check.ts';
import { type Policy, policySchema } from './schema.ts';

/** Path of the documented default policy. */
export const DEFAULT_POLICY_PATH = fileURLToPath(
  new URL('../../config/policy.default.yaml', import.meta.url),
);

/** A policy that failed validation: every problem with its key path and place. */
export class PolicyError extends BadInputError {
  /** All problems found, in file order of discovery. */
  readonly problems: (PolicyProblem & { place: Place })[];
  constructor(file: string, problems: (PolicyProblem & { place: Place })[]) {
    const lines = problems.map((p) => {
      const where = p.place.line === undefined ? '' : ` (${p.place.file}:${p.place.line}:${p.place.column})`;
      return `  ${p.path.join('.') || '(top)'}${where}: ${p.message}`;
    });
    super(
      `policy ${file} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      {
        place: problems[0]?.place ?? { file },
        hint: `see ${DEFAULT_POLICY_PATH} for every key, its meaning and its default`,
      },
    );
    this.problems = problems;
  }
}

interface ParsedYaml {
  file: string;
  value: unknown;
  at: (path: (string | number)[]) => Place | undefined;
}

function parseYaml(text: string, file: string): ParsedYaml {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = lc.linePos(err.pos[0]);
    throw new BadInputError(
      `policy ${file}: expected YAML, found a syntax error: ${err.message.split('\n')[0]}`,
      {
        place: { file, line: pos.line, column: pos.col },
      },
    );
  }
  const at = (path: (string | number)[]): Place | undefined => {
    // Walk as deep as the file goes, so a missing key points at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (node && (n > 0 || isMap(node) || isSeq(node)) && node.range) {
        const pos = lc.linePos(node.range[0]);
        return { file, line: pos.line, column: pos.col };
      }
    }
    return undefined;
  };
  return { file, value: doc.toJS() ?? {}, at };
}

/** Objects merge key by key; lists, nulls and plain values replace. */
function mergeOver(base: unknown, over: unknown): unknown {
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(base) || !isObj(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeOver(base[k], v);
  return out;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing (the key is missing)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'a list';
  if (v !== null && typeof v === 'object') return 'a mapping';
  return String(v);
}

function describeIssue(i: z.core.$ZodIssue): string {
  const input = (i as { input?: unknown }).input;
  switch (i.code) {
    case 'invalid_type':
      return `expected ${i.expected}, found ${show(input)}`;
    case 'too_small':
      return i.origin === 'array'
        ? `expected at least ${i.minimum} item(s), found ${Array.isArray(input) ? input.length : show(input)}`
        : `expected a ${i.origin} ${i.inclusive ? '≥' : '>'} ${i.minimum}, found ${show(input)}`;
    case 'too_big':
      return `expected a ${i.origin} ${i.inclusive ? '≤' : '<'} ${i.maximum}, found ${show(input)}`;
    case 'invalid_value':
      return `expected one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}, found ${show(input)}`;
    case 'invalid_key':
      return `expected a known key, found ${show(input)}`;
    case 'invalid_format':
      return `expected text matching ${i.format}${'pattern' in i ? ` ${String(i.pattern)}` : ''}, found ${show(input)}`;
    case 'invalid_union': {
      // Name what each alternative expected ("a number ≥ 1 or one of "auto""), not zod's "Invalid input".
      const alts = (i as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
      const parts = alts
        .map((e) => (e[0] ? describeIssue({ ...e[0], input } as z.core.$ZodIssue) : ''))
        .map((d) => d.replace(/^expected /, '').replace(/, found [\s\S]*$/, ''))
        .filter((d) => d !== '');
      return parts.length ? `expected ${parts.join(' or ')}, found ${show(input)}` : i.message;
    }
    default:
      return i.message;
  }
}

/** Parses and validates a policy text merged over the default. Throws PolicyError listing every problem. */
export function parsePolicy(text: string, file = '<policy>'): Policy {
  const base = parseYaml(readFileSync(DEFAULT_POLICY_PATH, 'utf8'), DEFAULT_POLICY_PATH);
  const user = file === DEFAULT_POLICY_PATH ? base : parseYaml(text, file);
  const merged = mergeOver(base.value, user.value);
  const placeOf = (path: (string | number)[]): Place => {
    const exact = user.at(path);
    return exact ?? base.at(path) ?? { file };
  };
  const res = policySchema.safeParse(merged, { reportInput: true });
  let problems: PolicyProblem[];
  if (!res.success) {
    problems = res.error.issues.flatMap((i) => {
      const path = i.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
      if (i.code === 'unrecognized_keys') {
        return i.keys.map((k) => ({
          path: [...path, k],
          message: `unknown key "${k}" (not in the policy schema)`,
        }));
      }
      return [{ path, message: describeIssue(i) }];
    });
  } else {
    problems = checkPolicy(res.data);
  }
  if (problems.length > 0 || !res.success) {
    throw new PolicyError(
      file,
      problems.map((p) => ({ ...p, place: placeOf(p.path) })),
    );
  }
  const doc = res.data;
  return { ...doc, policy_version: sha256(stableStringify(doc)).slice(0, 16) };
}

/** Loads a policy file (merged over the default), or the default policy when `path` is omitted. */
export function loadPolicy(path?: string): Policy {
  const file = path ?? DEFAULT_POLICY_PATH;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BadInputError(`policy ${file}: expected a readable YAML file, found ${(e as Error).message}`, {
      place: { file },
    });
  }
  return parsePolicy(text, file);
}
