/**
 * Loading a policy: YAML text → merged over the documented default → schema → cross-key rules → normalized policy
 * with `policy_version`. Every problem names the key path, what was expected and what was found, and the line and
 * column in the file; all problems are reported at once.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BadInputError, type Place } from '../../core/errors.ts';
import { sha256, stableStringify } from '../../core/hash.ts';
import { describeIssue, mergeOver, parsePlacedYaml } from '../../core/placed-yaml.ts';
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

/** Parses and validates a policy text merged over the default. Throws PolicyError listing every problem. */
export function parsePolicy(text: string, file = '<policy>'): Policy {
  const base = parsePlacedYaml(readFileSync(DEFAULT_POLICY_PATH, 'utf8'), DEFAULT_POLICY_PATH, 'policy');
  const user = file === DEFAULT_POLICY_PATH ? base : parsePlacedYaml(text, file, 'policy');
  const merged = mergeOver(base.value, user.value);
  const placeOf = (path: (string | number)[]): Place => {
    return user.at(path)?.place ?? base.at(path)?.place ?? { file };
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
