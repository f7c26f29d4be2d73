/**
 * Planner input and output shapes. Inputs are plain typed data plus a batch hang-up scorer, so the planner is a pure
 * function of its arguments: the coordinator reads loans, history and model outputs from the warehouse and passes
 * them in; nothing here touches files, the clock or the network.
 */

import type { Recommendation } from '../contract/recommendation.ts';
import type { Policy } from './policy/schema.ts';
import type { ContactFacts, ContactPriors, ContactProfile } from './profile.ts';

/** A contact attempt from history, as the contact rules need it. */
export interface RecentContact {
  /** When the attempt started, ISO 8601 with offset or Z. */
  at_utc: string;
  /** Channel of the attempt. */
  channel: 'phone' | 'sms' | 'email' | 'visit' | 'app';
  /** Outcome, as in the contacts table (answered, hung_up, no_answer, refused, busy, voicemail, …). */
  outcome: string;
  /** outbound (lender → borrower, default) or inbound. */
  direction?: 'outbound' | 'inbound';
}

/** Dates (YYYY-MM-DD, borrower-local) of completed follow-ups by purpose; missing lists mean none. */
export interface FollowUpHistory {
  first?: string[];
  mid_term?: string[];
  final?: string[];
  collection?: string[];
}

/** One loan as the planner sees it. */
export interface PlannerLoan {
  loan_id: string;
  borrower_id: string;
  /** personal | corporate. */
  loan_type: string;
  /** AAA … CCC. */
  credit_grade: string;
  /** YYYY-MM-DD. */
  disbursed_on: string;
  /** YYYY-MM-DD. */
  maturity_on: string;
  /** Borrower's IANA time zone. */
  time_zone: string;
  /** Region code (for audit; the market effect comes in through `market_change`). */
  region?: string;
  /** Days past due at the as-of date; 0 when current. */
  current_dpd: number;
  /** Regional house-price index change as a fraction (−0.06 = −6 %); null when unknown (no adjustment). */
  market_change: number | null;
  /** Completed follow-ups by purpose (cycles done). */
  history: FollowUpHistory;
  /** Contact attempts of the last weeks (at least the longest rule window, e.g. 14 days); any order. */
  recent_contacts: RecentContact[];
  /** Monthly hazards h_1…h_H of 30+ DPD onset from the as-of date (H = 6 by default). */
  hazard: ArrayLike<number>;
  /** Rule pack name; default from the policy's zone_packs / default_pack. */
  rule_pack?: string | null;
  /** Whether the borrower can receive SMS (default true); email is used for notice otherwise. */
  sms_ok?: boolean;
  /** Whether the borrower has an email address (default false). */
  email_ok?: boolean;
  /** Contractual term in months (default: derived from disbursed_on and maturity_on). */
  term_months?: number;
  /** The borrower's own contact history per time band (default none: the model's population view only). */
  contact?: ContactFacts;
}

/**
 * A batch of candidate call slots, column-oriented so a million loans do not allocate a million objects:
 * slot j concerns `input.loans[loan[j]]`, local ISO `weekday[j]` (1–7) and `hour[j]` (0–23), channel code
 * `channel[j]` (index into CHANNELS of src/contract/tables.ts; 0 = phone) and `prenotified[j]` (1 = announced).
 */
export interface SlotBatch {
  /** Number of slots in use (arrays may be longer). */
  size: number;
  loan: Int32Array;
  weekday: Uint8Array;
  hour: Uint8Array;
  channel: Uint8Array;
  prenotified: Uint8Array;
}

/** Batch hang-up scorer: probability (0–1) per slot, same order, length ≥ batch.size. */
export type HangupScorer = (batch: SlotBatch) => Promise<Float32Array>;

/** Planner input. */
export interface PlanInput {
  /** As-of date of the run, YYYY-MM-DD. */
  asOf: string;
  /** Run id stamped on every recommendation (default `plan-<asOf>`). */
  runId?: string;
  loans: PlannerLoan[];
  policy: Policy;
  hangup: HangupScorer;
  modelVersions: { delinquency: string; hangup: string };
  /** Book and loan-type rates per time band that personal contact histories are shrunk towards. */
  contactPriors?: ContactPriors;
  /**
   * Contact profiles given directly, one per loan (same order), instead of computing them from `contactPriors`
   * and each loan's `contact` counts — e.g. the backtest's oracle, which knows each borrower's true pick-up chance.
   */
  profiles?: (ContactProfile | null)[];
  /** Slots per scorer call (default 32768). */
  batchSlots?: number;
  /**
   * When given, recommendations are streamed here instead of collected (keeps memory flat for large runs), each
   * with the index of its loan in `loans`.
   */
  onRecommendation?: (r: Recommendation, loan: number) => void;
  /**
   * Awaited once, after the plan is made and before the first record is emitted: a caller finishes there what ran
   * beside the planning and its `onRecommendation` needs (recommend: the reason codes from their worker).
   */
  beforeEmit?: () => Promise<void>;
  /**
   * Order of the records: `loans` (default, the order of `loans`) or `export` — by due date, window start and loan
   * id, the order every export writes them in (export/plan.ts), so a run stored in it is exported without a sort.
   */
  order?: 'loans' | 'export';
  /**
   * Completes each record before `onRecommendation` gets it (recommend: next actions, scripts, the model's
   * drivers). It may move a follow-up's date or window only where `moves` says so: with `order: 'export'` those
   * records are made first, so the order knows where they land.
   */
  finish?: (r: Recommendation, loan: number) => void;
  /** Loans whose record `finish` may move (see `finish`); none when absent. */
  moves?: (loan: number) => boolean;
}

/** A day (or, for hourly capacity, a UTC hour) over capacity after every allowed move. Reported, never hidden. */
export interface CapacityOverflow {
  /** YYYY-MM-DD (the borrowers' local due date; for hourly overflow, the UTC date of the hour). */
  date: string;
  /** null for daily overflow; for hourly overflow the UTC hour start, ISO 8601. */
  hour_utc: string | null;
  /** Daily (or hourly) capacity in calls. */
  capacity: number;
  /** Follow-ups scheduled that day (or starting in that hour) including the overflow. */
  planned: number;
  /** How many exceed capacity. */
  overflow: number;
  /** Loans over capacity that day (lowest priority first). */
  loan_ids: string[];
}

/** Counts for the run summary. */
export interface PlanStats {
  /** Loans given. */
  loans: number;
  /** Recommendations emitted. */
  recommendations: number;
  /** Loans without a follow-up: matured, or nothing due before maturity. */
  skipped: number;
  /** Follow-ups by purpose. */
  by_purpose: Record<string, number>;
  /** Moved by capacity. */
  moved: number;
  /** Over daily capacity after every allowed move. */
  overflow: number;
  /** Daily capacity in force: the policy's number, what `auto` derived from this plan, or null (unlimited). */
  capacity_daily: number | null;
  /** Moved to another hour of the same day by hourly capacity. */
  hour_moved: number;
  /** Over hourly capacity at every allowed hour of their day. */
  hourly_overflow: number;
  /** Contact rules pushed the follow-up past a hard deadline (reason DEADLINE_UNREACHABLE). */
  conflicts: number;
  /** Pre-notified follow-ups. */
  prenotified: number;
  /** Slots sent to the hang-up scorer, and scorer calls. */
  scored_slots: number;
  scorer_calls: number;
}

/** Planner output. */
export interface PlanResult {
  /** Empty when `onRecommendation` was given. */
  recommendations: Recommendation[];
  overflow: CapacityOverflow[];
  stats: PlanStats;
}
