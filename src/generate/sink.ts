/**
 * CSV output through Node streams, honouring backpressure, optionally gzipped. Rows are buffered in small
 * batches and the generator awaits `flush()` between borrower blocks, so memory stays flat at any world size.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** A CSV field: null becomes an empty field; text is quoted only when it must be. */
function field(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A CSV file written row by row. */
export class CsvSink {
  /** Data rows written so far (the header excluded). */
  rows = 0;
  private parts: string[] = [];
  private size = 0;
  private readonly head: Writable;
  private readonly done: Promise<void>;

  constructor(
    /** File path; `.gz` output when `gzip` is true (the caller picks the name). */
    readonly path: string,
    /** Column names, in file order. */
    readonly columns: readonly string[],
    gzip: boolean,
  ) {
    const file = createWriteStream(path);
    if (gzip) {
      const gz = createGzip({ level: 6 });
      this.head = gz;
      this.done = pipeline(gz, file);
    } else {
      this.head = file;
      this.done = new Promise((resolve, reject) => {
        file.on('finish', () => resolve());
        file.on('error', reject);
      });
    }
    this.parts.push(columns.join(','));
  }

  /** Appends a row given as an object keyed by column name. */
  write(row: Readonly<Record<string, unknown>>): void {
    let line = '';
    for (let i = 0; i < this.columns.length; i++) {
      if (i > 0) line += ',';
      line += field(row[this.columns[i]!]);
    }
    this.parts.push(line);
    this.size += line.length;
    this.rows++;
  }

  /** Appends a row given as values in column order (no object per row: the hot path for big worlds). */
  writeValues(values: readonly unknown[]): void {
    let line = field(values[0]);
    for (let i = 1; i < values.length; i++) line += `,${field(values[i])}`;
    this.parts.push(line);
    this.size += line.length;
    this.rows++;
  }

  /** Hands buffered rows to the stream; resolves once the stream can take more. */
  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = `${this.parts.join('\n')}\n`;
    this.parts = [];
    this.size = 0;
    if (!this.head.write(chunk)) await once(this.head, 'drain');
  }

  /** Buffered characters not yet handed to the stream. */
  get buffered(): number {
    return this.size;
  }

  /** Flushes, ends the stream and waits until the file is complete on disk. */
  async close(): Promise<void> {
    await this.flush();
    this.head.end();
    await this.done;
  }
}
