/**
 * The iCalendar events' bytes as the file holds them, made in one pass over the UTF-8 bytes DuckDB rendered
 * (ics-event.ts): TEXT values escaped as ical-generator escapes them, and every line folded to 75 octets
 * (RFC 5545 §3.1: CRLF and one space, never inside a character), into a buffer the writer reuses.
 *
 * Why one pass in JS: at 1 M events, escaping in DuckDB (two RE2 passes over ~0.8 GB of text) was most
 * of its render and ran on one thread; folding the rendered text afterwards (views between the breaks, then a copy)
 * cost the main thread longer than DuckDB took to render it. Here each byte is read once and written once.
 */

/** Per byte: 1 for `\ ; ,` (written after a backslash), 2 for CR and LF (written as `\n`), else 0. */
const TEXT_ESCAPE = new Uint8Array(256);
for (const c of '\\;,') TEXT_ESCAPE[c.charCodeAt(0)] = 1;
TEXT_ESCAPE[0x0d] = TEXT_ESCAPE[0x0a] = 2;

const CR = 0x0d;
const LF = 0x0a;
const LINE_OCTETS = 75;
/** Octets on a line below which any character (at most 4 octets) still fits it. */
const FAST = LINE_OCTETS - 3;

/** Octets of the UTF-8 character whose first byte is `c` (≥ 0xc0). */
function charOctets(c: number): number {
  return c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/**
 * Whether byte `c`, written at octet `col` of its line, starts a character that would pass 75 octets. Below FAST a
 * character of any length still fits; a continuation byte (0x80–0xbf) never starts one.
 */
function breaksBefore(c: number, col: number): boolean {
  return col >= FAST && (c < 0x80 || c >= 0xc0) && col + (c < 0x80 ? 1 : charOctets(c)) > LINE_OCTETS;
}

/**
 * A growing buffer of folded iCalendar bytes. `raw` appends bytes whose CRLFs end lines (an event's fixed lines);
 * `text` appends a TEXT value, escaped. Both fold as they go: a character that would pass 75 octets on its line
 * starts a continuation line instead (CRLF, a space, the character), the same breaks foldIcs makes on the text.
 * A lone CR or LF outside a TEXT value is part of its line, as in foldIcs.
 */
export class FoldedIcs {
  private buf: Buffer;
  private at = 0;
  /** Octets on the current line so far (a continuation's leading space included), counted a byte at a time. */
  private col = 0;

  constructor(size = 1 << 20) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** The bytes appended since the last clear (a view: valid until the next append or clear). */
  get bytes(): Uint8Array {
    return this.buf.subarray(0, this.at);
  }

  /** Starts over, keeping the buffer. Only between lines: a clear inside a line would restart its count. */
  clear(): void {
    this.at = 0;
    this.col = 0;
  }

  /** Room for `octets` input bytes, whatever they turn into: escaping at most doubles them, folding adds 3 in 75. */
  private reserve(octets: number): void {
    const need = this.at + 3 * octets + 8;
    if (need <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  /** A continuation line: CRLF and a space, which is the new line's first octet. */
  private static fold(buf: Buffer, at: number): number {
    buf[at] = CR;
    buf[at + 1] = LF;
    buf[at + 2] = 0x20;
    return at + 3;
  }

  /** Appends src[from, to), its CRLFs ending lines. */
  raw(src: Uint8Array, from = 0, to = src.length): void {
    this.reserve(to - from);
    const buf = this.buf;
    let at = this.at;
    let col = this.col;
    for (let i = from; i < to; i++) {
      const c = src[i] as number;
      if (c === CR && i + 1 < to && src[i + 1] === LF) {
        buf[at++] = CR;
        buf[at++] = LF;
        i++;
        col = 0;
        continue;
      }
      if (breaksBefore(c, col)) {
        at = FoldedIcs.fold(buf, at);
        col = 1;
      }
      buf[at++] = c;
      col++;
    }
    this.at = at;
    this.col = col;
  }

  /**
   * Appends src[from, to) as RFC 5545 TEXT, as ical-generator escapes it: `\ ; ,` get a backslash and every CRLF,
   * CR or LF becomes `\n` (a CRLF is one break). The bytes of a multi-byte character are ≥ 0x80, never one of these.
   */
  text(src: Uint8Array, from = 0, to = src.length): void {
    this.reserve(to - from);
    const buf = this.buf;
    let at = this.at;
    let col = this.col;
    for (let i = from; i < to; i++) {
      const c = src[i] as number;
      const kind = TEXT_ESCAPE[c];
      if (kind === 0) {
        if (breaksBefore(c, col)) {
          at = FoldedIcs.fold(buf, at);
          col = 1;
        }
        buf[at++] = c;
        col++;
        continue;
      }
      // Two ASCII characters, each may start a continuation line: a backslash, then the character or `n`.
      if (col >= LINE_OCTETS) {
        at = FoldedIcs.fold(buf, at);
        col = 1;
      }
      buf[at++] = 0x5c;
      if (++col >= LINE_OCTETS) {
        at = FoldedIcs.fold(buf, at);
        col = 1;
      }
      if (kind === 1) buf[at++] = c;
      else {
        buf[at++] = 0x6e;
        if (c === CR && i + 1 < to && src[i + 1] === LF) i++;
      }
      col++;
    }
    this.at = at;
    this.col = col;
  }
}
