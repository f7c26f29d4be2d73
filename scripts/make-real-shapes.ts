/**
 * Writes the three "real export shape" fixtures of issue 14 under data-samples/, deterministically (seeded):
 *   card-panel/   applicants with attributes + a monthly status panel (0…5, C, X), the usual card/bureau shape
 *   call-center/  customers, their installments and an INBOUND call-center log (type, priority, queue time, known)
 *   cold-calls/   customers, their installments and an OUTBOUND campaign log with call start and end
 * Each folder gets a mapping.yaml that fits the export as it is. In all three the lender's own attributes carry
 * most of the delinquency signal, so a model that reads them (extra columns) has something to find.
 *
 *   TZ=UTC npx tsx scripts/make-real-shapes.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../src/core/prng.ts';

const ROOT = join(import.meta.dirname, '..', 'data-samples');
const pad = (n: number) => String(n).padStart(2, '0');
const ym = (y: number, m: number) => `${y + Math.floor((m - 1) / 12)}-${pad(((m - 1) % 12) + 1)}`;
const logistic = (x: number) => 1 / (1 + Math.exp(-x));
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

function write(dir: string, files: Record<string, string>) {
  mkdirSync(join(ROOT, dir), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(ROOT, dir, name), text);
}

/** Monthly delinquency path: none → 1-29 → 30+ …, with a monthly slip probability `p`. Codes as lenders write. */
function statusPath(r: () => number, months: number, p: number): string[] {
  const out: string[] = [];
  let s = -1; // -1 none, 0 = 1-29, k = 30k…
  for (let i = 0; i < months; i++) {
    if (s < 0) s = r() < p ? 0 : -1;
    else if (s === 0) s = r() < 0.55 ? 1 : -1;
    else s = r() < 0.3 ? -1 : Math.min(5, s + 1);
    out.push(s < 0 ? (r() < 0.15 ? 'X' : 'C') : String(s));
  }
  return out;
}

/** Installments of a monthly loan; late payers slip past 30 days with probability `p` per installment. */
function installments(r: () => number, id: string, start: [number, number], n: number, amount: number, p: number, end: string) {
  const rows: string[] = [];
  for (let k = 1; k <= n; k++) {
    const due = `${ym(start[0], start[1] + k)}-10`;
    if (due > end) break;
    const late = r() < p;
    const days = late ? 35 + Math.floor(r() * 40) : Math.floor(r() * 3);
    const paid = new Date(Date.parse(`${due}T00:00:00Z`) + days * 864e5).toISOString().slice(0, 10);
    rows.push([id, k, due, amount, paid <= end ? paid : '', paid <= end ? amount : ''].join(','));
  }
  return rows;
}

function cardPanel() {
  const r = mulberry32(1401);
  const apps = ['ID,OPEN_MONTH,CREDIT_LIMIT,AGE,EMPLOYMENT,HOUSING,INCOME_TOTAL'];
  const panel = ['ID,MONTHS,STATUS'];
  for (let i = 1; i <= 400; i++) {
    const id = `C${String(i).padStart(4, '0')}`;
    const open = 1 + Math.floor(r() * 12); // 2023-07 … 2024-06
    const age = 21 + Math.floor(r() * 45);
    const emp = pick(r, ['employed', 'employed', 'self', 'unemployed', 'student'] as const);
    const housing = pick(r, ['own', 'rent', 'parents'] as const);
    const income = Math.round((emp === 'unemployed' ? 800 : 3000 + r() * 6000) / 10) * 10;
    apps.push([id, ym(2023, 6 + open), Math.round(2 + r() * 18) * 1000, age, emp, housing, income].join(','));
    const p = logistic(-4.3 + (emp === 'unemployed' ? 2.2 : emp === 'student' ? 1.2 : 0) + (housing === 'rent' ? 0.8 : 0) + (age < 30 ? 0.7 : 0));
    const months = 24 - open; // to 2025-06
    statusPath(r, months, p).forEach((s, k) => {
      panel.push([id, ym(2023, 6 + open + k + 1), s].join(','));
    });
  }
  write('card-panel', {
    'applicants.csv': `${apps.join('\n')}\n`,
    'credit_record.csv': `${panel.join('\n')}\n`,
  });
}

function callCenter() {
  const r = mulberry32(1402);
  const loans = ['CUST_NO,OPENED,TERM,PRINCIPAL,RATE,SEGMENT,TENURE_Y'];
  const reps = ['loan_id,installment_no,due_on,amount_due,paid_on,amount_paid'];
  const calls = ['CALL_ID,CUST_NO,CALL_TIME,CALL_TYPE,PRIORITY,QUEUE_S,IVR_S,KNOWN,RESULT'];
  let c = 0;
  for (let i = 1; i <= 300; i++) {
    const id = `K${String(i).padStart(4, '0')}`;
    const m = 1 + Math.floor(r() * 6); // opened 2024-01 … 2024-06
    const segment = pick(r, ['retail', 'retail', 'premium', 'small_biz'] as const);
    const troubled = r() < 0.25;
    loans.push([id, `${ym(2024, m)}-05`, 24, 6000, 0.1, segment, Math.floor(r() * 10)].join(','));
    const p = troubled ? 0.35 : 0.015;
    reps.push(...installments(r, id, [2024, m], 24, 250, p, '2025-06-30'));
    const n = 1 + Math.floor(r() * 4);
    for (let k = 0; k < n; k++) {
      const month = m + 1 + Math.floor(r() * (17 - m));
      const t = `${ym(2024, month)}-${pad(1 + Math.floor(r() * 27))} ${pad(8 + Math.floor(r() * 10))}:${pad(Math.floor(r() * 60))}:00`;
      const type = troubled ? pick(r, ['PS', 'PS', 'NW', 'IN'] as const) : pick(r, ['NW', 'IN', 'IN', 'PS'] as const);
      const prio = troubled ? pick(r, [1, 2, 2]) : pick(r, [0, 0, 1]);
      const queue = Math.round((troubled ? 200 : 60) * r());
      calls.push([`Q${++c}`, id, t, type, prio, queue, Math.round(20 + 40 * r()), r() < 0.8 ? 'Y' : 'N', queue > 150 && r() < 0.6 ? 'HANG' : 'AGENT'].join(','));
    }
  }
  write('call-center', {
    'customers.csv': `${loans.join('\n')}\n`,
    'repayments.csv': `${reps.join('\n')}\n`,
    'calls.csv': `${calls.join('\n')}\n`,
  });
}

function coldCalls() {
  const r = mulberry32(1403);
  const loans = ['client,signed,months,amount,age,job,balance'];
  const reps = ['loan_id,installment_no,due_on,amount_due,paid_on,amount_paid'];
  const calls = ['call,client,call_start,call_end,result,attempt'];
  let c = 0;
  for (let i = 1; i <= 300; i++) {
    const id = `P${String(i).padStart(4, '0')}`;
    const m = 1 + Math.floor(r() * 6);
    const age = 20 + Math.floor(r() * 50);
    const job = pick(r, ['admin', 'blue-collar', 'technician', 'services', 'retired', 'unemployed'] as const);
    const balance = Math.round((r() * 4000 - 500) / 10) * 10;
    loans.push([id, `${ym(2024, m)}-15`, 18, 3600, age, job, balance].join(','));
    const p = logistic(-3.4 + (job === 'unemployed' ? 2.4 : 0) + (balance < 0 ? 1.5 : 0) + (age < 28 ? 0.8 : 0));
    reps.push(...installments(r, id, [2024, m], 18, 210, p, '2025-06-30'));
    const n = 1 + Math.floor(r() * 5);
    for (let k = 0; k < n; k++) {
      const month = m + 1 + Math.floor(r() * (17 - m));
      const start = Date.parse(`${ym(2024, month)}-${pad(1 + Math.floor(r() * 27))}T${pad(1 + Math.floor(r() * 11))}:${pad(Math.floor(r() * 60))}:00Z`);
      const hang = r() < logistic(-1 + (age > 60 ? 1.2 : 0) + (job === 'services' ? 0.8 : 0));
      const talk = hang ? 5 + Math.floor(r() * 20) : 60 + Math.floor(r() * 400);
      const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
      calls.push([`O${++c}`, id, iso(start), iso(start + talk * 1000), hang ? 'hangup' : r() < 0.2 ? 'noanswer' : 'talked', k + 1].join(','));
    }
  }
  write('cold-calls', {
    'clients.csv': `${loans.join('\n')}\n`,
    'repayments.csv': `${reps.join('\n')}\n`,
    'campaign.csv': `${calls.join('\n')}\n`,
  });
}

cardPanel();
callCenter();
coldCalls();
