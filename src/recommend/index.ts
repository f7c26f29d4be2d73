/**
 * The recommend stage: policy, contact rules and the follow-up planner.
 *
 * Wiring (the `recommend` command): `loadPolicy(path?)` → one `PlannerLoan` per open loan from the warehouse
 * (loans; current_dpd from repayments at as-of; history = dates of completed outbound follow-ups by purpose from
 * contacts; recent_contacts = the last ~14 days of contacts; market_change = regional HPI change from market;
 * hazard = the delinquency model's h_1…h_6) → `planFollowUps({ asOf, loans, policy, hangup, modelVersions })`,
 * where `hangup(batch)` maps each SlotBatch row (loan index, weekday, hour, channel, prenotified) to the hang-up
 * model's probability → write `recommendations` (table.ts) and report `overflow` and `stats`. With
 * `contactPriors` (book rates per time band and the latent contact classes) and each loan's `contact` facts, the
 * window follows the borrower's own answer pattern (profile.ts, classes.ts).
 */

export {
  ASSIGNEES,
  type Assignee,
  NEXT_ACTIONS,
  type NextAction,
  type Recommendation,
} from '../contract/recommendation.ts';
export { BAND_LABELS, type BandCounts, type BandRates, bandOf } from './bands.ts';
export { calendarFor, calendarForZone, calendarSpecFor, type WorkCalendar } from './calendar.ts';
export { type ContactClasses, fitContactClasses } from './classes.ts';
export { countryOfZone } from './country.ts';
export type {
  CapacityOverflow,
  FollowUpHistory,
  HangupScorer,
  PlanInput,
  PlannerLoan,
  PlanResult,
  PlanStats,
  RecentContact,
  SlotBatch,
} from './input.ts';
export { applyNextAction, type LastContact } from './next-action.ts';
export { planFollowUps } from './plan.ts';
export { DEFAULT_POLICY_PATH, loadPolicy, PolicyError, parsePolicy } from './policy/load.ts';
export type { Policy, RulePack, SegmentPolicy } from './policy/schema.ts';
export { packFor, resolveSegment } from './policy/segment.ts';
export type { ContactFacts, ContactPriors, ContactProfile } from './profile.ts';
export { codesOf, R, type ReasonCode } from './reasons.ts';
export { checkRules, type HistoryContact, type PlannedContact, type RuleViolation } from './rules/check.ts';
