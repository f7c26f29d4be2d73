/**
 * The privacy guard of every text followup writes for a borrower (talking points, notices): no phone number and
 * no national id. The lender's official hotline is the one number allowed — it is how a borrower checks that a
 * call is genuine. Dates (YYYY-MM-DD) and amounts with thousands separators never form a run of 7 digits, so a
 * run of 7 or more digits (spaces or hyphens between them allowed) is taken for a phone or id number.
 */

const DATE = /\b\d{4}-\d{2}-\d{2}\b/g;
/** 7+ digits, optionally separated by single spaces or hyphens, with or without a leading '+'. */
const LONG_NUMBER = /\+?\d(?:[ -]?\d){6,}/;
/** Mainland China resident id: 17 digits and a check digit or X. */
const NATIONAL_ID = /\d{17}[\dXx]/;

/** The hotline standing alone, by hotline: compiled once, not for each of a million texts. */
const HOTLINES = new Map<string, RegExp>();

/** The first personal-looking number in `text` once the hotline and dates are taken out, or null. */
export function personalNumberIn(text: string, hotline: string): string | null {
  // Only the hotline standing alone: inside a longer number (13955991234 holds 95599) it hides nothing.
  let alone = HOTLINES.get(hotline) ?? null;
  if (hotline && !alone) {
    alone = new RegExp(`(?<![\\d-])${hotline.replace(/[-]/g, '\\-')}(?![\\d-])`, 'g');
    HOTLINES.set(hotline, alone);
  }
  const rest = (alone ? text.replace(alone, ' ') : text).replace(DATE, ' ');
  const m = NATIONAL_ID.exec(rest) ?? LONG_NUMBER.exec(rest);
  return m ? m[0] : null;
}

/** True when `text` links anywhere (notices and scripts carry no links: phishing texts do). */
export function hasLink(text: string): boolean {
  return /(?:[a-z][a-z0-9+.-]*:\/\/|\bwww\.|\b[a-z0-9-]+\.(?:com|cn|net|org|io|me|ly|cc)\b)/i.test(text);
}
