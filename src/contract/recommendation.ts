/**
 * The recommendation record: what `followup recommend` writes (table `recommendations`) and what every exporter
 * and report reads. One row per (loan, next follow-up). Phones are not stored here; exporters that need them
 * (the dialer CSV) join `loans`.
 */

export const REC_PURPOSES = ['first', 'mid_term', 'final', 'collection'] as const;
export type RecPurpose = (typeof REC_PURPOSES)[number];

/**
 * What the follow-up does, set from the loan's last contact outcome by the policy's next-action table
 * (src/recommend/next-action.ts): the planned `call`, a `written` follow-up, `call_other_band` after a failed call,
 * `retry_in_window` after an unanswered one, `check_call` after a promise to pay, `review_task` (no call) after
 * cash-flow trouble was reported, `escalate` after a refusal.
 */
export const NEXT_ACTIONS = [
  'call',
  'written',
  'call_other_band',
  'retry_in_window',
  'check_call',
  'review_task',
  'escalate',
] as const;
export type NextAction = (typeof NEXT_ACTIONS)[number];
/** Who carries the follow-up out. */
export const ASSIGNEES = ['agent', 'loan_officer', 'supervisor'] as const;
export type Assignee = (typeof ASSIGNEES)[number];

export interface Recommendation {
  /** Recommendation run that produced the row. */
  run_id: string;
  loan_id: string;
  borrower_id: string;
  /** As-of date of the run (YYYY-MM-DD). */
  as_of: string;
  /** Why the follow-up happens. */
  purpose: RecPurpose;
  /** n-th follow-up of this purpose for this loan (1-based); with loan_id and purpose it is the stable identity. */
  cycle: number;
  /** Recommended date, borrower-local (YYYY-MM-DD). */
  due_on: string;
  /** Allowed window: the follow-up may move between these dates (inclusive) for capacity. */
  earliest_on: string;
  latest_on: string;
  /** True when latest_on is a lifecycle or regulatory deadline that must never be passed. */
  hard_deadline: boolean;
  /** Days until the following follow-up under the same policy (the cadence). */
  cadence_days: number;
  /** Predicted probability of 30+ DPD onset between as_of and due_on. */
  risk_at_due: number;
  /** Risk budget that applied (after market adjustment). */
  risk_budget: number;
  /** Borrower's IANA time zone. */
  time_zone: string;
  /** Best local call window [hour_start, hour_end) in the borrower's zone, 0–23. */
  hour_start: number;
  hour_end: number;
  /** ISO weekday of due_on, 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** The window on due_on as UTC instants (ISO 8601). */
  window_start_utc: string;
  window_end_utc: string;
  /** Channel of the follow-up itself. */
  channel: 'phone' | 'sms' | 'email' | 'visit' | 'app';
  /** Predicted hang-up probability at the chosen slot, and at the worst allowed slot (for the reason text). */
  hangup_risk: number;
  hangup_risk_worst: number;
  /** Pre-notification: whether, by which channel, when (UTC ISO) and why. */
  prenotify: boolean;
  prenotify_channel: 'sms' | 'email' | 'app' | null;
  prenotify_at_utc: string | null;
  prenotify_reason: string | null;
  /** Higher is more urgent; capacity moves lower priorities first. 0–100. */
  priority: number;
  /** Machine codes, e.g. `FIRST_DUE`, `RISK_BUDGET`, `CAPACITY_MOVED`. */
  reason_codes: string[];
  /** The same reasons in words for an agent or analyst. At least one. */
  reasons: string[];
  /** True when capacity moved the follow-up away from its preferred date. */
  moved: boolean;
  /** Versions that produced the row, for audit. */
  delinquency_model: string;
  hangup_model: string;
  policy_version: string;
  // Set by the recommend stage after planning (next-action.ts, src/scripts); absent from the bare planner's records.
  /** What the follow-up does (see NEXT_ACTIONS). */
  next_action?: NextAction;
  /** Who carries it out. */
  assignee?: Assignee;
  /** Chosen script (src/config/scripts.default.yaml id) and the language of its texts (zh-CN | en). */
  script_id?: string;
  script_lang?: string;
  /** The script's talking points with the borrower's facts filled in; never a phone or id number. */
  talking_points?: string[];
  /** Text of the pre-notification (null without one) and its SMS segment count (SMS only, else null). */
  notice_text?: string | null;
  notice_segments?: number | null;
  /**
   * Id of this follow-up as planned on this as-of date, for the dialer or CRM to send back with each outcome
   * (contacts.followup_id), so outcomes join to the recommendation — and the script — that caused them.
   * `fu-` + 16 hex digits of SHA-256 over (as_of, loan_id, purpose, cycle).
   */
  followup_id?: string;
}
