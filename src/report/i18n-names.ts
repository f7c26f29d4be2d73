/**
 * Names of data values the report shows — features, channels, models, reason codes — in Simplified Chinese. In
 * English the page shows the id itself (the analyst's vocabulary); in zh-CN every visible string is Chinese, so
 * each id a chart or table can show has an entry here, and `nameOf` falls back to the id only for unknown ones.
 */
import type { Lang } from './types.ts';

const FEATURES: Record<string, string> = {
  score: '模型分数',
  dpd_now: '当前逾期天数',
  dpd_max: '历史最大逾期天数',
  late_3m: '近3个月逾期次数',
  late_6m: '近6个月逾期次数',
  late_12m: '近12个月逾期次数',
  dpd30_episodes: '30天以上逾期次数',
  paid_ratio_3m: '近3个月还款比例',
  paid_ratio_6m: '近6个月还款比例',
  months_on_book: '账龄（月）',
  months_to_maturity: '距到期月数',
  outstanding: '未偿本金',
  burden: '还款负担',
  calls_30d: '近30天致电次数',
  answered_30d: '近30天接通次数',
  hangups_30d: '近30天挂断次数',
  answer_rate_30d: '近30天接通率',
  hangup_rate_30d: '近30天挂断率',
  calls_90d: '近90天致电次数',
  answered_90d: '近90天接通次数',
  hangups_90d: '近90天挂断次数',
  answer_rate_90d: '近90天接通率',
  hangup_rate_90d: '近90天挂断率',
  calls_180d: '近180天致电次数',
  answered_180d: '近180天接通次数',
  hangups_180d: '近180天挂断次数',
  answer_rate_180d: '近180天接通率',
  hangup_rate_180d: '近180天挂断率',
  inbound_180d: '近180天客户来电次数',
  prenotices_90d: '近90天预先通知次数',
  days_since_answered: '距上次接通天数',
  days_since_contact: '距上次联系天数',
  last_outcome: '上次联系结果',
  loan_type: '贷款类型',
  credit_grade: '信用等级',
  annual_rate: '年利率',
  term_months: '期限（月）',
  log_principal: '本金（对数）',
  collateral_cover: '抵押覆盖率',
  income_missing: '收入缺失',
  hpi: '房价指数',
  hpi_chg_3m: '房价指数3个月变化',
  hpi_chg_6m: '房价指数6个月变化',
  hpi_chg_12m: '房价指数12个月变化',
  unemployment: '失业率',
  unemployment_chg_12m: '失业率12个月变化',
  unemployment_gap: '失业率缺口',
  market_lag_months: '市场数据滞后月数',
  local_hour: '本地小时',
  weekday: '星期',
  channel: '渠道',
  purpose: '回访目的',
  prenotified_48h: '48小时内预先通知',
  attempts_today: '当日尝试次数',
};

const CHANNELS: Record<string, string> = {
  phone: '电话',
  sms: '短信',
  app: '应用内消息',
  email: '电子邮件',
  visit: '上门拜访',
  letter: '信函',
};

const MODELS: Record<string, string> = { delinquency: '逾期模型', hangup: '挂断模型' };

const PURPOSES: Record<string, string> = {
  first: '首次回访',
  mid_term: '中期回访',
  final: '末期回访',
  collection: '催收联系',
};

/** What each reason code means, for the zh-CN page (the planner's sentences are English). */
const REASONS: Record<string, string> = {
  HANGUP_WINDOW: '选择挂断风险最低的时段',
  PERSONAL_WINDOW: '按借款人过往接听习惯选择时段',
  RISK_DRIVERS: '主要风险因素',
  PRENOTIFY: '预先通知可降低挂断风险',
  MID_TERM_DUE: '中期回访到期',
  RISK_WITHIN_BOUND: '预测风险在预算内，按上限间隔回访',
  BEST_WEEKDAY: '选择接通率较高的工作日',
  RISK_BUDGET: '预测风险累计达到风险预算',
  OVERDUE: '回访已逾期，立即安排',
  TERM_CADENCE: '按贷款期限限制回访间隔',
  AFTER_FAILED_CALL: '上次致电失败：换时段并先书面通知',
  FINAL_DUE: '到期前的末期回访',
  ANCHOR_WINS: '末期回访窗口优先于风险日期',
  NO_WORKING_DAY_IN_WINDOW: '窗口内无工作日，顺延至首个工作日',
  COLLECTION_CADENCE: '已逾期：按催收频率联系',
  FIRST_DUE: '放款后首次回访',
  RISK_FORCED_MIN: '风险较高，按最短间隔回访',
  COORDINATED: '与同一借款人的其他贷款合并联系',
  WRITTEN_FOLLOW_UP: '多次挂断，改为书面回访',
  RULE_QUIET_AFTER_CONVERSATION: '通话后7天内不再致电',
  NO_HANGUP_MODEL: '无挂断模型：使用默认时段',
  NO_DELINQUENCY_MODEL: '无逾期模型：按生命周期界限安排',
};

const LOAN_TYPES: Record<string, string> = { personal: '个人', corporate: '企业', unknown: '未知' };

const OUTCOMES: Record<string, string> = {
  answered: '接通',
  delivered: '已送达',
  failed: '失败',
  hung_up: '挂断',
  no_answer: '无人接听',
  promise_to_pay: '承诺还款',
  refused: '拒绝',
  busy: '占线',
  voicemail: '语音信箱',
  read: '已读',
};

const SPLITS: Record<string, string> = { train: '训练集', valid: '验证集', test: '测试集' };

/** Backtest metrics (src/backtest/run.ts reportMetrics, and the older file shape) and their units. */
const METRICS: Record<string, string> = {
  pre_delinquency_reach: '逾期前接通覆盖率',
  early_warning_coverage: '预警覆盖率',
  median_lead_days: '提前天数中位数',
  attempts: '致电次数',
  attempts_per_loan_year: '每贷款年致电次数',
  true_hangup_rate: '真实挂断率',
  answered_rate: '接通率',
  rule_violations: '违规次数',
  missed_30dpd: '未提前发现的 30 天以上逾期',
  contacts: '联系次数',
  hangup_rate: '挂断率',
};

const UNITS: Record<string, string> = { days: '天', calls: '次', loans: '笔', contacts: '次' };

const KINDS = {
  metric: METRICS,
  unit: UNITS,
  loan_type: LOAN_TYPES,
  outcome: OUTCOMES,
  split: SPLITS,
  feature: FEATURES,
  channel: CHANNELS,
  model: MODELS,
  purpose: PURPOSES,
  reason: REASONS,
};

/** The display name of an id in the page's language: the id itself in English, its Chinese name in zh-CN. */
export function nameOf(lang: Lang, kind: keyof typeof KINDS, id: string): string {
  if (lang === 'en') return id;
  return KINDS[kind][id] ?? id;
}

/** True when zh-CN has a name for the id (tests use it to prove every id the page shows is covered). */
export function hasName(kind: keyof typeof KINDS, id: string): boolean {
  return id in KINDS[kind];
}

/** A vintage label: `2024-H1` stays in English, reads 2024年上半年 in zh-CN. */
export function vintageName(lang: Lang, v: string): string {
  const m = /^(\d{4})-H([12])$/.exec(v);
  if (lang === 'en' || !m) return v;
  return `${m[1]}年${m[2] === '1' ? '上' : '下'}半年`;
}

/** A bin value of a text feature in the page's language (`∅` is a missing value). */
export function binValueName(lang: Lang, feature: string, v: string): string {
  if (v === '∅') return lang === 'en' ? 'missing' : '缺失';
  if (feature === 'loan_type') return nameOf(lang, 'loan_type', v);
  if (feature === 'last_outcome') return nameOf(lang, 'outcome', v);
  if (feature === 'channel') return nameOf(lang, 'channel', v);
  if (feature === 'purpose') return nameOf(lang, 'purpose', v);
  return v;
}
