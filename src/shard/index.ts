/**
 * Scale-out by shards: `--shard K/N` runs score, recommend and export over one Nth of the book.
 *
 * A loan's shard is defined ONCE, here, and computed the same way in SQL and in JS — by its BORROWER, so all of
 * a borrower's loans share a shard and the planner can give them one contact:
 *
 *   shard_key(borrower_id) = the first 8 hex digits of md5(borrower_id) read as an unsigned 32-bit integer
 *   loan is in shard K of N  ⇔  shard_key mod N = K − 1          (K is 1-based: 1/4 … 4/4)
 *
 * md5 is stable across DuckDB versions, machines and processes, so the same loan lands in the same shard on
 * every run; the N shards are disjoint and cover every loan. Adding rows never moves an existing loan.
 *
 * Capacity is global (a call centre has one daily budget for the whole book). A shard cannot see the others'
 * calls, so each shard plans against its SHARE of the capacity: ⌊C/N⌋, plus one for the first C mod N shards,
 * so the shares add up to exactly C. The union of shards never exceeds the global capacity on any day, but it
 * can move or overflow follow-ups the unsharded planner would have placed (one shard's quiet day cannot absorb
 * another's peak). With unlimited capacity (policy `capacity: null`) the union equals the unsharded run.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../core/errors.ts';
import { ident, type Warehouse } from '../warehouse/db.ts';

/** One shard of a partition of the loans: `k` in 1…n. */
export interface Shard {
  /** 1-based shard number, 1 ≤ k ≤ n. */
  k: number;
  /** Number of shards, ≥ 1. */
  n: number;
}

/** Parses `K/N` (e.g. `2/8`); throws UsageError saying what was expected. */
export function parseShard(text: string, flag = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const k = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || !Number.isSafeInteger(k) || !Number.isSafeInteger(n) || n < 1 || k < 1 || k > n)
    throw new UsageError(`${flag}: expected K/N with 1 ≤ K ≤ N (e.g. 2/8); got ${JSON.stringify(text)}`);
  return { k, n };
}

/** `K/N`, the label stored on sharded runs. */
export function shardLabel(s: Shard): string {
  return `${s.k}/${s.n}`;
}

/** SQL for the shard key of a loan id column (UBIGINT in 0 … 2³²−1). */
export function shardKeySql(column: string): string {
  return `('0x' || substr(md5(${column}), 1, 8))::UBIGINT`;
}

/** SQL predicate: the loan id column `column` (already quoted or qualified) is in shard `s`. */
export function shardPredicateSql(column: string, s: Shard): string {
  // k and n are validated integers, so inlining them splices no user text.
  return `(${shardKeySql(column)} % ${Math.trunc(s.n)} = ${Math.trunc(s.k) - 1})`;
}

/** The 1-based shard of a borrower id among n shards (the JS twin of shardPredicateSql). */
export function shardOf(borrowerId: string, n: number): number {
  const hex = createHash('md5').update(borrowerId, 'utf8').digest('hex').slice(0, 8);
  return (Number.parseInt(hex, 16) % n) + 1;
}

/** Loan ids of shard `s` in table `loans`, sorted. Ids only: ~50 bytes a loan, 50 MB at a million. */
export async function shardLoanIds(w: Warehouse, s: Shard, table = 'loans'): Promise<string[]> {
  const reader = await w.conn.runAndReadAll(
    `SELECT loan_id FROM ${ident(table)} WHERE ${shardPredicateSql('borrower_id', s)} ORDER BY loan_id`,
  );
  return (reader.getColumns()[0] ?? []).map(String);
}

/**
 * This shard's share of a global capacity: ⌊C/N⌋, +1 for the first C mod N shards; null stays unlimited, and
 * `auto` stays auto (derived from the shard's own plan, so the shards' capacities add up to the book's).
 */
export function shareCapacity(capacity: number | null, s: Shard): number | null;
export function shareCapacity(capacity: number | null | 'auto', s: Shard): number | null | 'auto';
export function shareCapacity(capacity: number | null | 'auto', s: Shard): number | null | 'auto' {
  if (capacity === null || capacity === 'auto') return capacity;
  return Math.floor(capacity / s.n) + (s.k - 1 < capacity % s.n ? 1 : 0);
}
