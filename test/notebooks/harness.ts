/**
 * Runs the analyst notebooks headless: a Deno kernelspec in a temporary JUPYTER_PATH (pointing at the project's
 * `deno` npm binary, so nothing has to be installed per user), `jupyter nbconvert --execute` per notebook, and
 * the executed notebook read back as JSON.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');
/** The notebooks, in the order the README lists them. */
export const NOTEBOOKS = ['explore', 'model-card', 'what-if'] as const;

/** What CI must install for the notebooks (Debian packages; deno comes with `npm ci`). */
export const INSTALL_HINT =
  '`npm test` installs them (scripts/test-tools.sh, as root with apt), or apt-get update && apt-get install -y ' +
  '--no-install-recommends jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel; and `npm ci` for ' +
  'the deno devDependency';

/** One output of an executed code cell (nbformat 4). */
export interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}
/** One cell of a notebook (nbformat 4). */
export interface Cell {
  cell_type: string;
  source: string | string[];
  execution_count?: number | null;
  outputs?: Output[];
}
/** A notebook file (nbformat 4). */
export interface Notebook {
  cells: Cell[];
  metadata: { kernelspec?: { name: string } };
}

export const readNotebook = (path: string): Notebook => JSON.parse(readFileSync(path, 'utf8')) as Notebook;

/** Throws, with the install command, when Jupyter's nbconvert or the deno binary is missing. */
export function requireTools(): { deno: string } {
  // The deno package's postinstall links its platform binary to node_modules/deno/deno; without install scripts,
  // the binary still sits in the platform package (@deno/<os>-<arch>[-glibc]).
  const scoped = join(ROOT, 'node_modules', '@deno');
  const candidates = [
    join(ROOT, 'node_modules', 'deno', 'deno'),
    ...(existsSync(scoped) ? readdirSync(scoped).map((d) => join(scoped, d, 'deno')) : []),
  ];
  const deno = candidates.find((p) => existsSync(p)) ?? candidates[0]!;
  const missing: string[] = [];
  if (!existsSync(deno)) missing.push(`deno binary (expected ${deno})`);
  const nb = spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' });
  if (nb.status !== 0)
    missing.push(`jupyter nbconvert (${nb.error?.message ?? nb.stderr.trim().split('\n').pop()})`);
  if (missing.length)
    throw new Error(`notebook tests need ${missing.join(' and ')}; install: ${INSTALL_HINT}`);
  return { deno };
}

/** A temporary JUPYTER_PATH holding a `deno` kernelspec for this checkout's deno binary. */
export function kernelPath(deno: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'followup-jupyter-'));
  mkdirSync(join(dir, 'kernels', 'deno'), { recursive: true });
  const spec = {
    argv: [deno, 'jupyter', '--kernel', '--conn', '{connection_file}'],
    display_name: 'Deno',
    language: 'typescript',
  };
  writeFileSync(join(dir, 'kernels', 'deno', 'kernel.json'), JSON.stringify(spec));
  return dir;
}

/**
 * Executes notebooks/<name>.ipynb against the demo work directory `demoDir`; returns the executed notebook.
 * nbconvert exits non-zero when a cell raises; the error carries its stderr tail (the failing cell and trace).
 */
export function execute(name: string, demoDir: string, jupyterPath: string, outDir: string): Notebook {
  const args = [
    'nbconvert',
    '--to',
    'notebook',
    '--execute',
    '--ExecutePreprocessor.kernel_name=deno',
    '--ExecutePreprocessor.timeout=600',
    '--output-dir',
    outDir,
    join(ROOT, 'notebooks', `${name}.ipynb`),
  ];
  try {
    execFileSync('jupyter', args, {
      cwd: join(ROOT, 'notebooks'),
      env: {
        ...process.env,
        JUPYTER_PATH: jupyterPath,
        FOLLOWUP_DEMO_DIR: demoDir,
        TZ: 'UTC',
        NO_COLOR: '1',
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`notebook ${name} failed: ${(err.stderr ?? err.message).slice(-4000)}`);
  }
  return readNotebook(join(outDir, `${name}.ipynb`));
}

/** Every output of every code cell. */
export const outputsOf = (nb: Notebook): Output[] => nb.cells.flatMap((c) => c.outputs ?? []);

/** Vega-Lite specs the notebook displayed. */
export function vegaLite(nb: Notebook): Record<string, unknown>[] {
  return outputsOf(nb).flatMap((o) => {
    const v = o.data?.['application/vnd.vegalite.v5+json'];
    return v ? [v as Record<string, unknown>] : [];
  });
}

/** Tables the notebook displayed (lib.ts showTable), by title. */
export function tables(nb: Notebook): Map<string, Record<string, unknown>[]> {
  const m = new Map<string, Record<string, unknown>[]>();
  for (const o of outputsOf(nb)) {
    const t = o.data?.['application/json'] as
      | { title?: string; rows?: Record<string, unknown>[] }
      | undefined;
    if (t?.rows && o.data?.['text/html']) m.set(t.title ?? '', t.rows);
  }
  return m;
}

/** Each displayed chart: its Vega-Lite spec and the SVG displayed beside it (undefined when missing). */
export function charts(nb: Notebook): { spec: Record<string, unknown>; svg: string | undefined }[] {
  return outputsOf(nb).flatMap((o) => {
    const v = o.data?.['application/vnd.vegalite.v5+json'];
    if (!v) return [];
    const svg = o.data?.['image/svg+xml'];
    return [
      {
        spec: v as Record<string, unknown>,
        svg: Array.isArray(svg) ? svg.join('') : (svg as string | undefined),
      },
    ];
  });
}

/** The executed notebook as nbconvert's stock HTML (what an analyst opens without JupyterLab). */
export function toHtml(executedPath: string, outDir: string): string {
  execFileSync('jupyter', ['nbconvert', '--to', 'html', '--output-dir', outDir, executedPath], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return readFileSync(
    join(
      outDir,
      executedPath
        .split('/')
        .pop()!
        .replace(/\.ipynb$/, '.html'),
    ),
    'utf8',
  );
}
