/**
 * What to say: for one follow-up, the chosen script with the borrower's own facts filled in, and the notice text
 * sent before the call with its SMS segment count. Reads the recommendation after its next action is set
 * (src/recommend/next-action.ts), so a promise check or a review task gets its own script.
 */
import type { Recommendation } from '../contract/recommendation.ts';
import { personalNumberIn } from './privacy.ts';
import { amountText, fill, type TextFacts, windowText } from './render.ts';
import type { Lang, ScriptLibrary, Situation } from './schema.ts';
import { chooseScript, langOf } from './select.ts';
import { smsSize } from './sms.ts';

/** The borrower's facts as of the run, from the warehouse (src/recommend/io/talk-facts.ts). Amounts in loan currency. */
export interface LoanTalkFacts {
  loan_type: string;
  credit_grade: string;
  maturity_on: string;
  /** Days past due at the as-of date. */
  dpd: number;
  /** Next installment due after the as-of date (YYYY-MM-DD) and its amount; null when none is left. */
  next_due_on: string | null;
  next_amount: number | null;
  /** Unpaid amount of installments due on or before the as-of date. */
  overdue_amount: number;
  /** Whether any conversation (answered, promise to pay, hardship) with the borrower is on record. */
  ever_conversation: boolean;
  /** Outcome of the loan's last contact attempt within the lookback (notices excluded), or null. */
  last_outcome: string | null;
  /** Date the borrower promised to pay at that contact (promise_to_pay only), or null. */
  promised_on: string | null;
}

/** The fields a follow-up gains. */
export interface Talk {
  script_id: string;
  script_lang: Lang;
  talking_points: string[];
  notice_text: string | null;
  notice_segments: number | null;
}

const DAY_MS = 86_400_000;
const NEAR_MATURITY_DAYS = 90;

/** Situations that hold for this follow-up (see the library's comment). */
export function situationsOf(r: Recommendation, f: LoanTalkFacts): Set<Situation> {
  const s = new Set<Situation>();
  if (!f.ever_conversation) s.add('first_contact');
  if (
    f.last_outcome === 'hung_up' ||
    f.last_outcome === 'refused' ||
    r.reason_codes.includes('AFTER_FAILED_CALL')
  )
    s.add('after_hangup');
  if (f.dpd > 0 || f.overdue_amount > 0) s.add('missed_payment');
  if (r.reason_codes.includes('MARKET_DOWNTURN')) s.add('downturn');
  if ((Date.parse(f.maturity_on) - Date.parse(r.due_on)) / DAY_MS <= NEAR_MATURITY_DAYS)
    s.add('near_maturity');
  if (r.reason_codes.includes('PROMISE_CHECK')) s.add('promise_check');
  if (r.next_action === 'review_task') s.add('hardship_review');
  if (r.next_action === 'escalate') s.add('escalation');
  return s;
}

function factsFor(lib: ScriptLibrary, lang: Lang, r: Recommendation, f: LoanTalkFacts): TextFacts {
  return {
    lender: lib.lender.name[lang],
    hotline: lib.lender.hotline,
    currency: lib.lender.currency[lang],
    product: lib.products[f.loan_type as 'personal' | 'corporate']?.[lang] ?? f.loan_type,
    purpose_label: lib.purposes[r.purpose][lang],
    next_due_on: f.next_due_on,
    next_amount: f.next_amount === null ? null : amountText(f.next_amount),
    overdue_amount: amountText(f.overdue_amount),
    dpd: String(f.dpd),
    maturity_on: f.maturity_on,
    promised_on: f.promised_on,
    window: windowText(lang, r.due_on, r.weekday, r.hour_start, r.hour_end),
  };
}

/** Refuses a text that carries a personal number: a bug in a fact, never something to send. */
function guarded(text: string, hotline: string, where: string): string {
  const n = personalNumberIn(text, hotline);
  if (n)
    throw new Error(
      `${where}: a rendered text carries a phone or id number (${n.length} characters); refusing it`,
    );
  return text;
}

/** Script, talking points and notice of one follow-up. */
export function composeTalk(lib: ScriptLibrary, r: Recommendation, f: LoanTalkFacts): Talk {
  const lang = langOf(lib, r.time_zone);
  const choice = chooseScript(lib, {
    purpose: r.purpose,
    loan_type: f.loan_type,
    credit_grade: f.credit_grade,
    borrower_id: r.borrower_id,
    situations: situationsOf(r, f),
  });
  const facts = factsFor(lib, lang, r, f);
  const where = `loan ${r.loan_id} script ${choice.id}`;
  const points = choice.script[lang]
    .map((t) => fill(t, facts))
    .filter((t): t is string => t !== null)
    .map((t) => guarded(t, lib.lender.hotline, where));
  let notice: string | null = null;
  let segments: number | null = null;
  if (r.prenotify && r.prenotify_channel) {
    const t = fill(lib.notices[r.prenotify_channel][lang], facts);
    notice = t === null ? null : guarded(t, lib.lender.hotline, `${where} notice`);
    if (notice !== null && r.prenotify_channel === 'sms') segments = smsSize(notice).segments;
  }
  return {
    script_id: choice.id,
    script_lang: lang,
    talking_points: points,
    notice_text: notice,
    notice_segments: segments,
  };
}
