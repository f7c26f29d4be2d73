/**
 * Loan family: terms fixed at disbursement (type, grade, rate, term, size, collateral, declared income).
 */
import { ident } from '../../warehouse/db.ts';
import { cat, type FeatureFamily, num } from './family.ts';

const F = 'loan';

export const loanFamily: FeatureFamily = {
  name: F,
  features: [
    cat(F, 'loan_type', '{v} loan'),
    cat(F, 'credit_grade', 'credit grade {v}'),
    num(F, 'annual_rate', 'annual rate {v}', '%'),
    num(F, 'term_months', '{v}-month term', 'months'),
    num(F, 'log_principal', 'loan size (log) {v}'),
    num(F, 'collateral_cover', 'collateral covers {v} of the principal', '%'),
    num(F, 'income_missing', 'declared income missing ({v})'),
  ],
  sql(spine) {
    return `
SELECT s.rid,
  l.loan_type::VARCHAR AS loan_type,
  l.credit_grade::VARCHAR AS credit_grade,
  l.annual_rate::DOUBLE AS annual_rate,
  l.term_months::DOUBLE AS term_months,
  ln(l.principal)::DOUBLE AS log_principal,
  -- Unsecured loans have no collateral: cover 0, not unknown.
  (coalesce(l.collateral_value, 0) / l.principal)::DOUBLE AS collateral_cover,
  (CASE WHEN l.income IS NULL OR l.income = 0 THEN 1 ELSE 0 END)::DOUBLE AS income_missing
FROM ${ident(spine)} s JOIN loans l ON l.loan_id = s.loan_id`;
  },
};
