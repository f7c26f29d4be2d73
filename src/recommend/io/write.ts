/**
 * Stores a recommendations run: the follow-ups are staged as the planner emits them, then the run row and one row
 * per follow-up replace an earlier run of the same id in one transaction.
 */

import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.ts';
import { BadInputError, isNoRoom, NO_ROOM_WORDS, NoRoomError } from '../../core/errors.ts';
import { removeStaleTempsIn, tempPathOf } from '../../core/temp-files.ts';
import { literal, type Warehouse } from '../../warehouse/db.ts';
import type { Recommendation } from '../index.ts';

const COLUMNS: (keyof Recommendation)[] = [
  'run_id',
  'loan_id',
  'borrower_id',
  'as_of',
  'purpose',
  'cycle',
  'due_on',
  'earliest_on',
  'latest_on',
  'hard_deadline',
  'cadence_days',
  'risk_at_due',
  'risk_budget',
  'time_zone',
  'hour_start',
  'hour_end',
  'weekday',
  'window_start_utc',
  'window_end_utc',
  'channel',
  'hangup_risk',
  'hangup_risk_worst',
  'prenotify',
  'prenotify_channel',
  'prenotify_at_utc',
  'prenotify_reason',
  'priority',
  'reason_codes',
  'reasons',
  'moved',
  'delinquency_model',
  'hangup_model',
  'policy_version',
  'next_action',
  'assignee',
  'script_id',
  'script_lang',
  'talking_points',
  'notice_text',
  'notice_segments',
  'followup_id',
];

/** Recommendations streamed into a staging file as the planner emits them (no array of all of them in memory). */
export interface RecommendationSink {
  add(r: Recommendation): void;
  /** Rows added so far. */
  readonly count: number;
  /** The staging file (newline-delimited JSON, one follow-up per line). */
  readonly path: string;
  /** Writes out what is buffered and closes the file; then `commitRecommendations` moves the rows into place. */
  close(): void;
  /** Closes and deletes the staging file (after the commit, or when the run failed). */
  remove(): Promise<void>;
}

/** Bytes buffered before a write to the staging file. */
const FLUSH_BYTES = 1 << 23;

/** Staging files are `followup-recommend-<random>.ndjson.<pid>.tmp` in the system's temp folder. */
const STAGE_PREFIX = 'followup-recommend-';

/**
 * Opens the staging file: one JSON document per follow-up and line, in the system's temp folder (TMPDIR). A file,
 * not a DuckDB table: an appender row costs ~25 µs in DuckDB's own storage (17 s and ~1.5 GB of memory for 734,000
 * follow-ups at a million loans), a buffered write a fraction of that, and DuckDB reads the file back on all its
 * threads at commit. The name carries the process id: a run killed before it removed its file (SIGKILL, a power
 * cut) leaves it behind, and the next run removes the files of processes that no longer run.
 */
export async function stageRecommendations(): Promise<RecommendationSink> {
  await removeStaleTempsIn(tmpdir(), (name) => name.startsWith(STAGE_PREFIX));
  const path = tempPathOf(join(tmpdir(), `${STAGE_PREFIX}${randomUUID()}.ndjson`));
  // The temp folder is the user's environment, not a bug: no room is E_NO_ROOM, any other failure of the file
  // system (no such folder, no permission) a typed error naming the file; both exit 2 with nothing written.
  const fail = (e: unknown): never => {
    if (isNoRoom(e))
      throw new NoRoomError(`cannot stage the follow-ups in ${path}: ${NO_ROOM_WORDS}: ${String(e)}`, {
        place: { file: path },
        hint: 'free space in the temp folder (or point TMPDIR at a disk with room), then run again; nothing was written',
        cause: e,
      });
    if (typeof (e as { code?: unknown }).code === 'string')
      throw new BadInputError(`cannot stage the follow-ups in ${path}: ${String(e)}`, {
        place: { file: path },
        hint: 'point TMPDIR at a folder this user may write, on a disk with room; nothing was written',
        cause: e,
      });
    throw e;
  };
  let fd: number | undefined;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    fail(e);
  }
  // Lines are encoded straight into one buffer, written out when the next line might not fit: no joined text and
  // no fresh buffer per write (at a million loans the joined, two-byte text of the Chinese scripts and its UTF-8
  // copy cost more than the JSON itself, and fed the young generation's collections).
  let buf = Buffer.allocUnsafe(FLUSH_BYTES);
  let size = 0;
  let count = 0;
  const flush = () => {
    if (size === 0 || fd === undefined) return;
    // A write may take fewer bytes than given (a disk filling up): write the rest until done or refused.
    try {
      for (let at = 0; at < size; ) at += writeSync(fd, buf, at, size - at);
    } catch (e) {
      fail(e);
    }
    size = 0;
  };
  const close = () => {
    if (fd === undefined) return;
    try {
      flush();
    } finally {
      closeSync(fd);
      fd = undefined;
    }
  };
  return {
    add(r) {
      const line = JSON.stringify(r);
      // UTF-8 takes at most 3 bytes per UTF-16 code unit; a line longer than the buffer gets a buffer of its own.
      const most = line.length * 3 + 1;
      if (size + most > buf.length) flush();
      if (most > buf.length) buf = Buffer.allocUnsafe(most);
      size += buf.write(line, size, 'utf8');
      buf[size++] = 0x0a;
      count++;
    },
    get count() {
      return count;
    },
    path,
    close,
    async remove() {
      size = 0;
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      await rm(path, { force: true });
    },
  };
}

/** Replaces run `runId` with the rows of the staging file `staged` (closed), in one transaction. */
export async function commitRecommendations(
  w: Warehouse,
  runId: string,
  cfg: { asOf: string; shard?: string; capacityPerDay?: number | null },
  policyVersion: string,
  delinquencyModel: string,
  hangupModel: string,
  count: number,
  clock: Clock,
  staged: string,
): Promise<void> {
  // DuckDB's JSON reader parses the lines on all its threads straight into these columns; values stay text and
  // are cast by the INSERT to the table's types, arrays become VARCHAR[]. Keys not named here are ignored.
  const shape = `{${COLUMNS.map(
    (c) =>
      `${c}: '${c === 'reason_codes' || c === 'reasons' || c === 'talking_points' ? 'VARCHAR[]' : 'VARCHAR'}'`,
  ).join(', ')}}`;
  await w.tx(async (t) => {
    await t.run('DELETE FROM recommendations WHERE run_id = $1', [runId]);
    await t.run('DELETE FROM recommendation_runs WHERE run_id = $1', [runId]);
    await t.run(
      `INSERT INTO recommendation_runs (run_id, as_of, created_at, policy_version, delinquency_model, hangup_model,
         shard, n_recommendations, capacity_per_day)
       VALUES ($1, $2::DATE, $3::TIMESTAMPTZ, $4, $5, $6, $7, $8, $9)`,
      [
        runId,
        cfg.asOf,
        clock.now().toISOString(),
        policyVersion,
        delinquencyModel,
        hangupModel,
        cfg.shard ?? null,
        count,
        cfg.capacityPerDay ?? null,
      ],
    );
    await t.run(
      `INSERT INTO recommendations BY NAME
       SELECT * FROM read_ndjson(${literal(staged)}, columns = ${shape}, format = 'newline_delimited')`,
    );
  });
}
