/**
 * The house rules of src/, checked on the code as it is: stages as folders (no catch-all), no cycle between
 * folders, and the linter refusing a pure-layer file that reaches for the warehouse or the CLI.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Top-level folder of src a file lives in ('' for src/index.ts). */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  return parts.length > 1 ? parts[0]! : '';
}

/** Folder → folders its files import (relative imports only; packages are not folders of the house). */
function folderGraph(): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>();
  for (const f of sources(SRC)) {
    const from = folderOf(f);
    for (const m of readFileSync(f, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const to = folderOf(resolve(dirname(f), m[1]!));
      if (from && to && from !== to) {
        if (!g.has(from)) g.set(from, new Set());
        g.get(from)!.add(to);
      }
    }
  }
  return g;
}

/** Every cycle reachable in the graph, as a path a → … → a (empty when acyclic). */
function cycles(g: Map<string, Set<string>>): string[] {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const found: string[] = [];
  const visit = (v: string) => {
    state.set(v, 1);
    stack.push(v);
    for (const w of g.get(v) ?? []) {
      if (state.get(w) === 1) found.push([...stack.slice(stack.indexOf(w)), w].join(' → '));
      else if (!state.has(w)) visit(w);
    }
    stack.pop();
    state.set(v, 2);
  };
  for (const v of g.keys()) if (!state.has(v)) visit(v);
  return found;
}

describe('structure of src/', () => {
  it('has a folder per stage and no catch-all folder', () => {
    for (const stage of ['ingest', 'features', 'train', 'score', 'recommend', 'export', 'report', 'pipeline'])
      expect(existsSync(join(SRC, stage)), stage).toBe(true);
    expect(existsSync(join(SRC, 'ops'))).toBe(false);
  });

  it('has no cycle between folders', () => {
    const g = folderGraph();
    // The graph is real: the CLI reaches every stage.
    expect([...(g.get('cli') ?? [])]).toEqual(
      expect.arrayContaining(['train', 'score', 'recommend', 'export']),
    );
    expect(cycles(g)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself can fail)', () => {
    const g = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);
    expect(cycles(g)).toEqual(['a → b → c → a']);
  });

  it('lint refuses a planner file importing the warehouse, and allows it in the recommend stage', () => {
    // A copy of the lint configuration over two probe files in a scratch tree: the checkout is never touched.
    const dir = mkdtempSync(join(tmpdir(), 'followup-layers-'));
    try {
      const config = JSON.parse(readFileSync(join(ROOT, '.biome.json'), 'utf8')) as Record<string, unknown>;
      delete config.$schema;
      writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
      mkdirSync(join(dir, 'src/recommend/io'), { recursive: true });
      cpSync(join(SRC, 'warehouse'), join(dir, 'src/warehouse'), { recursive: true });
      const probe = (dots: string) =>
        `import type { Warehouse } from '${dots}/warehouse/db.ts';\n\nexport type W = Warehouse;\n`;
      writeFileSync(join(dir, 'src/recommend/probe.ts'), probe('..'));
      writeFileSync(join(dir, 'src/recommend/io/probe.ts'), probe('../..'));
      const biome = join(ROOT, 'node_modules/.bin/biome');
      const lint = (file: string) =>
        spawnSync(biome, ['lint', '--config-path', dir, file], { cwd: dir, encoding: 'utf8' });
      const pure = lint('src/recommend/probe.ts');
      expect(pure.status).toBe(1);
      expect(pure.stdout + pure.stderr).toMatch(/noRestrictedImports/);
      expect(pure.stdout + pure.stderr).toMatch(/pure: data comes in as arguments/);
      const stage = lint('src/recommend/io/probe.ts');
      expect(stage.stdout + stage.stderr).not.toMatch(/noRestrictedImports/);
      expect(stage.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
