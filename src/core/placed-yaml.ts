/**
 * YAML documents that remember where each key came from, and zod problems in words: the policy and the script
 * library both load a lender's file over a documented default and report every problem as
 * "key.path (file:line:column): expected …, found …".
 */
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { BadInputError, type Place } from './errors.ts';

/** A parsed YAML file: its value, and the place of the deepest node of a key path it has. */
export interface PlacedYaml {
  file: string;
  value: unknown;
  /** The place of the deepest node of `path` the file has, and how deep it is (0 = the document). */
  at: (path: (string | number)[]) => { place: Place; depth: number } | undefined;
}

/** Parses YAML text; a syntax error is a BadInputError naming `what file` and the line and column. */
export function parsePlacedYaml(text: string, file: string, what: string): PlacedYaml {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = lc.linePos(err.pos[0]);
    throw new BadInputError(
      `${what} ${file}: expected YAML, found a syntax error: ${err.message.split('\n')[0]}`,
      {
        place: { file, line: pos.line, column: pos.col },
      },
    );
  }
  const at = (path: (string | number)[]): { place: Place; depth: number } | undefined => {
    // Walk as deep as the file goes, so a missing key points at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (node && (n > 0 || isMap(node) || isSeq(node)) && node.range) {
        const pos = lc.linePos(node.range[0]);
        return { place: { file, line: pos.line, column: pos.col }, depth: n };
      }
    }
    return undefined;
  };
  return { file, value: doc.toJS() ?? {}, at };
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects merge key by key; lists, nulls and plain values replace. */
export function mergeOver(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeOver(base[k], v);
  return out;
}

/** A value as a problem message shows it. */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing (the key is missing)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'a list';
  if (isObj(v)) return 'a mapping';
  return String(v);
}

/** One zod problem as "expected …, found …". */
export function describeIssue(i: z.core.$ZodIssue): string {
  const input = (i as { input?: unknown }).input;
  switch (i.code) {
    case 'invalid_type':
      return `expected ${i.expected}, found ${showValue(input)}`;
    case 'too_small':
      return i.origin === 'array'
        ? `expected at least ${i.minimum} item(s), found ${Array.isArray(input) ? input.length : showValue(input)}`
        : `expected a ${i.origin} ${i.inclusive ? '≥' : '>'} ${i.minimum}, found ${showValue(input)}`;
    case 'too_big':
      return `expected a ${i.origin} ${i.inclusive ? '≤' : '<'} ${i.maximum}, found ${showValue(input)}`;
    case 'invalid_value':
      return `expected one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}, found ${showValue(input)}`;
    case 'invalid_key':
      return `expected a known key, found ${showValue(input)}`;
    case 'invalid_format':
      return `expected text matching ${i.format}${'pattern' in i ? ` ${String(i.pattern)}` : ''}, found ${showValue(input)}`;
    case 'invalid_union': {
      // Name what each alternative expected ("a number ≥ 1 or one of "auto""), not zod's "Invalid input".
      const alts = (i as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
      const parts = alts
        .map((e) => (e[0] ? describeIssue({ ...e[0], input } as z.core.$ZodIssue) : ''))
        .map((d) => d.replace(/^expected /, '').replace(/, found [\s\S]*$/, ''))
        .filter((d) => d !== '');
      return parts.length ? `expected ${parts.join(' or ')}, found ${showValue(input)}` : i.message;
    }
    default:
      return i.message;
  }
}
