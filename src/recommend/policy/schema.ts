/**
 * The follow-up policy schema (zod). The documented default is src/config/policy.default.yaml; every key is
 * explained there. Types are inferred from the schema so the two cannot drift. Cross-key rules (min ≤ max after
 * merging overrides, pack references, calendars) live in ./check.ts.
 */
import { z } from 'zod';
import { ASSIGNEES, NEXT_ACTIONS } from '../../contract/recommendation.ts';
import { CREDIT_GRADES, LOAN_TYPES, OUTCOMES } from '../../contract/tables.ts';

const days = z.number().int().min(0);
const positiveDays = z.number().int().min(1);
const probability = z.number().gt(0).max(1);

const firstSchema = z.strictObject({ min_days: days, max_days: positiveDays, catch_up_days: positiveDays });
const midSchema = z.strictObject({ min_days: positiveDays, max_days: positiveDays });
const finalSchema = z.strictObject({ min_days_before: days, max_days_before: positiveDays });
const cadenceSchema = z.array(z.strictObject({ min_dpd: positiveDays, days: positiveDays })).min(1);

/** Segment policy: lifecycle bounds, risk budget, window flexibility and collection cadence. */
export const segmentSchema = z.strictObject({
  first: firstSchema,
  mid_term: midSchema,
  final: finalSchema,
  risk_budget: probability,
  flex_days: days,
  collection_cadence: cadenceSchema,
});

/** Override of a segment: any subset of the keys. */
export const segmentOverrideSchema = z.strictObject({
  first: firstSchema.partial().optional(),
  mid_term: midSchema.partial().optional(),
  final: finalSchema.partial().optional(),
  risk_budget: probability.optional(),
  flex_days: days.optional(),
  collection_cadence: cadenceSchema.optional(),
});

const gradeKeys = z.enum([...CREDIT_GRADES, 'all']);

/** A contact rule pack (see the packs and their sources in the default policy). */
export const rulePackSchema = z.strictObject({
  calendar: z.string().min(1),
  working_days_only: z.boolean(),
  call_hours: z.strictObject({
    start: z.number().int().min(0).max(23),
    end: z.number().int().min(1).max(24),
  }),
  max_unanswered_per_day: positiveDays.nullable(),
  max_calls: z.strictObject({ calls: positiveDays, days: positiveDays }).nullable(),
  quiet_days_after_conversation: days,
  live_contact_by_dpd: positiveDays.nullable(),
});

/** A row of the next-action table: what follows a contact outcome (src/recommend/next-action.ts). */
export const nextActionSchema = z.strictObject({
  action: z.enum(NEXT_ACTIONS),
  /** Who acts: the call agent (default), a loan officer or a supervisor. */
  assignee: z.enum(ASSIGNEES).optional(),
  /** check_call: days after the promised date; review_task: days after the contact. Default 1. */
  days_after: days.optional(),
});

export const policySchema = z.strictObject({
  name: z.string(),
  planning: z.strictObject({
    min_lead_days: days,
    weekday_search_days: z.number().int().min(0).max(14),
    window_hours: z.number().int().min(1).max(2),
    overdue_window_days: days,
  }),
  defaults: segmentSchema,
  segments: z.partialRecord(z.enum(LOAN_TYPES), z.partialRecord(gradeKeys, segmentOverrideSchema)),
  market: z.strictObject({
    tiers: z.array(z.strictObject({ below: z.number(), budget_multiplier: probability })),
  }),
  prenotify: z.strictObject({ threshold: z.number().min(0).max(1), min_gain: z.number().min(0).max(1) }),
  rule_packs: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), rulePackSchema),
  default_pack: z.string(),
  /** ISO 3166-1 alpha-2 country of the borrower's zone → pack (src/recommend/country.ts); codes checked in check.ts. */
  country_packs: z.record(z.string(), z.string()),
  zone_packs: z.record(z.string().min(1), z.string()),
  term_cadence: z.array(z.strictObject({ max_term_months: positiveDays, max_days: positiveDays })),
  contact: z.strictObject({
    prior_attempts: z.number().min(0),
    miss_weight: z.number().min(0).max(1),
    avoid_failed_band: z.boolean(),
    written_after_hangups: positiveDays.nullable(),
    lookback_days: positiveDays,
    coordinate_days: days,
  }),
  capacity: z.strictObject({
    daily: z.union([positiveDays, z.literal('auto')]).nullable(),
    hourly: positiveDays.nullable(),
  }),
  priority: z.strictObject({ risk: z.number().min(0), dpd: z.number().min(0), deadline: z.number().min(0) }),
  next_actions: z.partialRecord(z.enum(OUTCOMES), nextActionSchema),
});

/** A validated policy as written (after merging over the default). */
export type PolicyDoc = z.infer<typeof policySchema>;
/** Segment policy after defaults and overrides are merged. */
export type SegmentPolicy = z.infer<typeof segmentSchema>;
/** One contact rule pack. */
export type RulePack = z.infer<typeof rulePackSchema>;
/** One row of the next-action table. */
export type NextActionRule = z.infer<typeof nextActionSchema>;
/** A validated policy plus its version (first 16 hex digits of the SHA-256 of its stable JSON). */
export type Policy = PolicyDoc & { policy_version: string };
