/**
 * Picks the fastest TensorFlow.js backend that loads here: tfjs-node (native, optional dependency) when it is
 * installed, else WebAssembly with SIMD, else the pure-JS cpu backend. The chosen name goes into every training
 * log and model card because numbers are reproducible per backend, not across backends.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** Backend names this project may run on. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

let chosen: Promise<BackendName> | undefined;

/**
 * Initializes the backend once per process and returns its name. `prefer` forces one (tests use it to compare);
 * default: the first of tensorflow → wasm → cpu that loads.
 */
export function initBackend(prefer?: BackendName): Promise<BackendName> {
  if (prefer) return setBackend(prefer);
  chosen ??= pick();
  return chosen;
}

async function pick(): Promise<BackendName> {
  for (const name of ['tensorflow', 'wasm', 'cpu'] as const) {
    try {
      return await setBackend(name);
    } catch {
      // try the next one: tfjs-node is optional and wasm may lack SIMD on old CPUs
    }
  }
  throw new Error('no TensorFlow.js backend could be initialized');
}

async function setBackend(name: BackendName): Promise<BackendName> {
  if (tf.getBackend() === name) return name;
  if (name === 'tensorflow') {
    // A variable specifier keeps bundlers and type-checking from requiring the optional native package.
    const pkg = '@tensorflow/tfjs-node';
    await import(pkg);
  } else if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // In Node the loader reads the .wasm files from disk; point it at the package's dist folder.
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(`${join(dist)}/`);
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`backend ${name} did not initialize`);
  await tf.ready();
  return name;
}

/** Versions of the libraries that shape model numbers, for model cards. */
export function libraryVersions(): Record<string, string> {
  return { tfjs: tf.version.tfjs, backend: tf.getBackend(), node: process.versions.node };
}
