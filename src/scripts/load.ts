/**
 * Loading the script library: the shipped default (src/config/scripts.default.yaml), with a lender's file laid
 * over it — `scripts` and `notices` replace entry by entry, other sections merge key by key — then the schema, then
 * the cross-entry rules (./check.ts). Every problem names the key path, what was expected and what was found, and
 * file:line:column; all problems are reported at once.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { BadInputError, type Place } from '../core/errors.ts';
import { sha256, stableStringify } from '../core/hash.ts';
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

interface ParsedYaml {
  value: unknown;
  /** The place of the deepest node of `path` the file has, and how deep it is (0 = the document). */
  at: (path: (string | number)[]) => { place: Place; depth: number } | undefined;
}

function parseYaml(text: string, file: string): ParsedYaml {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = lc.linePos(err.pos[0]);
    throw new BadInputError(
      `script library ${file}: expected YAML, found a syntax error: ${err.message.split('\n')[0]}`,
      { place: { file, line: pos.line, column: pos.col } },
    );
  }
  const at = (path: (string | number)[]): { place: Place; depth: number } | undefined => {
    // As deep as the file goes, so a missing key points at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (node && (n > 0 || isMap(node) || isSeq(node)) && node.range) {
        const pos = lc.linePos(node.range[0]);
        return { place: { file, line: pos.line, column: pos.col }, depth: n };
      }
    }
    return undefined;
  };
  return { value: doc.toJS() ?? {}, at };
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function mergeDeep(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeDeep(base[k], v);
  return out;
}

/** Sections whose entries a lender's file replaces whole (a script is one text; half of two is neither). */
const BY_ENTRY = new Set(['scripts', 'notices']);

function overlay(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = BY_ENTRY.has(k) && isObj(base[k]) && isObj(v) ? { ...base[k], ...v } : mergeDeep(base[k], v);
  }
  return out;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing (the key is missing)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'a list';
  if (isObj(v)) return 'a mapping';
  return String(v);
}

/** Parses and validates a library text laid over the default. Throws ScriptLibraryError listing every problem. */
export function parseLibrary(text: string, file = '<scripts>'): ScriptLibrary {
  const base = parseYaml(readFileSync(DEFAULT_SCRIPTS_PATH, 'utf8'), DEFAULT_SCRIPTS_PATH);
  const user = file === DEFAULT_SCRIPTS_PATH ? base : parseYaml(text, file);
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
      const input = (i as { input?: unknown }).input;
      const expected =
        i.code === 'invalid_value'
          ? `one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}`
          : i.code === 'invalid_type'
            ? i.expected
            : i.message;
      return [{ path, message: `expected ${expected}, found ${show(input)}` }];
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
