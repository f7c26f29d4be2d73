/**
 * The generator's truth next to the model's hazards.
 *
 * truth/hazard.csv holds, per loan and installment due month, the TRUE probability that the installment due that
 * month is the loan's first to reach 30+ DPD (given none before). The model's hazard h_k at as-of A is the
 * probability of a first onset in (A + (k−1) months, A + k months], where onset = due_on + 30 days (the labels of
 * src/features/labels.ts). So h_k is compared with the installments whose due_on + 30 falls in that window —
 * installments due about a month before the window:
 *
 *   true_k(A) = 1 − Π (1 − hazard[loan, month(due_on)])  over installments with A+(k−1)m < due_on+30 ≤ A+km
 *
 * (usually exactly one installment; two when a short month squeezes both into the window, none for a window past
 * maturity). Pairs exist only where the truth has a row for every such installment: not before disbursement, not
 * after the first onset or prepayment, not after the world's end — i.e. exactly the population still at risk.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputError } from '../core/errors.ts';
import { literal, type Warehouse } from '../warehouse/db.ts';

/** Finds hazard.csv(.gz) in `dir` or in `dir/truth` (a world folder); BadInputError naming both when absent. */
export function truthFile(dir: string): string {
  for (const d of [dir, join(dir, 'truth')]) {
    for (const f of ['hazard.csv', 'hazard.csv.gz']) if (existsSync(join(d, f))) return join(d, f);
  }
  throw new BadInputError(`no hazard.csv or hazard.csv.gz in ${dir} or ${join(dir, 'truth')}`, {
    place: { file: dir },
    hint: 'pass --truth the truth/ folder written by `followup generate` (or the world folder itself)',
  });
}

/** Loads the truth into temp table `bt_truth(loan_id, month DATE, hazard DOUBLE)`; returns its row count. */
export async function loadTruth(w: Warehouse, file: string): Promise<number> {
  try {
    await w.run(
      `CREATE OR REPLACE TEMP TABLE bt_truth AS
       SELECT loan_id::VARCHAR AS loan_id, month::DATE AS month, hazard::DOUBLE AS hazard
       FROM read_csv(${literal(file)}, header = true,
         columns = {'loan_id': 'VARCHAR', 'month': 'DATE', 'hazard': 'DOUBLE'})`,
    );
  } catch (cause) {
    throw new BadInputError(
      `truth file ${file}: expected CSV columns loan_id, month (YYYY-MM-DD), hazard (0–1); ${String(cause)}`,
      { place: { file }, cause },
    );
  }
  const r = await w.one<{ n: bigint; bad: bigint }>(
    'SELECT count(*) AS n, count(*) FILTER (WHERE NOT (hazard BETWEEN 0 AND 1)) AS bad FROM bt_truth',
  );
  if (Number(r?.bad ?? 0) > 0)
    throw new BadInputError(`truth file ${file}: ${r?.bad} hazards outside [0, 1]`, { place: { file } });
  return Number(r?.n ?? 0);
}

/** One compared pair: the model's month-k hazard at an as-of date and the true probability it estimates. */
export interface TruthPair {
  as_of: string;
  loan_id: string;
  /** Model month 1…H. */
  k: number;
  /** Predicted hazard h_k. */
  predicted: number;
  /** True probability of first onset in the same window (see the module comment). */
  truth: number;
  /**
   * Every installment of the window falls due after the as-of date. When one fell due before (always for k = 1),
   * the model has already seen whether it was paid, and the generator's ex-ante hazard is not the probability
   * given what the model knows: a paid installment can no longer go 30+ DPD, an unpaid one is far likelier to.
   */
  unseen: boolean;
}

/** Creates the empty temp table the predictions go into: `bt_pred(as_of DATE, loan_id, k INTEGER, p DOUBLE)`. */
export async function createPredictionTable(w: Warehouse): Promise<void> {
  await w.run('CREATE OR REPLACE TEMP TABLE bt_pred (as_of DATE, loan_id VARCHAR, k INTEGER, p DOUBLE)');
}

/** Appends n × H hazards of one as-of date to `bt_pred`. */
export async function appendPredictions(
  w: Warehouse,
  asOf: string,
  loanIds: readonly string[],
  hazard: ArrayLike<number>,
  H: number,
): Promise<void> {
  const app = await w.conn.createAppender('bt_pred', 'main', 'temp');
  try {
    for (let i = 0; i < loanIds.length; i++) {
      for (let k = 1; k <= H; k++) {
        app.appendVarchar(asOf);
        app.appendVarchar(loanIds[i]!);
        app.appendInteger(k);
        app.appendDouble(hazard[i * H + k - 1]!);
        app.endRow();
      }
    }
  } finally {
    app.closeSync();
  }
}

/**
 * One row per prediction (as_of, loan_id, k) in `bt_pred`: the installments whose onset falls in its window
 * (module comment), how many of them have a truth, their combined truth (1 − Π(1 − h); null unless every one has
 * a truth) and whether they all fall due after the as-of date.
 */
const WINDOWS_SQL = `
  SELECT p.as_of, p.loan_id, p.k, any_value(p.p) AS predicted,
    count(r.due_on)::INTEGER AS installments,
    CASE WHEN count(r.due_on) = 0 OR count(t.hazard) < count(r.due_on) THEN NULL
      -- one installment (the usual case) keeps its hazard exactly; 1 − (1 − h) would round
      WHEN count(r.due_on) = 1 THEN any_value(t.hazard)
      ELSE 1 - product(1 - t.hazard) END AS truth,
    coalesce(min(r.due_on) > any_value(p.as_of), false) AS unseen
  FROM temp.bt_pred p
  LEFT JOIN repayments r ON r.loan_id = p.loan_id
    AND r.due_on + 30 > (p.as_of + to_months(p.k - 1))::DATE
    AND r.due_on + 30 <= (p.as_of + to_months(p.k))::DATE
  LEFT JOIN temp.bt_truth t ON t.loan_id = r.loan_id AND t.month = date_trunc('month', r.due_on)::DATE
  GROUP BY p.as_of, p.loan_id, p.k`;

/** Pairs every prediction in `bt_pred` with the truth in `bt_truth` through `repayments` (module comment). */
export async function truthPairs(w: Warehouse): Promise<TruthPair[]> {
  return w.all<TruthPair>(
    `SELECT as_of::VARCHAR AS as_of, loan_id, k, predicted, truth, unseen
     FROM (${WINDOWS_SQL})
     -- every installment of the window must have a truth row: otherwise the loan was not at risk there
     WHERE truth IS NOT NULL
     ORDER BY as_of, loan_id, k`,
  );
}

/** The windows k = 1…months of one (as-of, loan), index k − 1 (see WINDOWS_SQL). */
export interface LoanWindows {
  as_of: string;
  loan_id: string;
  predicted: number[];
  /** Installments whose onset falls in the window. */
  installments: number[];
  /** Combined true hazard of those installments; null when there are none or one has no truth row. */
  truth: (number | null)[];
  /** Every installment of the window falls due after the as-of date (false for an empty window). */
  unseen: boolean[];
  /** The window starts before the loan's last possible onset (maturity + 30 days): known at the as-of date. */
  open: boolean[];
}

/**
 * Windows 1…`months` of every (as-of, loan) in `bt_pred` with an as-of date from `from` to `to` and at least one
 * window with a truth (the loan was at risk of a first onset somewhere in them), ordered by as-of and loan.
 */
export async function loanWindows(
  w: Warehouse,
  from: string,
  to: string,
  months: number,
): Promise<LoanWindows[]> {
  return w.all<LoanWindows>(
    `SELECT x.as_of::VARCHAR AS as_of, x.loan_id,
       list(x.predicted ORDER BY x.k) AS predicted, list(x.installments ORDER BY x.k) AS installments,
       list(x.truth ORDER BY x.k) AS truth, list(x.unseen ORDER BY x.k) AS unseen,
       list((x.as_of + to_months(x.k - 1))::DATE < l.maturity_on + 30 ORDER BY x.k) AS open
     FROM (${WINDOWS_SQL}) x JOIN loans l ON l.loan_id = x.loan_id
     WHERE x.k <= ${months} AND x.as_of BETWEEN ${literal(from)}::DATE AND ${literal(to)}::DATE
     GROUP BY x.as_of, x.loan_id
     HAVING count(x.truth) > 0 AND count(*) = ${months}
     ORDER BY x.as_of, x.loan_id`,
  );
}
