/**
 * An output file that cannot be written (read-only place, no permission, full disk, file-size limit) is the
 * user's environment, not a bug: it becomes a typed error naming the path and the reason (exit 2), instead of an
 * "internal error". DuckDB's COPY reports it as an "IO Error" text, Node's fs as an errno code. No room (ENOSPC,
 * EDQUOT, EFBIG, or DuckDB's "File too large"/"No space left on device") is E_NO_ROOM, the rest E_BAD_INPUT.
 */
import { BadInputError, isNoRoom, NO_ROOM_WORDS, NoRoomError } from '../core/errors.ts';

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
  if (isNoRoom(e))
    return new NoRoomError(`cannot write ${out}: ${NO_ROOM_WORDS}: ${reason}`, {
      place: { file: out },
      hint: 'free space on that disk (or choose --out on another), then export again; nothing was put in place',
      cause: e,
    });
  return new BadInputError(`cannot write ${out}: ${reason}`, {
    place: { file: out },
    hint: 'choose a writable --out (a folder you may write to, on a disk with room)',
    cause: e,
  });
}
