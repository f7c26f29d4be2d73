#!/usr/bin/env node
// Compiles src/**/*.ts to dist/**/*.js (same layout, one file each, no bundling) so the `followup` bin starts
// without transpiling TypeScript on every run. Runs at `npm install`/`npm ci` (the `prepare` script) and by hand
// (`npm run build`). esbuild comes with tsx, a runtime dependency. Assets read next to the code (src/config) are
// copied. The bin falls back to the TypeScript sources when dist/ is missing or older than any source file.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
// Relative imports name their .ts file (allowImportingTsExtensions); the compiled file is .js.
const TS_IMPORT = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g;

const t0 = performance.now();
rmSync(dist, { recursive: true, force: true });
let n = 0;
for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile()) continue;
  const from = join(entry.parentPath ?? entry.path, entry.name); // .path before Node 20.12
  const rel = relative(src, from);
  if (rel.endsWith('.ts')) {
    const out = await transform(readFileSync(from, 'utf8'), {
      loader: 'ts',
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcefile: from,
      sourcemap: 'inline',
    });
    const to = join(dist, rel.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, out.code.replace(TS_IMPORT, '$1$2$3.js$2'));
    n++;
  } else if (!rel.endsWith('.mjs')) {
    cpSync(from, join(dist, rel));
  }
}
// The bin compares this stamp with the sources' modification times.
writeFileSync(join(dist, '.built'), `${new Date().toISOString()}\n`);
console.log(`followup: compiled ${n} files to dist/ in ${Math.round(performance.now() - t0)} ms`);
