/**
 * What to say: the script library (scripts.default.yaml + a lender's file), the choice of script per follow-up,
 * its talking points and the notice text before a call, SMS segment arithmetic, the privacy guard, and outcomes
 * per script. Wired after the planner by src/recommend/io/talk.ts.
 */
export { composeTalk, type LoanTalkFacts, situationsOf, type Talk } from './compose.ts';
export { DEFAULT_SCRIPTS_PATH, loadLibrary, parseLibrary, ScriptLibraryError } from './load.ts';
export { hasLink, personalNumberIn } from './privacy.ts';
export type { Lang, ScriptLibrary, Situation } from './schema.ts';
export { chooseScript, langOf, variantDraw } from './select.ts';
export { type SmsSize, smsSize } from './sms.ts';
export { type ScriptStats, scriptStats } from './stats.ts';
