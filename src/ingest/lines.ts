/**
 * Physical lines of CSV rows. DuckDB numbers the rows it parsed (rowid) and reports the rows it refused by
 * record, not by physical line, so a quoted field holding a newline, or a blank line, shifts every line number
 * after it. People fix files in an editor, by physical line: this stage rewrites the lines of one file's rejects
 * to the line where each row starts.
 *
 * Reads: the file DuckDB read (decoded copy, gzip or not), file_rejects. Writes: file_rejects.line.
 * Runs only for a CSV file that has rejects, in one streaming pass holding only the rejected rows' positions.
 *
 * A record starts after the previous record's newline; blank lines before it belong to it (DuckDB skips blank
 * lines), and its line is that of its first non-blank byte. DuckDB reports a refused row by a byte offset that is
 * the start of its blank lines, its first byte, or (after a quoted newline) one byte later, so any offset in that
 * span identifies the record. Quotes follow RFC 4180 (`"` quotes, `""` escapes), as the reader was told. When the scan does
 * not find exactly the rows DuckDB saw (e.g. an unterminated quote, after which the reader resynchronizes on the
 * next line), the record-based lines are kept and the caller says so.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Warehouse } from '../warehouse/db.ts';

/** What the scan needs to know about the rows of one file. */
interface Wanted {
  /** 1-based ordinals among parsed rows (rowid − base + 1) whose line is wanted. */
  parsed: Set<number>;
  /** Byte offsets DuckDB gave for refused rows (start of the record, blank lines included). */
  refusedAt: Set<number>;
}

interface ScanResult {
  /** Parsed-row ordinal → physical line. */
  parsed: Map<number, number>;
  /** Refused-row byte offset → physical line. */
  refused: Map<number, number>;
  /** Records seen after the header. */
  records: number;
}

/** One pass over the bytes: record boundaries outside quotes, the physical line where each record's content starts. */
export async function scanRecordLines(path: string, gzip: boolean, wanted: Wanted): Promise<ScanResult> {
  const out: ScanResult = { parsed: new Map(), refused: new Map(), records: 0 };
  const src = createReadStream(path);
  const stream = gzip ? src.pipe(createGunzip()) : src;
  let offset = 0; // byte offset of the current chunk's first byte
  let line = 1; // physical line of the current byte
  let quoted = false;
  let recordStart = 0; // byte after the previous record's newline
  let contentLine = 0; // line of the record's first non-blank byte; 0 while only blank bytes were seen
  let contentAt = 0; // byte offset of that first non-blank byte
  let header = true;
  let parsedNo = 0;
  const endRecord = () => {
    if (header) header = false;
    else {
      out.records++;
      let refusedAt = -1;
      for (let at = recordStart; at <= contentAt + 1 && refusedAt < 0; at++)
        if (wanted.refusedAt.has(at)) refusedAt = at;
      if (refusedAt >= 0) out.refused.set(refusedAt, contentLine);
      else {
        parsedNo++;
        if (wanted.parsed.has(parsedNo)) out.parsed.set(parsedNo, contentLine);
      }
    }
  };
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    for (let i = 0; i < b.length; i++) {
      const c = b[i] as number;
      if (c === 0x22) quoted = !quoted;
      if (c === 0x0a) {
        if (!quoted && contentLine > 0) {
          endRecord();
          recordStart = offset + i + 1;
          contentLine = 0;
        } else if (!quoted && contentLine === 0 && header) recordStart = offset + i + 1;
        line++;
      } else if (contentLine === 0 && c !== 0x0d) {
        contentLine = line;
        contentAt = offset + i;
      }
    }
    offset += b.length;
  }
  if (contentLine > 0) endRecord();
  return out;
}

/**
 * Rewrites `file_rejects.line` of one CSV file to physical lines. `base` is the smallest rowid of the scan,
 * `refusedOffsets` the byte offsets of refused rows by their record-based line. Returns false when the scan and
 * DuckDB disagree on the rows (lines then stay record-based).
 */
export async function physicalLines(
  w: Warehouse,
  file: { readPath: string; readGzip: boolean },
  base: bigint,
  rows: number,
  refusedOffsets: Map<number, number>,
): Promise<boolean> {
  const need = await w.all<{ k: bigint }>(
    `SELECT DISTINCT row_id - ${base} + 1 AS k FROM file_rejects WHERE row_id IS NOT NULL`,
  );
  const wanted: Wanted = {
    parsed: new Set(need.map((r) => Number(r.k))),
    refusedAt: new Set(refusedOffsets.values()),
  };
  if (wanted.parsed.size === 0 && wanted.refusedAt.size === 0) return true;
  const scan = await scanRecordLines(file.readPath, file.readGzip, wanted);
  if (scan.records !== rows + refusedOffsets.size || scan.refused.size !== wanted.refusedAt.size)
    return false;
  await w.run('CREATE OR REPLACE TEMP TABLE physical_lines (row_id BIGINT, old_line BIGINT, line BIGINT)');
  const values: string[] = [];
  for (const [k, l] of scan.parsed) values.push(`(${BigInt(k) - 1n + base}, NULL, ${l})`);
  for (const [oldLine, at] of refusedOffsets) values.push(`(NULL, ${oldLine}, ${scan.refused.get(at)})`);
  // Numbers only (computed here), so the VALUES list carries no user text.
  for (let i = 0; i < values.length; i += 10_000)
    await w.run(`INSERT INTO physical_lines VALUES ${values.slice(i, i + 10_000).join(',')}`);
  await w.run(`UPDATE file_rejects f SET line = p.line FROM physical_lines p
    WHERE (p.row_id IS NOT NULL AND f.row_id = p.row_id) OR (p.row_id IS NULL AND f.row_id IS NULL AND f.line = p.old_line)`);
  await w.run('DROP TABLE physical_lines');
  return true;
}
