import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contractMarkdown } from '../../src/contract/docs.ts';

describe('README data contract', () => {
  it('is exactly the contract declared in src/contract/tables.ts', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const m = /<!-- contract:start -->\n([\s\S]*)\n<!-- contract:end -->/.exec(readme);
    expect(m, 'README.md lacks the contract markers').not.toBeNull();
    // On failure: regenerate the block from contractMarkdown() (src/contract/docs.ts).
    expect(m![1]).toBe(contractMarkdown());
  });

  it('documents every column of every table', () => {
    const md = contractMarkdown();
    for (const col of ['loan_id', 'installment_no', 'started_at', 'hpi', 'phone', 'time_zone']) {
      expect(md).toContain(`| ${col} |`);
    }
  });
});
