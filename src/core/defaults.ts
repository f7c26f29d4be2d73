/**
 * Defaults every entry point shares, written once: the CLI's flags, the pipeline stages' params and the library's
 * optional arguments read them from here, so a command and a pipeline step given the same inputs agree.
 */

/** Seed of every random choice in training (splits, initial weights, ensemble members). */
export const DEFAULT_SEED = 42;

/** Model registry root, relative to the working directory, when neither a flag, the config file nor the environment names one. */
export const DEFAULT_MODELS_DIR = 'models';
