/**
 * The mapping's expression language for derived columns (`maturity_on: {expr: "disbursed_on + term_months months"}`).
 * A lender's mapping file is input, not code: it never reaches DuckDB as SQL text. It is parsed into a small tree
 * and re-emitted with every identifier quoted (`quotedIdentifier`) and every string quoted (`quotedString`) by the
 * DuckDB client library; anything outside the grammar is refused with the offset where it starts.
 *
 * ```
 * expr    := term (('+' | '-') term)*
 * term    := unary (('*' | '/') unary)*
 * unary   := '-' unary | operand [unit]          unit := day(s) | month(s) | year(s): an interval of that many
 * operand := number | 'string' | identifier | function '(' [expr (',' expr)*] ')' | '(' expr ')'
 * ```
 * Identifiers name columns of the same table (contract columns after mapping, or declared extra columns), so an
 * expression computes on typed values. Functions: see FUNCTIONS.
 */
import { quotedIdentifier, quotedString } from '@duckdb/node-api';

/** A parse problem: what was expected, what was found, at which offset of the expression text (0-based). */
export class ExprError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ExprError';
  }
}

export type Expr =
  | { kind: 'num'; value: string }
  | { kind: 'str'; value: string }
  | { kind: 'col'; name: string; at: number }
  | { kind: 'neg'; arg: Expr }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/'; left: Expr; right: Expr }
  | { kind: 'interval'; unit: 'day' | 'month' | 'year'; arg: Expr }
  | { kind: 'call'; fn: string; args: Expr[] };

/** Whitelisted functions: name → [min args, max args, SQL template over the emitted args]. */
const FUNCTIONS: Record<string, [number, number, (a: string[]) => string]> = {
  coalesce: [1, 16, (a) => `coalesce(${a.join(', ')})`],
  nullif: [2, 2, (a) => `nullif(${a.join(', ')})`],
  least: [1, 16, (a) => `least(${a.join(', ')})`],
  greatest: [1, 16, (a) => `greatest(${a.join(', ')})`],
  abs: [1, 1, (a) => `abs(${a[0]})`],
  round: [1, 2, (a) => `round(${a.join(', ')})`],
  floor: [1, 1, (a) => `floor(${a[0]})`],
  ceil: [1, 1, (a) => `ceil(${a[0]})`],
  ln: [1, 1, (a) => `ln(${a[0]})`],
  lower: [1, 1, (a) => `lower(CAST(${a[0]} AS VARCHAR))`],
  upper: [1, 1, (a) => `upper(CAST(${a[0]} AS VARCHAR))`],
  trim: [1, 1, (a) => `trim(CAST(${a[0]} AS VARCHAR))`],
  concat: [1, 16, (a) => `concat(${a.join(', ')})`],
  /** A date from text (`date('2024-01-31')`) or a timestamp. */
  date: [1, 1, (a) => `TRY_CAST(${a[0]} AS DATE)`],
  /** First day of the month of a date. */
  month_start: [1, 1, (a) => `CAST(date_trunc('month', ${a[0]}) AS DATE)`],
  /** Whole days from the first date to the second. */
  days_between: [2, 2, (a) => `date_diff('day', ${a[0]}, ${a[1]})`],
  /** A timestamp from text with a UTC offset (`timestamp(source('END'))`). */
  timestamp: [1, 1, (a) => `TRY_CAST(${a[0]} AS TIMESTAMPTZ)`],
  /** Whole seconds from the first timestamp to the second. */
  seconds_between: [2, 2, (a) => `date_diff('second', ${a[0]}, ${a[1]})`],
  /** Whole months from the first date to the second. */
  months_between: [2, 2, (a) => `date_diff('month', ${a[0]}, ${a[1]})`],
};

export const EXPR_FUNCTIONS = [...Object.keys(FUNCTIONS), 'source'];

/** How `source('X')` (the file's column X, as trimmed text) is named to the column mapper of exprSql. */
export const SOURCE_PREFIX = 'source:';

/** File columns an expression reads through source('…'). */
export function exprSources(e: Expr): string[] {
  switch (e.kind) {
    case 'neg':
    case 'interval':
      return exprSources(e.arg);
    case 'bin':
      return [...exprSources(e.left), ...exprSources(e.right)];
    case 'call':
      return e.fn === 'source' ? [(e.args[0] as { value: string }).value] : e.args.flatMap(exprSources);
    default:
      return [];
  }
}

const UNITS: Record<string, 'day' | 'month' | 'year'> = {
  day: 'day',
  days: 'day',
  month: 'month',
  months: 'month',
  year: 'year',
  years: 'year',
};

type Tok =
  | { t: 'num' | 'id' | 'str'; v: string; at: number }
  | { t: 'op'; v: string; at: number }
  | { t: 'end'; v: ''; at: number };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const at = i;
    if (/[0-9.]/.test(ch)) {
      const m = /^(\d+(\.\d*)?|\.\d+)/.exec(src.slice(i));
      if (!m) throw new ExprError(`expected a number, found ${JSON.stringify(ch)}`, at);
      out.push({ t: 'num', v: m[0], at });
      i += m[0].length;
    } else if (/[\p{L}_]/u.test(ch)) {
      const m = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: 'id', v: m[0], at });
      i += m[0].length;
    } else if (ch === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new ExprError("expected a closing ' for the text started here", at);
        if (src[i] === "'" && src[i + 1] === "'") {
          v += "'";
          i += 2;
        } else if (src[i] === "'") {
          i++;
          break;
        } else v += src[i++];
      }
      out.push({ t: 'str', v, at });
    } else if ('+-*/(),'.includes(ch)) {
      out.push({ t: 'op', v: ch, at });
      i++;
    } else
      throw new ExprError(
        `expected a column, number, 'text', function, operator (+ - * /) or parenthesis, found ${JSON.stringify(ch)}`,
        at,
      );
  }
  out.push({ t: 'end', v: '', at: src.length });
  return out;
}

/** Parses an expression; throws ExprError with the offset of the first problem. */
export function parseExpr(src: string): Expr {
  const toks = tokenize(src);
  let k = 0;
  const peek = () => toks[k] as Tok;
  const next = () => toks[k++] as Tok;
  const found = (t: Tok) => (t.t === 'end' ? 'the end of the expression' : JSON.stringify(t.v));
  const expectOp = (v: string) => {
    const t = next();
    if (t.t !== 'op' || t.v !== v) throw new ExprError(`expected "${v}", found ${found(t)}`, t.at);
  };

  function expr(): Expr {
    let left = term();
    for (let t = peek(); t.t === 'op' && (t.v === '+' || t.v === '-'); t = peek()) {
      next();
      left = { kind: 'bin', op: t.v as '+' | '-', left, right: term() };
    }
    return left;
  }
  function term(): Expr {
    let left = unary();
    for (let t = peek(); t.t === 'op' && (t.v === '*' || t.v === '/'); t = peek()) {
      next();
      left = { kind: 'bin', op: t.v as '*' | '/', left, right: unary() };
    }
    return left;
  }
  function unary(): Expr {
    const t = peek();
    if (t.t === 'op' && t.v === '-') {
      next();
      return { kind: 'neg', arg: unary() };
    }
    const arg = operand();
    const u = peek();
    if (u.t === 'id' && UNITS[u.v.toLowerCase()]) {
      next();
      return { kind: 'interval', unit: UNITS[u.v.toLowerCase()] as 'day', arg };
    }
    return arg;
  }
  function operand(): Expr {
    const t = next();
    if (t.t === 'num') return { kind: 'num', value: t.v };
    if (t.t === 'str') return { kind: 'str', value: t.v };
    if (t.t === 'op' && t.v === '(') {
      const e = expr();
      expectOp(')');
      return e;
    }
    if (t.t === 'id') {
      const p = peek();
      if (p.t === 'op' && p.v === '(') {
        const fn = t.v.toLowerCase();
        const spec = fn === 'source' ? ([1, 1, () => ''] as const) : FUNCTIONS[fn];
        if (!spec)
          throw new ExprError(
            `expected one of the functions ${EXPR_FUNCTIONS.join(', ')}, found ${JSON.stringify(t.v)}`,
            t.at,
          );
        next();
        const args: Expr[] = [];
        if (!(peek().t === 'op' && peek().v === ')')) {
          args.push(expr());
          while (peek().t === 'op' && peek().v === ',') {
            next();
            args.push(expr());
          }
        }
        expectOp(')');
        if (fn === 'source' && (args.length !== 1 || args[0]?.kind !== 'str'))
          throw new ExprError("expected source('<column of the file>'), one quoted column name", t.at);
        if (args.length < spec[0] || args.length > spec[1])
          throw new ExprError(
            `expected ${spec[0] === spec[1] ? spec[0] : `${spec[0]} to ${spec[1]}`} argument(s) for ${fn}, found ${args.length}`,
            t.at,
          );
        return { kind: 'call', fn, args };
      }
      if (UNITS[t.v.toLowerCase()])
        throw new ExprError(`expected a number or column before the unit "${t.v}"`, t.at);
      return { kind: 'col', name: t.v, at: t.at };
    }
    throw new ExprError(`expected a column, number, 'text', function or "(", found ${found(t)}`, t.at);
  }

  const e = expr();
  const t = peek();
  if (t.t !== 'end') throw new ExprError(`expected an operator or the end, found ${found(t)}`, t.at);
  return e;
}

/** Column names an expression reads, with their offsets. */
export function exprColumns(e: Expr): { name: string; at: number }[] {
  switch (e.kind) {
    case 'col':
      return [{ name: e.name, at: e.at }];
    case 'neg':
    case 'interval':
      return exprColumns(e.arg);
    case 'bin':
      return [...exprColumns(e.left), ...exprColumns(e.right)];
    case 'call':
      return e.args.flatMap(exprColumns);
    default:
      return [];
  }
}

/** SQL for a parsed expression; `column` maps a column name to the SQL that reads it (default: quoted name). */
export function exprSql(e: Expr, column: (name: string) => string = quotedIdentifier): string {
  const go = (x: Expr): string => {
    switch (x.kind) {
      case 'num':
        return x.value.includes('.') ? `CAST(${x.value} AS DOUBLE)` : x.value;
      case 'str':
        return quotedString(x.value);
      case 'col':
        return column(x.name);
      case 'neg':
        return `(-${go(x.arg)})`;
      case 'bin':
        // Division in DOUBLE: integer columns would otherwise divide as integers in some engines.
        return x.op === '/'
          ? `(CAST(${go(x.left)} AS DOUBLE) / nullif(CAST(${go(x.right)} AS DOUBLE), 0))`
          : `(${go(x.left)} ${x.op} ${go(x.right)})`;
      case 'interval': {
        const n = `CAST(${go(x.arg)} AS INTEGER)`;
        return x.unit === 'day' ? `to_days(${n})` : x.unit === 'month' ? `to_months(${n})` : `to_years(${n})`;
      }
      case 'call':
        if (x.fn === 'source') return column(`${SOURCE_PREFIX}${(x.args[0] as { value: string }).value}`);
        return (FUNCTIONS[x.fn] as [number, number, (a: string[]) => string])[2](x.args.map(go));
    }
  };
  return go(e);
}
