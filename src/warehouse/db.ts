/**
 * DuckDB access in one place: open a warehouse file, quote identifiers, bind values, run in a transaction.
 * User text never reaches SQL except through `ident()` (identifiers) or bound parameters (values).
 */
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import {
  BusyError,
  FollowupError,
  InterruptedError,
  isNoRoom,
  NO_ROOM_WORDS,
  NoRoomError,
  UsageError,
} from '../core/errors.ts';
import { interruptSignal, signalName, throwIfInterrupted } from '../core/interrupt.ts';

/** The warehouse file is not a DuckDB database, or is truncated or corrupt. Exit 2. */
export class WarehouseError extends FollowupError {
  constructor(message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super('E_WAREHOUSE', 2, message, opts);
  }
}

// DuckDB's words for a file that is not a database, cut short or overwritten.
const DAMAGED =
  /not a valid DuckDB database file|Could not read enough bytes|Corrupt database file|checksum|database file .* (is|was) (truncated|corrupt)|Serialization Error|Invalid Input Error: Catalog/i;

/** Turns DuckDB's errors about a damaged file into a WarehouseError naming the file; other errors pass. */
export function damaged(path: string, e: unknown): unknown {
  if (!(e instanceof Error) || !DAMAGED.test(e.message) || e instanceof FollowupError) return e;
  return new WarehouseError(
    `warehouse ${path} is damaged or not a DuckDB file: ${e.message.split('\n')[0]}; expected a warehouse written by followup`,
    {
      hint: 'restore the warehouse from a backup, or rebuild it with `followup ingest` from the delivered files',
      cause: e,
    },
  );
}

/**
 * DuckDB's error for a write that found no room (the WAL at COMMIT, the database file at a checkpoint or for a
 * large uncommitted insert): a NoRoomError naming the warehouse. The failed statement or COMMIT was rolled back.
 */
function noRoom(path: string, e: unknown): unknown {
  if (!isNoRoom(e) || e instanceof FollowupError) return e;
  // A COPY to an export file names that file: the caller reports it as the output's error, not the warehouse's.
  const file = /Could not write file "([^"]*)"/.exec((e as Error).message)?.[1];
  if (file !== undefined && !file.startsWith(path)) return e;
  return new NoRoomError(`cannot write warehouse ${path}: ${NO_ROOM_WORDS}: ${firstLine(e)}`, {
    place: { file: path },
    hint: 'free space on its disk (or raise the limit) and run again; the unfinished transaction was rolled back, so the warehouse holds what it held before this run',
    cause: e,
  });
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** One place that turns a DuckDB failure into the project's typed errors. */
function translate(path: string, e: unknown, signal: AbortSignal | undefined, memoryLimit?: string): unknown {
  // The abort listener below interrupted the query: say which signal stopped the run, not DuckDB's words.
  if (signal?.aborted && e instanceof Error && /INTERRUPT/.test(e.message) && !(e instanceof FollowupError))
    return new InterruptedError(
      signalName(signal),
      'during a warehouse query; its unfinished transaction was rolled back',
    );
  // Out of memory under a limit someone set: the user's setting, not a bug (exit 2, naming the limit).
  if (memoryLimit && e instanceof Error && /Out of Memory Error/i.test(e.message))
    return new NoRoomError(
      `warehouse ${path}: DuckDB ran out of memory under its memory_limit of ${memoryLimit} (${e.message.split('\n')[0]})`,
      { hint: "raise FOLLOWUP_DUCKDB_MEMORY, or unset it for DuckDB's default (80 % of RAM)", cause: e },
    );
  return damaged(path, noRoom(path, e));
}

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

export interface Warehouse {
  /** Path of the DuckDB file, or `:memory:`. */
  readonly path: string;
  readonly conn: DuckDBConnection;
  /** Runs a statement (or several separated by `;` when no params are given). */
  run(sql: string, params?: Params): Promise<void>;
  /** Runs a query and returns plain JS row objects (BIGINT → bigint, DATE → string via `json`). */
  all<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T[]>;
  /**
   * Streams a query's result chunk by chunk (DuckDB data chunks of ~2k rows), handing `fn` each chunk's columns by
   * name, never row objects: results of millions of rows cost their values, not an object per row (which cost the
   * 1M planner view 22 s of conversion and most of its garbage collection). Returns the number of rows.
   */
  chunks(
    sql: string,
    params: Params | undefined,
    fn: (columns: Record<string, DuckDBValue[]>, rows: number) => void,
  ): Promise<number>;
  /**
   * A second connection to the same database (same settings, same stop signal), for a query to run on DuckDB's
   * threads while this connection's caller computes in JavaScript, or for a pipeline step that runs beside
   * another. It sees what is committed, not this connection's open transaction, and has its own temp tables. A
   * fork may fork again; closing a fork closes its connection only. Close forks before the warehouse they came from.
   */
  fork(): Promise<Warehouse>;
  /**
   * Hands back to the system the table blocks DuckDB keeps cached after its queries (it keeps them up to its memory
   * limit, 80 % of RAM by default), for a long stretch of JavaScript that needs the memory and no query: DuckDB
   * reads them again when a later query needs them. The limit is the database's and lowered for a moment, so a
   * query of another connection would meet it and fail: while one runs, the cache is left as it is (`skipped`), and
   * queries that start during the drop wait for it. Returns the MiB DuckDB held before and after.
   */
  dropCache(): Promise<{ before_mb: number; after_mb: number; skipped?: 'queries running' }>;
  /**
   * The next number of sequence `key` for a row this connection is about to write: `atLeast` (one more than the
   * largest the caller read) unless this database already handed out as much, to this or another of its
   * connections. Transactions that run side by side (pipeline steps) read the same committed maximum; this keeps
   * their numbers apart. A number of a transaction rolled back is not handed out again (a gap, never a repeat).
   */
  reserve(key: string, atLeast: number): number;
  /** First row or undefined. */
  one<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T | undefined>;
  /**
   * Runs `fn` inside BEGIN/COMMIT; rolls back on any error so a failed step leaves the warehouse as it was. An
   * interrupt (SIGINT/SIGTERM) before the COMMIT rolls back too: a stopped stage has written nothing.
   */
  tx<T>(fn: (w: Warehouse) => Promise<T>): Promise<T>;
  /** Aborted when the run is asked to stop (see OpenOptions.signal); stages check it before irreversible steps. */
  readonly signal: AbortSignal | undefined;
  close(): void;
}

/** What `dropCache` lowers DuckDB's memory limit to for a moment. */
const CACHE_FLOOR = '1MB';

/** Quotes an SQL identifier (table or column name) so any text is safe as a name. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for the few places DuckDB does not accept parameters (e.g. COPY options, file paths). */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * (Re)creates temp table `name` (loan_id VARCHAR, i INTEGER) holding `ids` with their positions, through an
 * appender: a join on it selects a set of loans far faster than a parameter list, and `i` maps rows back.
 */
export async function tempLoanIds(w: Warehouse, name: string, ids: readonly string[]): Promise<void> {
  await w.run(`CREATE OR REPLACE TEMP TABLE ${ident(name)} (loan_id VARCHAR, i INTEGER)`);
  const app = await w.conn.createAppender(name, 'main', 'temp');
  try {
    ids.forEach((id, i) => {
      app.appendVarchar(id);
      app.appendInteger(i);
      app.endRow();
    });
  } finally {
    app.closeSync();
  }
}

export interface OpenOptions {
  /** DuckDB `threads` setting. Default: DuckDB's choice (all cores). */
  threads?: number;
  /** DuckDB `memory_limit`, e.g. `4GB`. */
  memoryLimit?: string;
  /** Open read-only (scoring, reports). */
  readOnly?: boolean;
  /**
   * Stops the warehouse's work when aborted: the query in flight is interrupted and a transaction refuses to
   * commit (InterruptedError). Default: the CLI's SIGINT/SIGTERM trap when one is in place (src/core/interrupt.ts).
   */
  signal?: AbortSignal;
}

/**
 * DuckDB's memory limit and threads for every warehouse a process opens, from the environment, so an operator sets
 * them once for a whole scheduled run: `FOLLOWUP_DUCKDB_MEMORY` (e.g. `2GB`; DuckDB's default is 80 % of RAM, and
 * at 1,000,000 borrowers a 2 GB limit took recommend's peak from 8.4 GB to 6.6 GB at the same speed) and
 * `FOLLOWUP_DUCKDB_THREADS` (default: every core). Options given in code win.
 */
export function duckdbSettings(env: NodeJS.ProcessEnv = process.env): {
  memoryLimit?: string;
  threads?: number;
} {
  const out: { memoryLimit?: string; threads?: number } = {};
  const mem = env.FOLLOWUP_DUCKDB_MEMORY?.trim();
  if (mem) {
    if (!/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(mem))
      throw new UsageError(
        `FOLLOWUP_DUCKDB_MEMORY: expected a size such as 512MB, 2GB or 1.5GiB; found ${JSON.stringify(mem)}`,
      );
    out.memoryLimit = mem;
  }
  const threads = env.FOLLOWUP_DUCKDB_THREADS?.trim();
  if (threads) {
    if (!/^[1-9]\d*$/.test(threads))
      throw new UsageError(
        `FOLLOWUP_DUCKDB_THREADS: expected a whole number of threads (1 or more); found ${JSON.stringify(threads)}`,
      );
    out.threads = Number(threads);
  }
  return out;
}

export async function openWarehouse(path: string, opts: OpenOptions = {}): Promise<Warehouse> {
  const config: Record<string, string> = {};
  const env = duckdbSettings();
  const threads = opts.threads ?? env.threads;
  const memoryLimit = opts.memoryLimit ?? env.memoryLimit;
  if (threads) config.threads = String(threads);
  if (memoryLimit) config.memory_limit = memoryLimit;
  if (opts.readOnly) config.access_mode = 'READ_ONLY';
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, config);
  } catch (e) {
    // DuckDB allows one writing process per file; say so in the project's terms instead of an internal error.
    if (e instanceof Error && /Could not set lock/i.test(e.message))
      throw new BusyError(`warehouse ${path} is in use by another process`, {
        hint: 'wait for the other run to finish, then retry',
      });
    throw translate(path, e, undefined, memoryLimit);
  }
  const conn = await instance.connect();
  // Dates and timestamps are compared in UTC regardless of the machine's zone; local times use explicit zones.
  await conn.run("SET TimeZone = 'UTC'");
  const db: Database = { instance, busy: 0, dropping: undefined, reserved: new Map() };
  return wrap(path, conn, db, true, opts.signal ?? interruptSignal(), memoryLimit);
}

/** What every connection of one opened database shares. */
interface Database {
  instance: DuckDBInstance;
  /** Queries in flight on any of its connections. */
  busy: number;
  /** Set while `dropCache` holds the memory limit low; queries wait for it before they start. */
  dropping: Promise<void> | undefined;
  /** Largest number handed out by `reserve`, by key. */
  reserved: Map<string, number>;
}

function wrap(
  path: string,
  conn: DuckDBConnection,
  db: Database,
  owner: boolean,
  signal: AbortSignal | undefined,
  memoryLimit?: string,
): Warehouse {
  /** Runs one query of this connection, counted in `db.busy`, after a cache drop in progress. */
  const counted = async <T>(q: () => Promise<T>): Promise<T> => {
    while (db.dropping) await db.dropping;
    db.busy++;
    try {
      return await q();
    } finally {
      db.busy--;
    }
  };
  let inTx = false;
  // A query runs on a worker thread, so this listener runs while it does and stops it (DuckDB's INTERRUPT error).
  const stop = () => conn.interrupt();
  signal?.addEventListener('abort', stop, { once: true });
  const w: Warehouse = {
    path,
    conn,
    signal,
    async run(sql, params) {
      try {
        await counted(() => conn.run(sql, params));
      } catch (e) {
        throw translate(path, e, signal, memoryLimit);
      }
    },
    async all<T>(sql: string, params?: Params) {
      try {
        const reader = await counted(() => conn.runAndReadAll(sql, params));
        return reader.getRowObjectsJS() as T[];
      } catch (e) {
        throw translate(path, e, signal, memoryLimit);
      }
    },
    async chunks(sql, params, fn) {
      let n = 0;
      try {
        // Counted until the last chunk: DuckDB works on a streamed result as it is fetched.
        await counted(async () => {
          const result = await conn.stream(sql, params);
          const names = result.columnNames();
          for (let c = await result.fetchChunk(); c && c.rowCount > 0; c = await result.fetchChunk()) {
            fn(c.getColumnsObject(names), c.rowCount);
            n += c.rowCount;
          }
        });
      } catch (e) {
        throw translate(path, e, signal, memoryLimit);
      }
      return n;
    },
    async fork() {
      const c = await db.instance.connect();
      await c.run("SET TimeZone = 'UTC'");
      return wrap(path, c, db, false, signal, memoryLimit);
    },
    async dropCache() {
      const held = async () => {
        const r = await w.one<{ b: bigint | null }>(
          'SELECT sum(memory_usage_bytes)::BIGINT AS b FROM duckdb_memory()',
        );
        return Math.round(Number(r?.b ?? 0) / 2 ** 20);
      };
      const before = await held();
      // The limit goes back to the one this database was opened with, or to DuckDB's reading of its default
      // (rounded to 0.1 GiB). Not RESET: DuckDB 1.5's RESET restores the setting's text but leaves its buffer pool
      // at the low limit, and the next large query fails.
      const was =
        memoryLimit ?? (await w.one<{ v: string }>("SELECT current_setting('memory_limit') AS v"))?.v;
      if (!was) return { before_mb: before, after_mb: before };
      // A limit lower than what DuckDB holds makes it evict (cached blocks are simply freed, and its allocator
      // returns the pages at once). DuckDB refuses a limit it cannot reach without spilling what a query pins:
      // then it evicted what it could. The limit is the database's, so it is set on a connection of its own: a
      // refusal on this one would abort this connection's open transaction. No query starts meanwhile (`counted`);
      // one already running (another step's, another connection's) would fail on the low limit: then skip the drop.
      if (db.busy > 0) return { before_mb: before, after_mb: before, skipped: 'queries running' as const };
      let dropped!: () => void;
      db.dropping = new Promise((r) => {
        dropped = r;
      });
      try {
        const aside = await db.instance.connect();
        try {
          await aside.run(`SET memory_limit = '${CACHE_FLOOR}'`).catch(() => {});
          await aside.run(`SET memory_limit = ${literal(was)}`);
        } finally {
          aside.closeSync();
        }
      } catch (e) {
        throw translate(path, e, signal, memoryLimit);
      } finally {
        db.dropping = undefined;
        dropped();
      }
      return { before_mb: before, after_mb: await held() };
    },
    reserve(key, atLeast) {
      const n = Math.max(atLeast, (db.reserved.get(key) ?? 0) + 1);
      db.reserved.set(key, n);
      return n;
    },
    async one<T>(sql: string, params?: Params) {
      const rows = await w.all<T>(sql, params);
      return rows[0];
    },
    async tx<T>(fn: (w: Warehouse) => Promise<T>) {
      if (inTx) return fn(w); // nested: join the outer transaction
      await conn.run('BEGIN TRANSACTION');
      inTx = true;
      try {
        const out = await fn(w);
        throwIfInterrupted(signal, 'before its commit; the warehouse holds what it held before this run');
        await counted(() => conn.run('COMMIT')).catch((e: unknown) => {
          throw translate(path, e, signal, memoryLimit);
        });
        return out;
      } catch (e) {
        await conn.run('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        inTx = false;
      }
    },
    close() {
      signal?.removeEventListener('abort', stop);
      conn.closeSync();
      if (owner) db.instance.closeSync();
    },
  };
  return w;
}

/** Opens, runs `fn`, and always closes (DuckDB holds a file lock until closed). */
export async function withWarehouse<T>(
  path: string,
  fn: (w: Warehouse) => Promise<T>,
  opts: OpenOptions = {},
): Promise<T> {
  const w = await openWarehouse(path, opts);
  try {
    return await fn(w);
  } finally {
    w.close();
  }
}
