/** SQL expressions that mask personal data in outputs (exports, Parquet datasets). */

/**
 * Phone masking for outputs other than the dialer list: keep the country code and operator prefix and the last
 * four digits, star the middle (+8613800138000 → +86138****8000). Short numbers keep 3 + 2.
 */
export function maskedPhone(col = 'phone'): string {
  return `CASE WHEN ${col} IS NULL THEN NULL
    WHEN length(${col}) >= 11 THEN left(${col}, 6) || repeat('*', length(${col}) - 10) || right(${col}, 4)
    ELSE left(${col}, 3) || repeat('*', greatest(length(${col}) - 5, 0)) || right(${col}, 2) END`;
}
