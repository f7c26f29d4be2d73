/**
 * A Hive-partitioned Parquet dataset of the warehouse, for engines that scale out (Spark, Trino, DuckDB
 * elsewhere): `<out>/<table>/shard=<k>/data_0.parquet`, one folder per loan shard (src/shard: md5(loan_id) mod N,
 * stored 1-based like `--shard K/N`), written by DuckDB `COPY … (FORMAT parquet, PARTITION_BY (shard))` in one
 * streaming pass per table: no row goes through JS. Tables without loan_id (market) are one file.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../core/errors.ts';
import { ident, literal, type Warehouse } from '../warehouse/db.ts';
import { maskedPhone } from '../warehouse/mask.ts';
import { shardKeySql } from './index.ts';

/** Tables exported by default (those present in the warehouse are written). */
export const DATASET_TABLES = ['loans', 'repayments', 'contacts', 'market', 'scores', 'recommendations'];

export interface ParquetDatasetConfig {
  /** Output folder; each table becomes a sub-folder, replaced if present. */
  out: string;
  /** Number of loan shards (Hive partitions) per table. Default 16. */
  shards?: number;
  /** Tables to write. Default DATASET_TABLES present in the warehouse. */
  tables?: readonly string[];
  /** Parquet compression codec. Default zstd. */
  compression?: 'zstd' | 'snappy' | 'uncompressed';
  /** Mask every `phone` column as +86138****8000 (src/export/fields.ts). Default false. */
  maskPhone?: boolean;
}

export interface ParquetTableWritten {
  table: string;
  /** Rows written. */
  rows: number;
  /** Hive partitions (shard folders); 0 when written as one file. */
  partitions: number;
  /** Path of the table's folder (or file). */
  path: string;
}

export async function exportParquetDataset(
  w: Warehouse,
  cfg: ParquetDatasetConfig,
): Promise<ParquetTableWritten[]> {
  const shards = cfg.shards ?? 16;
  if (!Number.isInteger(shards) || shards < 1 || shards > 4096)
    throw new BadInputError(`shards: expected an integer in 1…4096; got ${shards}`);
  const present = await w.all<{ table_name: string; has_loan: boolean; has_phone: boolean }>(
    `SELECT table_name, bool_or(column_name = 'loan_id') AS has_loan, bool_or(column_name = 'phone') AS has_phone
     FROM duckdb_columns() WHERE schema_name = 'main' GROUP BY table_name`,
  );
  const byName = new Map(present.map((r) => [r.table_name, r.has_loan]));
  const withPhone = new Set(present.filter((r) => r.has_phone).map((r) => r.table_name));
  // A lake copy is read by more people than the dialer: phones can leave masked, like the other exports.
  const rowsOf = (t: string) =>
    cfg.maskPhone && withPhone.has(t)
      ? `SELECT * REPLACE (${maskedPhone('phone')} AS phone) FROM ${ident(t)}`
      : `SELECT * FROM ${ident(t)}`;
  const wanted = cfg.tables ?? DATASET_TABLES.filter((t) => byName.has(t));
  const codec = cfg.compression ?? 'zstd';
  await mkdir(cfg.out, { recursive: true });
  // DuckDB buffers each partition's rows per thread until this many before it writes them out (default 524,288):
  // with 16 shards and 2 threads that held ~1 GB of the contacts at a million borrowers. One Parquet row group
  // (122,880 rows) per write: the same rows and bytes, a few more row groups, same speed. Set back afterwards.
  const was = await w.one<{ v: string }>(
    "SELECT current_setting('partitioned_write_flush_threshold')::VARCHAR AS v",
  );
  await w.run(`SET partitioned_write_flush_threshold = ${FLUSH_ROWS}`);
  try {
    return await writeTables(w, cfg, wanted, byName, rowsOf, shards, codec);
  } finally {
    if (was) await w.run(`SET partitioned_write_flush_threshold = ${Number(was.v)}`);
  }
}

/** Rows per partition and thread DuckDB buffers before writing them out: one Parquet row group. */
const FLUSH_ROWS = 122_880;

async function writeTables(
  w: Warehouse,
  cfg: ParquetDatasetConfig,
  wanted: readonly string[],
  byName: Map<string, boolean>,
  rowsOf: (t: string) => string,
  shards: number,
  codec: string,
): Promise<ParquetTableWritten[]> {
  const out: ParquetTableWritten[] = [];
  for (const t of wanted) {
    const hasLoan = byName.get(t);
    if (hasLoan === undefined)
      throw new BadInputError(`table ${JSON.stringify(t)} is not in the warehouse`, {
        place: { file: w.path },
        hint: `expected one of ${[...byName.keys()].sort().join(', ')}`,
      });
    const counted = await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${ident(t)}`);
    const rows = Number(counted?.n ?? 0n);
    if (hasLoan) {
      const dir = join(cfg.out, t);
      await rm(dir, { recursive: true, force: true });
      await w.run(
        `COPY (SELECT *, (${shardKeySql('loan_id')} % ${shards} + 1)::INTEGER AS shard FROM (${rowsOf(t)}))
         TO ${literal(dir)} (FORMAT parquet, COMPRESSION ${codec}, PARTITION_BY (shard))`,
      );
      out.push({ table: t, rows, partitions: Math.min(shards, rows), path: dir });
    } else {
      const file = join(cfg.out, `${t}.parquet`);
      await w.run(`COPY (${rowsOf(t)}) TO ${literal(file)} (FORMAT parquet, COMPRESSION ${codec})`);
      out.push({ table: t, rows, partitions: 0, path: file });
    }
  }
  return out;
}
