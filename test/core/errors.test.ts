import { describe, expect, it } from 'vitest';
import { handleError } from '../../src/cli/main.ts';
import {
  BadInputError,
  formatPlace,
  InsufficientDataError,
  InterruptedError,
  isNoRoom,
  NoRoomError,
  PartialError,
} from '../../src/core/errors.ts';

describe('typed errors', () => {
  it('formats a place with file, line, column and value', () => {
    expect(formatPlace({ file: 'loans.csv', line: 12, column: 'principal', value: '-3' })).toBe(
      'loans.csv:12, column "principal", value "-3"',
    );
  });

  it.each([
    [new BadInputError('bad'), 2],
    [new PartialError('some rejected', { rejected: 1 }), 3],
    [new InsufficientDataError('one class', { missing: 'hang-ups' }), 2],
    [new NoRoomError('cannot write x.csv: no room'), 2],
    [new InterruptedError('SIGINT', 'while training'), 130],
    [new InterruptedError('SIGTERM', 'while training'), 143],
    [new Error('boom'), 1],
  ])('maps %s to exit code %i', (err, code) => {
    const write = process.stderr.write;
    const writeOut = process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      expect(handleError(err, true)).toBe(code);
    } finally {
      process.stderr.write = write;
      process.stdout.write = writeOut;
    }
  });

  it.each([
    [Object.assign(new Error('write'), { code: 'ENOSPC' }), true],
    [Object.assign(new Error('write'), { code: 'EDQUOT' }), true],
    [Object.assign(new Error('write'), { code: 'EFBIG' }), true],
    [new Error('IO Error: Could not write file "w.duckdb.wal": No space left on device'), true],
    [new Error('TransactionContext Error: Failed to commit: Could not write file "x": File too large'), true],
    [Object.assign(new Error('open'), { code: 'EACCES' }), false],
    [new Error('IO Error: Could not write file "x": Permission denied'), false],
  ])('isNoRoom(%s) is %s: a full disk, a quota and a file-size limit alike', (e, room) => {
    expect(isNoRoom(e)).toBe(room);
  });
});
