/**
 * Schema of the script library (src/config/scripts.default.yaml documents every key). Types are inferred from it;
 * cross-entry rules (placeholders, fallbacks, privacy, SMS length) live in ./check.ts.
 */
import { z } from 'zod';
import { REC_PURPOSES } from '../contract/recommendation.ts';
import { CREDIT_GRADES, LOAN_TYPES } from '../contract/tables.ts';
import { LANGS } from '../core/format.ts';

/** Languages every text is written in (src/core/format.ts). */
export { LANGS, type Lang } from '../core/format.ts';

/** Grade tiers a script may target. */
export const TIERS = ['top', 'standard', 'watch'] as const;
export type Tier = (typeof TIERS)[number];

/** Situations a script may target; see the library's comment for when each holds. */
export const SITUATIONS = [
  'first_contact',
  'after_hangup',
  'missed_payment',
  'downturn',
  'near_maturity',
  'promise_check',
  'hardship_review',
  'escalation',
] as const;
export type Situation = (typeof SITUATIONS)[number];

/** Placeholders a text may use, filled per borrower (./facts.ts). */
export const PLACEHOLDERS = [
  'lender',
  'hotline',
  'currency',
  'product',
  'purpose_label',
  'next_due_on',
  'next_amount',
  'overdue_amount',
  'dpd',
  'maturity_on',
  'promised_on',
  'window',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Placeholders a notice may use: nothing about the debt, since an SMS can be read by anyone holding the phone. */
export const NOTICE_PLACEHOLDERS: readonly Placeholder[] = ['lender', 'hotline', 'purpose_label', 'window'];

export const NOTICE_CHANNELS = ['sms', 'email', 'app'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

const text = z.string().min(1);
const byLang = z.strictObject({ 'zh-CN': text, en: text });
const points = z.array(text).min(1);

const scriptSchema = z.strictObject({
  /** Purpose the script serves; omitted = any purpose (scripts for a situation such as a promise check). */
  purpose: z.enum(REC_PURPOSES).optional(),
  loan_type: z.enum(LOAN_TYPES).optional(),
  tier: z.enum(TIERS).optional(),
  situation: z.enum(SITUATIONS).optional(),
  /** Id of the script this one challenges: the two split borrowers at random (seeded by `experiment.seed`). */
  variant_of: z.string().min(1).optional(),
  'zh-CN': points,
  en: points,
});

const noticeSchema = z.strictObject({
  /** Most SMS segments a rendered notice may take; null = no limit (email, app). */
  max_segments: z.number().int().min(1).nullable(),
  'zh-CN': text,
  en: text,
});

export const librarySchema = z.strictObject({
  lender: z.strictObject({
    name: byLang,
    /** The official service number: digits and hyphens, 3–13 characters. */
    hotline: z.string().regex(/^[0-9][0-9-]{1,11}[0-9]$/),
    currency: byLang,
  }),
  languages: z.strictObject({
    default: z.enum(LANGS),
    zones: z.record(z.string().min(1), z.enum(LANGS)),
  }),
  grade_tiers: z.strictObject({
    top: z.array(z.enum(CREDIT_GRADES)),
    standard: z.array(z.enum(CREDIT_GRADES)),
    watch: z.array(z.enum(CREDIT_GRADES)),
  }),
  products: z.strictObject({ personal: byLang, corporate: byLang }),
  purposes: z.strictObject({ first: byLang, mid_term: byLang, final: byLang, collection: byLang }),
  experiment: z.strictObject({ seed: z.number().int().min(0) }),
  scripts: z.record(z.string().regex(/^[a-z0-9_]+(?:\.[a-z0-9_]+)*$/), scriptSchema),
  notices: z.strictObject({ sms: noticeSchema, email: noticeSchema, app: noticeSchema }),
});

export type ScriptLibraryDoc = z.infer<typeof librarySchema>;
export type ScriptDoc = ScriptLibraryDoc['scripts'][string];
/** A validated library plus its version (first 16 hex digits of the SHA-256 of its stable JSON). */
export type ScriptLibrary = ScriptLibraryDoc & { version: string };
