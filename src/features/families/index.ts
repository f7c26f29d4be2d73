/**
 * The feature-family registry. Snapshot rows use SNAPSHOT_FAMILIES in this order; hang-up rows add the context
 * family. Adding a family = one file here plus one entry below (and a FEATURE_VERSION bump).
 */
import { contactFamily } from './contact.ts';
import { contextFamily } from './context.ts';
import type { FeatureFamily } from './family.ts';
import { loanFamily } from './loan.ts';
import { marketFamily } from './market.ts';
import { repaymentFamily } from './repayment.ts';

export type { FeatureFamily } from './family.ts';

/** Families describing a loan's state at an as-of date (the borrower-state part of every row). */
export const SNAPSHOT_FAMILIES: readonly FeatureFamily[] = [
  repaymentFamily,
  contactFamily,
  loanFamily,
  marketFamily,
];

/** Family describing one contact attempt (hour, weekday, channel, pre-notification, …). */
export const CONTEXT_FAMILY: FeatureFamily = contextFamily;
