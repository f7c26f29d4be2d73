import { describe, expect, it } from 'vitest';
import { sha256, stableStringify } from '../../src/core/hash.ts';
import { FEATURE_VERSION, hangupManifest, makeManifest, snapshotManifest } from '../../src/features/index.ts';

describe('feature manifests', () => {
  it('hashes version, names and types in order, and is stable across calls and runs', async () => {
    const m = snapshotManifest();
    expect(snapshotManifest()).toEqual(m);
    expect(m.hash).toBe(
      sha256(
        stableStringify({
          version: FEATURE_VERSION,
          features: m.features.map((f) => ({ name: f.name, type: f.type })),
        }),
      ),
    );
    // Pinned on disk: a change to any feature's name or type shows up in review as a snapshot diff.
    const pinned = (x: typeof m) => ({
      version: x.version,
      hash: x.hash,
      features: x.features.map((f) => `${f.name}:${f.type}`),
    });
    await expect(
      // Trailing newline: the file is also formatted by Biome.
      `${JSON.stringify({ snapshot: pinned(m), hangup: pinned(hangupManifest()) }, null, 2)}\n`,
    ).toMatchFileSnapshot('./__snapshots__/manifests.json');
  });

  it('changes the hash when a type changes, not when a phrase does', () => {
    const m = snapshotManifest();
    const retyped = m.features.map((f) =>
      f.name === 'term_months' ? { ...f, type: 'categorical' as const } : f,
    );
    const rephrased = m.features.map((f) =>
      f.name === 'term_months' ? { ...f, phrase: 'a {v}-month loan' } : f,
    );
    expect(makeManifest(retyped).hash).not.toBe(m.hash);
    expect(makeManifest(rephrased).hash).toBe(m.hash);
    expect(makeManifest(m.features, `${m.version}-next`).hash).not.toBe(m.hash);
  });

  it('names every feature once, snake_case, with a phrase that shows the value', () => {
    for (const m of [snapshotManifest(), hangupManifest()]) {
      const names = m.features.map((f) => f.name);
      expect(new Set(names).size).toBe(names.length);
      for (const f of m.features) {
        expect(f.name).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(f.phrase, f.name).toContain('{v}');
      }
    }
    const snap = new Set(snapshotManifest().features.map((f) => f.name));
    expect(
      hangupManifest()
        .features.filter((f) => !snap.has(f.name))
        .map((f) => f.family),
    ).toEqual(Array(6).fill('context'));
  });
});
