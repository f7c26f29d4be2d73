// CLI startup time: `followup --version` (answered by the bin from package.json), `followup rejects --help` from
// the compiled dist/ and from the TypeScript sources (FOLLOWUP_FROM_SOURCE=1). Prints medians of wall time; never
// an assertion. Run `npm run build` first, on a quiet machine: `npm run bench:startup`.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../src/cli/followup.mjs', import.meta.url));
const runs = Number(process.argv[2] ?? 7);

function median(args, env = {}) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]);
}

console.log(`followup --version: ${median(['--version'])} ms (median of ${runs})`);
console.log(`followup rejects --help, dist/: ${median(['rejects', '--help'])} ms`);
console.log(
  `followup rejects --help, sources via tsx: ${median(['rejects', '--help'], { FOLLOWUP_FROM_SOURCE: '1' })} ms`,
);
