#!/usr/bin/env node
// The `followup` executable. It runs the JavaScript compiled into dist/ (`npm run build`, also run by `prepare` at
// `npm install`/`npm ci`) when dist/ is at least as new as every file under src/; otherwise — a fresh clone without
// a build, or sources edited since — the TypeScript sources through tsx, so `npx followup` always runs the code
// in src/. FOLLOWUP_FROM_SOURCE=1 forces the sources. `--version` alone answers from package.json without loading
// any command (their modules pull in tfjs, DuckDB and vega, seconds of startup).
import { readdirSync, readFileSync, statSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const args = process.argv.slice(2);

if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).version}\n`);
} else {
  const main = distIsFresh() ? await fromDist() : await fromSource();
  process.exitCode = await main(process.argv);
}

/** Whether dist/ was built after the last change to any file under src/. */
function distIsFresh() {
  if (process.env.FOLLOWUP_FROM_SOURCE === '1') return false;
  let built;
  try {
    built = statSync(new URL('dist/.built', root)).mtimeMs;
  } catch {
    return false;
  }
  const src = new URL('src/', root);
  for (const e of readdirSync(src, { recursive: true, withFileTypes: true }))
    if (e.isFile() && statSync(`${e.parentPath ?? e.path}/${e.name}`).mtimeMs > built) return false;
  return true;
}

async function fromDist() {
  return (await import(new URL('dist/cli/main.js', root).href)).main;
}

async function fromSource() {
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('./main.ts')).main;
}
