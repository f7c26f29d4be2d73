/**
 * Loading the script library: the shipped default (src/config/scripts.default.yaml), with a lender's file laid
 * over it — `scripts` and `notices` replace entry by entry, other sections merge key by key — then the schema, then
 * the cross-entry rules (./check.ts). Every problem names the key path, what was expected and what was found, and
 * file:line:column; all problems are reported at once.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BadInputError, type Place } from '../core/errors.ts';
import { sha256, stableStringify } from '../core/hash.ts';
import { describeIssue, mergeOver, parsePlacedYaml } from '../core/placed-yaml.ts';
import { checkLibrary, type LibraryProblem } from './check.ts';
import { librarySchema, type ScriptLibrary } from './schema.ts';

/** Path of the documented default library. */
export const DEFAULT_SCRIPTS_PATH = fileURLToPath(new URL('../config/scripts.default.yaml', import.meta.url));

/** A library that failed validation: every problem with its key path and place. */
export class ScriptLibraryError extends BadInputError {
  readonly problems: (LibraryProblem & { place: Place })[];
  constructor(file: string, problems: (LibraryProblem & { place: Place })[]) {
    const lines = problems.map((p) => {
      const where = p.place.line === undefined ? '' : ` (${p.place.file}:${p.place.line}:${p.place.column})`;
      return `  ${p.path.join('.') || '(top)'}${where}: ${p.message}`;
    });
    super(
      `script library ${file} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      {
        place: problems[0]?.place ?? { file },
        hint: `see ${DEFAULT_SCRIPTS_PATH} for every key, its meaning and its default`,
      },
    );
    this.problems = problems;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sections whose entries a lender's file replaces whole (a script is one text; half of two is neither). */
const BY_ENTRY = new Set(['scripts', 'notices']);

function overlay(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = BY_ENTRY.has(k) && isObj(base[k]) && isObj(v) ? { ...base[k], ...v } : mergeOver(base[k], v);
  }
  return out;
}

/** Parses and validates a library text laid over the default. Throws ScriptLibraryError listing every problem. */
export function parseLibrary(text: string, file = '<scripts>'): ScriptLibrary {
  const base = parsePlacedYaml(
    readFileSync(DEFAULT_SCRIPTS_PATH, 'utf8'),
    DEFAULT_SCRIPTS_PATH,
    'script library',
  );
  const user = file === DEFAULT_SCRIPTS_PATH ? base : parsePlacedYaml(text, file, 'script library');
  const merged = overlay(base.value, user.value);
  // The lender's file when it says as much about the key as the default does, else the default's line.
  const placeOf = (path: (string | number)[]): Place => {
    const u = user.at(path);
    const b = base.at(path);
    if (u && (!b || u.depth >= b.depth)) return u.place;
    return b?.place ?? { file };
  };
  const res = librarySchema.safeParse(merged, { reportInput: true });
  let problems: LibraryProblem[];
  if (!res.success) {
    problems = res.error.issues.flatMap((i) => {
      const path = i.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
      if (i.code === 'unrecognized_keys')
        return i.keys.map((k) => ({
          path: [...path, k],
          message: `unknown key "${k}" (not in the library schema)`,
        }));
      return [{ path, message: describeIssue(i) }];
    });
  } else problems = checkLibrary(res.data);
  if (problems.length > 0 || !res.success)
    throw new ScriptLibraryError(
      file,
      problems.map((p) => ({ ...p, place: placeOf(p.path) })),
    );
  return { ...res.data, version: sha256(stableStringify(res.data)).slice(0, 16) };
}

/** Loads a lender's library file over the default, or the default alone when `path` is omitted. */
export function loadLibrary(path?: string): ScriptLibrary {
  const file = path ?? DEFAULT_SCRIPTS_PATH;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BadInputError(
      `script library ${file}: expected a readable YAML file, found ${(e as Error).message}`,
      {
        place: { file },
      },
    );
  }
  return parseLibrary(text, file);
}
