/**
 * Cross-key policy rules that a per-field schema cannot express. Each rule pushes path-prefixed problems; all
 * problems are reported together, not the first one only.
 */
import { CREDIT_GRADES, LOAN_TYPES } from '../../contract/tables.ts';
import { calendarFor } from '../calendar.ts';
import { isCountryCode } from '../country.ts';
import type { PolicyDoc, SegmentPolicy } from './schema.ts';
import { resolveSegment } from './segment.ts';

/** One policy problem: key path (e.g. `segments.corporate.AAA.mid_term.max_days`) and what is wrong. */
export interface PolicyProblem {
  /** Key path from the top of the policy. */
  path: (string | number)[];
  /** Expected vs found, in words. */
  message: string;
}

/** Whether the override at this level sets `group.key`; null for `defaults`, where every key is set. */
type SetHere = ((group: string, key: string) => boolean) | null;

function checkSegment(
  seg: SegmentPolicy,
  at: (string | number)[],
  setHere: SetHere,
  out: PolicyProblem[],
): void {
  // Report at the key the user wrote at this level; a conflict wholly inherited is reported where it was written.
  const pair = (group: string, lo: string, hi: string, loV: number, hiV: number) => {
    if (loV <= hiV) return;
    if (!setHere || setHere(group, hi)) {
      out.push({ path: [...at, group, hi], message: `expected a number ≥ ${lo} (${loV}), found ${hiV}` });
    } else if (setHere(group, lo)) {
      out.push({ path: [...at, group, lo], message: `expected a number ≤ ${hi} (${hiV}), found ${loV}` });
    }
  };
  pair('first', 'min_days', 'max_days', seg.first.min_days, seg.first.max_days);
  pair('first', 'max_days', 'catch_up_days', seg.first.max_days, seg.first.catch_up_days);
  pair('mid_term', 'min_days', 'max_days', seg.mid_term.min_days, seg.mid_term.max_days);
  pair('final', 'min_days_before', 'max_days_before', seg.final.min_days_before, seg.final.max_days_before);
  // A list is set at this level when the override has one (its `length` is then defined).
  const ownCadence = !setHere || setHere('collection_cadence', 'length');
  seg.collection_cadence.forEach((b, i) => {
    const prev = seg.collection_cadence[i - 1];
    if (ownCadence && prev && b.min_dpd <= prev.min_dpd) {
      out.push({
        path: [...at, 'collection_cadence', i, 'min_dpd'],
        message: `expected buckets in increasing min_dpd (> ${prev.min_dpd}), found ${b.min_dpd}`,
      });
    }
  });
}

/** All cross-key problems of a schema-valid policy (merged over the default). */
export function checkPolicy(p: PolicyDoc): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  checkSegment(p.defaults, ['defaults'], null, out);
  for (const t of LOAN_TYPES) {
    const byType = p.segments[t];
    if (!byType) continue;
    for (const g of ['all', ...CREDIT_GRADES] as const) {
      const o = byType[g];
      if (!o) continue;
      const seg =
        g === 'all'
          ? resolveSegment({ ...p, segments: { [t]: { all: o } } }, t, 'all')
          : resolveSegment(p, t, g);
      const setHere = (group: string, key: string) =>
        (o as Record<string, Record<string, unknown> | undefined>)[group]?.[key] !== undefined;
      checkSegment(seg, ['segments', t, g], setHere, out);
    }
  }
  for (const [name, pack] of Object.entries(p.rule_packs)) {
    if (pack.call_hours.end <= pack.call_hours.start) {
      out.push({
        path: ['rule_packs', name, 'call_hours', 'end'],
        message: `expected an hour > start (${pack.call_hours.start}), found ${pack.call_hours.end}`,
      });
    }
    try {
      calendarFor(pack.calendar);
    } catch (e) {
      out.push({
        path: ['rule_packs', name, 'calendar'],
        message: (e as Error).message.replace(/^calendar:? ?/, ''),
      });
    }
  }
  const packs = Object.keys(p.rule_packs);
  const known = (v: string) => `expected one of the rule packs (${packs.join(', ')}), found "${v}"`;
  if (!p.rule_packs[p.default_pack]) out.push({ path: ['default_pack'], message: known(p.default_pack) });
  for (const [zone, name] of Object.entries(p.zone_packs)) {
    if (!p.rule_packs[name]) out.push({ path: ['zone_packs', zone], message: known(name) });
  }
  for (const [country, name] of Object.entries(p.country_packs)) {
    if (!isCountryCode(country)) {
      out.push({
        path: ['country_packs', country],
        message: `expected an ISO 3166-1 alpha-2 country code such as HK, found "${country}"`,
      });
    } else if (!p.rule_packs[name]) out.push({ path: ['country_packs', country], message: known(name) });
  }
  return out;
}
