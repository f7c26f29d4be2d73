import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { z } from 'zod';
import { loadPolicy, PolicyError, packFor, parsePolicy, resolveSegment } from '../../src/recommend/index.ts';
import { policySchema } from '../../src/recommend/policy/schema.ts';

function problemsOf(text: string): PolicyError['problems'] {
  try {
    parsePolicy(text, 'lender.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return (e as PolicyError).problems;
  }
  throw new Error('expected the policy to be rejected');
}

describe('policy', () => {
  it('loads the documented default and versions it by content, not key order', () => {
    const p = loadPolicy();
    expect(p.policy_version).toMatch(/^[0-9a-f]{16}$/);
    // The same meaning in another key order and layout has the same version.
    const reordered = stringify({ capacity: { daily: 'auto' }, name: 'followup-default' });
    expect(parsePolicy(reordered).policy_version).toBe(p.policy_version);
    const changed = parsePolicy('defaults:\n  risk_budget: 0.05\n');
    expect(changed.policy_version).not.toBe(p.policy_version);
    expect(changed.defaults.risk_budget).toBe(0.05);
    // Unchanged keys keep the default.
    expect(changed.defaults.mid_term).toEqual(p.defaults.mid_term);
  });

  it('resolves segments: grade over type-wide over defaults', () => {
    const p = parsePolicy(
      stringify({
        defaults: { risk_budget: 0.04 },
        segments: {
          corporate: { all: { risk_budget: 0.03, mid_term: { min_days: 50 } }, CCC: { risk_budget: 0.01 } },
        },
      }),
    );
    const ccc = resolveSegment(p, 'corporate', 'CCC');
    const a = resolveSegment(p, 'corporate', 'A');
    expect(ccc.risk_budget).toBe(0.01);
    expect(a.risk_budget).toBe(0.03);
    expect(a.mid_term.min_days).toBe(50);
    // Keys the lender file did not set keep the default file's corporate `all` value.
    expect(a.mid_term.max_days).toBe(loadPolicy().segments.corporate?.all?.mid_term?.max_days);
    // The default file overrides corporate CCC; the lender file replaced only its budget.
    expect(ccc.mid_term).toEqual({ ...a.mid_term, ...loadPolicy().segments.corporate?.CCC?.mid_term });
  });

  it('names the key path, the expected value, what was found and where', () => {
    const text = 'segments:\n  corporate:\n    AAA:\n      mid_term: { max_days: 30 }\n';
    const [p, ...rest] = problemsOf(text);
    expect(rest).toHaveLength(0);
    expect(p?.path.join('.')).toBe('segments.corporate.AAA.mid_term.max_days');
    expect(p?.message).toBe('expected a number ≥ min_days (60), found 30');
    expect(p?.place).toMatchObject({ file: 'lender.yaml', line: 4 });
    try {
      parsePolicy(text, 'lender.yaml');
    } catch (e) {
      expect((e as Error).message).toContain(
        'segments.corporate.AAA.mid_term.max_days (lender.yaml:4:29): expected a number ≥ min_days (60), found 30',
      );
      expect((e as PolicyError).exitCode).toBe(2);
    }
  });

  it.each([
    ['capacity:\n  daily: 0\n', 'capacity.daily', 'expected a number ≥ 1, found 0'],
    ['capacity:\n  daily: many\n', 'capacity.daily', 'expected number or one of "auto", found "many"'],
    ['prenotify:\n  threshold: high\n', 'prenotify.threshold', 'expected number, found "high"'],
    ['colour: blue\n', 'colour', 'unknown key "colour" (not in the policy schema)'],
    [
      'default_pack: eu\n',
      'default_pack',
      'expected one of the rule packs (cn, hk, mo, tw, sg, gb, au, us, default), found "eu"',
    ],
    ['country_packs:\n  FR: fr\n', 'country_packs.FR', 'found "fr"'],
    [
      'country_packs:\n  fra: default\n',
      'country_packs.fra',
      'expected an ISO 3166-1 alpha-2 country code such as HK, found "fra"',
    ],
    [
      'rule_packs:\n  cn:\n    call_hours: { start: 22, end: 8 }\n',
      'rule_packs.cn.call_hours.end',
      'expected an hour > start (22), found 8',
    ],
    [
      'rule_packs:\n  cn:\n    calendar: holidays:XX\n',
      'rule_packs.cn.calendar',
      'expected a country code known to date-holidays, found "XX"',
    ],
    [
      'segments:\n  personal:\n    B:\n      collection_cadence: [{ min_dpd: 30, days: 5 }, { min_dpd: 10, days: 3 }]\n',
      'segments.personal.B.collection_cadence.1.min_dpd',
      'expected buckets in increasing min_dpd (> 30), found 10',
    ],
  ])('rejects %j at %s', (text, path, message) => {
    const problems = problemsOf(text);
    const hit = problems.find((p) => p.path.join('.') === path);
    expect(hit?.message).toContain(message);
    expect(hit?.place.file).toBe('lender.yaml');
    expect(hit?.place.line).toBeGreaterThan(0);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf('capacity:\n  daily: -1\nplanning:\n  window_hours: 5\n');
    expect(problems.map((p) => p.path.join('.')).sort()).toEqual(['capacity.daily', 'planning.window_hours']);
  });

  it('defines custom rule packs and maps zones to them', () => {
    const p = parsePolicy(
      stringify({
        rule_packs: {
          au_nsw: {
            calendar: 'holidays:AU:NSW',
            working_days_only: true,
            call_hours: { start: 9, end: 20 },
            max_unanswered_per_day: null,
            max_calls: { calls: 3, days: 7 },
            quiet_days_after_conversation: 0,
            live_contact_by_dpd: null,
          },
        },
        zone_packs: { 'Australia/Sydney': 'au_nsw' },
      }),
    );
    expect(p.rule_packs.au_nsw?.max_calls).toEqual({ calls: 3, days: 7 });
    expect(Object.keys(p.rule_packs).sort()).toEqual([
      'au',
      'au_nsw',
      'cn',
      'default',
      'gb',
      'hk',
      'mo',
      'sg',
      'tw',
      'us',
    ]);
    // The zone override wins over the country's pack for that zone only.
    expect(packFor(p, 'Australia/Sydney')).toBe('au_nsw');
    expect(packFor(p, 'Australia/Perth')).toBe('au');
  });

  it('reports a YAML syntax error with its line', () => {
    expect(() => parsePolicy('a: [1,\n', 'broken.yaml')).toThrow(
      /broken.yaml: expected YAML, found a syntax error/,
    );
  });

  it('keeps the generated JSON Schema of the policy under review', async () => {
    // A schema change shows up as a snapshot diff. Not a .json file, so the formatter leaves the bytes alone.
    const schema = z.toJSONSchema(policySchema);
    await expect(`${JSON.stringify(schema, null, 2)}\n`).toMatchFileSnapshot(
      './__snapshots__/policy.schema.json.snap',
    );
    expect(schema.required).toEqual(expect.arrayContaining(['defaults', 'rule_packs', 'capacity']));
  });
});
