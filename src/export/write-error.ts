/**
 * An output file that cannot be written (read-only place, no permission, full disk, file-size limit) is the
 * user's environment, not a bug: it becomes a typed error naming the path and the reason (exit 2), instead of an
 * "internal error". DuckDB's COPY reports it as an "IO Error" text, Node's fs as an errno code.
 */
import { BadInputError } from '../core/errors.ts';

const IO_CODES = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'EFBIG',
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
]);

/** A BadInputError for `e` when it is a failure to write `out`; else `e` unchanged. */
export function asWriteError(e: unknown, out: string): unknown {
  const code = (e as { code?: unknown }).code;
  const msg = e instanceof Error ? e.message : String(e);
  const io = (typeof code === 'string' && IO_CODES.has(code)) || /^IO Error:/.test(msg);
  if (!io) return e;
  const reason = msg.replace(/^IO Error:\s*/, '');
  return new BadInputError(`cannot write ${out}: ${reason}`, {
    place: { file: out },
    hint: 'choose a writable --out (a folder you may write to, on a disk with room)',
    cause: e,
  });
}
