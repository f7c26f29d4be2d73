/**
 * Stage "open": one delivered file → something DuckDB can read as UTF-8, plus its header and checksum.
 * Reads: the file. Writes: a temporary UTF-8 copy when the file is in another encoding (GBK, GB18030, …).
 *
 * Whole-file problems (empty, truncated gzip, undeclared non-UTF-8, unknown encoding, duplicate header names) stop
 * here with BadInputError, before the warehouse is touched.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import iconv from 'iconv-lite';
import { EMPTY_MAPPING, type Mapping } from '../contract/mapping.ts';
import { BadInputError } from '../core/errors.ts';
import { sha256File } from '../core/hash.ts';
import type { SourceFile } from './types.ts';
import { dateFormats, type SheetLayout, sheetToCsv, type Workbooks } from './workbook.ts';

/** A file ready for DuckDB. */
export interface OpenedSource extends SourceFile {
  /** sha256 of the delivered bytes. */
  sha256: string;
  /** What DuckDB reads: the file itself, or its UTF-8 copy. */
  readPath: string;
  /** Whether `readPath` is still gzip-compressed. */
  readGzip: boolean;
  /** Header names of a CSV (BOM removed), in file order; empty for Parquet/JSON (DuckDB describes those). */
  header: string[];
  /** Excel: where the CSV's rows and columns sit in the sheet (`path` then reads `book.xlsx#Sheet`). */
  layout?: SheetLayout;
}

const UTF8 = new Set(['utf8', 'utf-8']);
// Enough bytes to hold any header line and a sample of rows for the encoding check.
const PEEK_BYTES = 256 * 1024;

export function isUtf8Name(enc: string | undefined): boolean {
  return enc === undefined || UTF8.has(enc.toLowerCase());
}

/** Opens one file; `tmpDir` receives decoded copies (the caller removes it). */
export async function openSource(
  f: SourceFile,
  opts: {
    encoding?: string;
    delimiter: string;
    tmpDir: string;
    index: number;
    /** Excel sheets: the batch's loaded workbooks and the mapping (date formats of the sheet's columns). */
    workbooks?: Workbooks;
    mapping?: Mapping;
  },
): Promise<OpenedSource> {
  const size = (await stat(f.path)).size;
  if (size === 0)
    throw new BadInputError(`${f.path} is empty; expected a header line and data rows`, {
      place: { file: f.path },
    });
  const sha = await sha256File(f.path);
  if (f.format === 'xlsx') return openSheet(f, sha, opts);
  let readPath = await literalPath(f, opts.tmpDir, opts.index);
  let readGzip = f.gzip;
  if (!isUtf8Name(opts.encoding) && f.format !== 'parquet') {
    const enc = opts.encoding as string;
    if (!iconv.encodingExists(enc))
      throw new BadInputError(
        `unknown encoding "${enc}" for ${f.path}; expected an iconv-lite name such as gbk`,
        {
          place: { file: f.path },
        },
      );
    readPath = join(opts.tmpDir, `${opts.index}.utf8${f.format === 'csv' ? '.csv' : '.jsonl'}`);
    const chain: (NodeJS.ReadableStream | NodeJS.WritableStream)[] = [createReadStream(f.path)];
    if (f.gzip) chain.push(createGunzip());
    chain.push(iconv.decodeStream(enc), iconv.encodeStream('utf8'), createWriteStream(readPath));
    await guard(f, () => pipeline(chain));
    readGzip = false;
  }
  if (f.format === 'parquet') return { ...f, sha256: sha, readPath, readGzip, header: [] };
  const head = await guard(f, () => peek(readPath, readGzip));
  if (head.length === 0)
    throw new BadInputError(`${f.path} has no content after decompression; expected a header line`, {
      place: { file: f.path },
    });
  checkUtf8(f, head, opts.encoding);
  const header = f.format === 'csv' ? parseHeader(f, head, opts.delimiter) : [];
  return { ...f, sha256: sha, readPath, readGzip, header };
}

/**
 * A sheet becomes a UTF-8 CSV (comma-delimited, RFC 4180) read by the CSV path; from here on its `path` names the
 * sheet (`book.xlsx#Sheet`), so every message, reject and summary line says which sheet.
 */
async function openSheet(
  f: SourceFile,
  sha256: string,
  opts: { tmpDir: string; index: number; workbooks?: Workbooks; mapping?: Mapping },
): Promise<OpenedSource> {
  if (!opts.workbooks || f.sheet === undefined)
    throw new Error(`internal: ${f.path} is a workbook but no sheet or workbook cache was given`);
  const readPath = join(opts.tmpDir, `${opts.index}.sheet.csv`);
  const wb = await opts.workbooks.load(f.path);
  const formats = dateFormats(opts.mapping ?? EMPTY_MAPPING, f.table);
  const { header, layout } = await sheetToCsv(wb, f.path, f.sheet, readPath, formats);
  return { ...f, path: `${f.path}#${f.sheet}`, sha256, readPath, readGzip: false, header, layout };
}

/**
 * DuckDB's readers expand globs (`*`, `?`, `[…]`, `{…}`) and `~` in a path, so `loans [1].csv` would read
 * `loans 1.csv` instead. Such a file is read through a symlink with a plain name.
 */
async function literalPath(f: SourceFile, tmpDir: string, index: number): Promise<string> {
  if (!/[*?[\]{}~]/.test(f.path)) return f.path;
  const name = f.path.toLowerCase().match(/(\.[a-z]+)(\.gz)?$/)?.[0] ?? '';
  const link = join(tmpDir, `${index}.literal${name}`);
  await symlink(resolve(f.path), link);
  return link;
}

/** Maps stream failures (truncated gzip, bad bytes) to a BadInputError naming the file. */
async function guard<T>(f: SourceFile, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const msg = (e as Error).message;
    const what = /unexpected end of file|incorrect header check|invalid/i.test(msg)
      ? `expected a complete gzip stream, found a damaged or truncated one (${msg})`
      : msg;
    throw new BadInputError(`cannot read ${f.path}: ${what}`, { place: { file: f.path }, cause: e });
  }
}

/** The first PEEK_BYTES of the (decompressed) file. */
async function peek(path: string, gzip: boolean): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  const src = createReadStream(path, gzip ? {} : { end: PEEK_BYTES - 1 });
  const stream = gzip ? src.pipe(createGunzip()) : src;
  try {
    for await (const c of stream) {
      chunks.push(c as Buffer);
      n += (c as Buffer).length;
      if (n >= PEEK_BYTES) break;
    }
  } finally {
    src.destroy();
  }
  return Buffer.concat(chunks).subarray(0, PEEK_BYTES);
}

/** A file in another encoding read as UTF-8 would load garbled text; say which encoding to declare instead. */
function checkUtf8(f: SourceFile, head: Buffer, declared: string | undefined): void {
  // Cut at the last newline so a character split by the peek limit is not mistaken for bad bytes.
  const cut = head.length < PEEK_BYTES ? head.length : head.lastIndexOf(0x0a) + 1;
  const bytes = head.subarray(0, cut);
  if (decodes(bytes)) return;
  // Failure path only, on a bounded buffer: find the first line that does not decode.
  let line = 1;
  for (let start = 0; start < bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end < 0 ? bytes.length : end;
    if (!decodes(bytes.subarray(start, stop))) break;
    start = stop + 1;
  }
  throw new BadInputError(
    `${f.path} is not valid UTF-8 text (first bad bytes on line ${line}); expected UTF-8${isUtf8Name(declared) ? ', or declare the encoding with --encoding (e.g. gbk, gb18030)' : ''}`,
    { place: { file: f.path, line }, hint: 'Chinese bank exports are often GBK: pass --encoding gbk' },
  );
}

function decodes(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Parses the header line (RFC 4180 quoting) and checks names are present and unique. */
export function parseHeader(f: SourceFile, head: Buffer, delimiter: string): string[] {
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const names: string[] = [];
  let cur = '';
  let quoted = false;
  let i = 0;
  for (; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      names.push(cur);
      cur = '';
    } else if (ch === '\n' || ch === '\r') break;
    else cur += ch;
  }
  names.push(cur);
  const trimmed = names.map((n) => n.trim());
  const dup = trimmed.find((n, j) => trimmed.indexOf(n) !== j);
  if (dup !== undefined)
    throw new BadInputError(`${f.path} header names column "${dup}" twice; expected unique column names`, {
      place: { file: f.path, line: 1, column: dup },
    });
  return trimmed;
}
