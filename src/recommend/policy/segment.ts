/**
 * Segment resolution: defaults ← segments.<type>.all ← segments.<type>.<grade>. Objects merge key by key.
 */
import { CREDIT_GRADES, LOAN_TYPES } from '../../contract/tables.ts';
import { countryOfZone } from '../country.ts';
import type { PolicyDoc, SegmentPolicy } from './schema.ts';

type Override = NonNullable<NonNullable<PolicyDoc['segments'][keyof PolicyDoc['segments']]>['all']>;

function apply(base: SegmentPolicy, o: Override | undefined): SegmentPolicy {
  if (!o) return base;
  return {
    first: { ...base.first, ...o.first },
    mid_term: { ...base.mid_term, ...o.mid_term },
    final: { ...base.final, ...o.final },
    risk_budget: o.risk_budget ?? base.risk_budget,
    flex_days: o.flex_days ?? base.flex_days,
    collection_cadence: o.collection_cadence ?? base.collection_cadence,
  };
}

/** The merged segment policy of one loan type and credit grade. */
export function resolveSegment(policy: PolicyDoc, loanType: string, grade: string): SegmentPolicy {
  const byType = policy.segments[loanType as (typeof LOAN_TYPES)[number]];
  const withAll = apply(policy.defaults, byType?.all);
  return apply(withAll, byType?.[grade as (typeof CREDIT_GRADES)[number]]);
}

/** Index of a (type, grade) pair in `segmentTable`, or -1 when either is unknown. */
export function segmentIndex(loanType: string, grade: string): number {
  const t = (LOAN_TYPES as readonly string[]).indexOf(loanType);
  const g = (CREDIT_GRADES as readonly string[]).indexOf(grade);
  return t < 0 || g < 0 ? -1 : t * CREDIT_GRADES.length + g;
}

/** Every (type, grade) segment resolved once, indexed by `segmentIndex`. */
export function segmentTable(policy: PolicyDoc): SegmentPolicy[] {
  const out: SegmentPolicy[] = [];
  for (const t of LOAN_TYPES) for (const g of CREDIT_GRADES) out.push(resolveSegment(policy, t, g));
  return out;
}

/** Budget multiplier for a regional indicator change (fraction); 1 when no tier matches or the change is unknown. */
export function marketMultiplier(policy: PolicyDoc, change: number): number {
  let m = 1;
  if (!Number.isFinite(change)) return m;
  for (const t of policy.market.tiers)
    if (change < t.below && t.budget_multiplier < m) m = t.budget_multiplier;
  return m;
}

/** Collection cadence (days between contacts) for a DPD: the bucket with the largest min_dpd ≤ dpd. */
export function cadenceFor(seg: SegmentPolicy, dpd: number): number {
  let days = seg.collection_cadence[0]?.days ?? 7;
  for (const b of seg.collection_cadence) if (dpd >= b.min_dpd) days = b.days;
  return days;
}

/**
 * Name of the rule pack for a zone: the loan's explicit pack, else the longest matching `zone_packs` prefix (a
 * lender's override), else the pack of the zone's country (`country_packs`), else `default_pack`.
 */
export function packFor(policy: PolicyDoc, zone: string, explicit?: string | null): string {
  if (explicit) return explicit;
  let best = '';
  let pack: string | undefined;
  for (const [prefix, name] of Object.entries(policy.zone_packs)) {
    if (zone.startsWith(prefix) && prefix.length > best.length) {
      best = prefix;
      pack = name;
    }
  }
  if (pack !== undefined) return pack;
  const country = countryOfZone(zone);
  return (country && policy.country_packs[country]) || policy.default_pack;
}
