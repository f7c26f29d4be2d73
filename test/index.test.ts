import { describe, expect, it } from 'vitest';
import * as F from '../src/index.ts';

// The public surface, name by name: adding or removing one is a decision this list makes visible in review.
const PUBLIC = [
  'BadInputError',
  'BusyError',
  'FollowupError',
  'InsufficientDataError',
  'InterruptedError',
  'MassCancelError',
  'MismatchError',
  'PartialError',
  'STAGES',
  'StaleDataError',
  'UsageError',
  'backtest',
  'contract',
  'createLogger',
  'ensureContractTables',
  'evaluate',
  'exporters',
  'features',
  'fixedClock',
  'generate',
  'ingest',
  'lifecycle',
  'loadPipeline',
  'memoryLogger',
  'models',
  'openWarehouse',
  'preparePlanning',
  'recommend',
  'report',
  'runPipeline',
  'runRecommend',
  'runTrain',
  'scoreLoans',
  'scripts',
  'silentLogger',
  'systemClock',
  'withWarehouse',
];

const NAMESPACES = [
  'backtest',
  'contract',
  'evaluate',
  'exporters',
  'features',
  'generate',
  'ingest',
  'lifecycle',
  'models',
  'recommend',
  'report',
  'scripts',
] as const;

describe('public API (src/index.ts)', () => {
  it('exports exactly the listed names', () => {
    expect(Object.keys(F).sort()).toEqual([...PUBLIC].sort());
  });

  it('each library area is a namespace of values, and no area re-exports another area whole', () => {
    const owner = new Map<unknown, string>();
    for (const ns of NAMESPACES) {
      const members = Object.entries(F[ns] as Record<string, unknown>);
      expect(members.length, ns).toBeGreaterThan(0);
      for (const [name, v] of members) {
        if (typeof v !== 'function') continue;
        const prev = owner.get(v);
        // One function reachable under two areas means two homes for one idea (or a copy): keep one.
        expect(prev, `${ns}.${name} is also ${prev}`).toBeUndefined();
        owner.set(v, `${ns}.${name}`);
      }
    }
  });

  it('the stage entry points and the metric library take the documented arguments', () => {
    // (y, p): labels first, as sklearn's roc_auc_score(y_true, y_score); a swapped call fails loudly.
    expect(F.evaluate.auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(() => F.evaluate.auc([0.1, 0.4], [0, 1])).toThrow(/label 0 must be 0 or 1/);
    expect(F.preparePlanning.length).toBe(3);
    expect(F.runRecommend.length).toBe(4);
  });
});
