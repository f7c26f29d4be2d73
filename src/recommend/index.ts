/**
 * The recommend stage: policy, contact rules and the follow-up planner. The coordinator loads the policy
 * (`loadPolicy`), builds `PlannerLoan`s from the warehouse and the models, and calls `planFollowUps`.
 */
export { calendarFor, type WorkCalendar } from './calendar.ts';
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
export { planFollowUps } from './plan.ts';
export { DEFAULT_POLICY_PATH, loadPolicy, PolicyError, parsePolicy } from './policy/load.ts';
export type { Policy, RulePack, SegmentPolicy } from './policy/schema.ts';
export { packFor, resolveSegment } from './policy/segment.ts';
export { codesOf, R, type ReasonCode } from './reasons.ts';
export { daysWithinBudget, riskWithin } from './risk.ts';
export { checkRules, type HistoryContact, type PlannedContact, type RuleViolation } from './rules/check.ts';
export type { Recommendation } from './types.ts';
