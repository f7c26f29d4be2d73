/** A content hash of a feature table and its labels: the `dataHash` on model cards and the basis of versions. */
import { createHash } from 'node:crypto';
import type { FeatureTable } from '../features/types.ts';

export function featureTableHash(t: FeatureTable, ...labels: ArrayBufferView[]): string {
  const h = createHash('sha256');
  h.update(t.manifest.hash);
  h.update(String(t.n));
  for (const k of Object.keys(t.keys).sort()) h.update((t.keys as Record<string, string[]>)[k]!.join('\n'));
  for (const k of Object.keys(t.numeric).sort()) {
    // DuckDB's parallel double aggregates may differ in the last bits from run to run; the model sees float32,
    // so hash what it sees (and NaN in one canonical form).
    const a = Float32Array.from(t.numeric[k]!, (v) => (Number.isNaN(v) ? Number.NaN : v));
    h.update(k);
    h.update(new Uint8Array(a.buffer));
  }
  for (const k of Object.keys(t.categorical).sort()) {
    h.update(k);
    h.update(t.categorical[k]!.map((v) => v ?? '\u0000').join('\n'));
  }
  for (const l of labels) h.update(new Uint8Array(l.buffer, l.byteOffset, l.byteLength));
  return h.digest('hex');
}
