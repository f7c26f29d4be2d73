/**
 * Latent contact classes: borrowers differ in when they can take a call (office hours, daytime at home, a
 * business owner's morning, no pattern), and a handful of calls per borrower is too few to read that pattern
 * band by band. A latent class model pools the book: each borrower belongs to one of K classes, each class has
 * its own hang-up chance and pick-up chance per time band, and EM (expectation–maximization) fits class shares
 * and rates to the counts of every borrower at once. A borrower's posterior over classes then gives rates for
 * every band — also bands they were never called in — which are the prior their own counts are shrunk towards.
 *
 * Deterministic: seeded initial rates, a fixed number of iterations, the best of a few restarts by likelihood.
 */
import { mulberry32 } from '../core/prng.ts';
import { BAND_COUNT, type BandCounts, type BandRates } from './bands.ts';

/** A fitted class model. */
export interface ContactClasses {
  /** Class shares (sum 1). */
  share: number[];
  /** Class shares among the borrowers of each loan type (the prior of a borrower of that type). */
  share_by_type?: Record<string, number[]>;
  /** Per class: hang-up chance and pick-up chance (among calls not hung up) per band. */
  rates: BandRates[];
  /** Per class: the share of the borrower's own contacts (inbound, app) falling in each band. */
  inbound: number[][];
  /** Mean log-likelihood per borrower at the fit. */
  logLik: number;
}

/**
 * Tempered posterior for decisions: the likelihood is raised to this power. Classes fitted to a few calls per
 * borrower make the plain posterior overconfident (a daytime borrower with one unlucky morning looks like an office
 * worker), and a call moved to the wrong band costs more than a call left at the book's best band gains.
 */
export const TEMPER = 0.5;

const clamp = (p: number) => Math.min(0.98, Math.max(0.02, p));

/**
 * The logarithms a class's likelihood needs, taken once per class instead of once per borrower and band (the EM
 * fit and the posteriors of a million borrowers spent most of their time in Math.log). Same values, same sums.
 */
interface ClassLogs {
  hang: Float64Array;
  noHang: Float64Array;
  pick: Float64Array;
  noPick: Float64Array;
  /** log of the class's own-contact share per band; null without one. */
  inbound: Float64Array | null;
}

function classLogs(r: BandRates, q: readonly number[] | undefined): ClassLogs {
  const f = (g: (b: number) => number) => Float64Array.from({ length: BAND_COUNT }, (_, b) => g(b));
  return {
    hang: f((b) => Math.log(r.hang[b]!)),
    noHang: f((b) => Math.log(1 - r.hang[b]!)),
    pick: f((b) => Math.log(r.pickup[b]!)),
    noPick: f((b) => Math.log(1 - r.pickup[b]!)),
    inbound: q ? f((b) => Math.log(q[b]!)) : null,
  };
}

/**
 * Log-likelihood of one borrower's counts under one class (binomial and categorical kernels), read from band
 * columns at offset `o`: a borrower's own arrays (o = 0) or the EM's flat columns (o = i × BAND_COUNT).
 */
function logLikAt(
  attempts: ArrayLike<number>,
  hangups: ArrayLike<number>,
  pickups: ArrayLike<number>,
  inbound: ArrayLike<number> | undefined,
  o: number,
  l: ClassLogs,
): number {
  let ll = 0;
  if (inbound && l.inbound) for (let b = 0; b < BAND_COUNT; b++) ll += (inbound[o + b] ?? 0) * l.inbound[b]!;
  for (let b = 0; b < BAND_COUNT; b++) {
    const n = attempts[o + b] ?? 0;
    if (n === 0) continue;
    const h = hangups[o + b] ?? 0;
    const p = pickups[o + b] ?? 0;
    ll += h * l.hang[b]! + (n - h) * l.noHang[b]!;
    ll += p * l.pick[b]! + (n - h - p) * l.noPick[b]!;
  }
  return ll;
}

const classLogLik = (c: BandCounts, l: ClassLogs) =>
  logLikAt(c.attempts, c.hangups, c.pickups, c.inbound, 0, l);

/** The logs of a fitted model's classes, kept with the model (it is not changed after the fit). */
const logsOf = new WeakMap<ContactClasses, ClassLogs[]>();
function modelLogs(m: ContactClasses): ClassLogs[] {
  let l = logsOf.get(m);
  if (!l || l.length !== m.rates.length) {
    l = m.rates.map((r, k) => classLogs(r, m.inbound[k]));
    logsOf.set(m, l);
  }
  return l;
}

/** Posterior class probabilities of one borrower (of loan type `type`, when the shares are by type). */
export function posterior(m: ContactClasses, c: BandCounts, type?: string, temper = 1): number[] {
  const share = (type !== undefined ? m.share_by_type?.[type] : undefined) ?? m.share;
  const logs = modelLogs(m);
  const ll = logs.map((l, k) => Math.log(Math.max(1e-6, share[k]!)) + temper * classLogLik(c, l));
  const top = Math.max(...ll);
  const w = ll.map((x) => Math.exp(x - top));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

/** The class-mixture rates of one borrower (posterior-weighted). */
export function mixtureRates(m: ContactClasses, c: BandCounts, type?: string, temper = TEMPER): BandRates {
  const post = posterior(m, c, type, temper);
  const hang = new Array(BAND_COUNT).fill(0);
  const pickup = new Array(BAND_COUNT).fill(0);
  post.forEach((w, k) => {
    for (let b = 0; b < BAND_COUNT; b++) {
      hang[b] += w * m.rates[k]!.hang[b]!;
      pickup[b] += w * m.rates[k]!.pickup[b]!;
    }
  });
  return { hang, pickup };
}

/** Borrowers' counts as flat columns (n × BAND_COUNT), read in the EM loops without an object per borrower. */
interface FlatCounts {
  n: number;
  attempts: Float64Array;
  hangups: Float64Array;
  pickups: Float64Array;
  inbound: Float64Array;
  /** 1 when the borrower's counts carry own contacts (`inbound`). */
  hasInbound: Uint8Array;
}

function flatten(data: readonly BandCounts[]): FlatCounts {
  const n = data.length;
  const col = () => new Float64Array(n * BAND_COUNT);
  const f: FlatCounts = {
    n,
    attempts: col(),
    hangups: col(),
    pickups: col(),
    inbound: col(),
    hasInbound: new Uint8Array(n),
  };
  data.forEach((c, i) => {
    for (let b = 0; b < BAND_COUNT; b++) {
      f.attempts[i * BAND_COUNT + b] = c.attempts[b] ?? 0;
      f.hangups[i * BAND_COUNT + b] = c.hangups[b] ?? 0;
      f.pickups[i * BAND_COUNT + b] = c.pickups[b] ?? 0;
      if (c.inbound) f.inbound[i * BAND_COUNT + b] = c.inbound[b] ?? 0;
    }
    f.hasInbound[i] = c.inbound ? 1 : 0;
  });
  return f;
}

/** classLogLik of borrower i of flat counts. */
const flatLogLik = (d: FlatCounts, i: number, l: ClassLogs) =>
  logLikAt(d.attempts, d.hangups, d.pickups, d.hasInbound[i] ? d.inbound : undefined, i * BAND_COUNT, l);

function fitOnce(data: FlatCounts, book: BandRates, k: number, seed: number, iters: number): ContactClasses {
  const u = mulberry32(seed);
  // Start each class at the book's rates, each band shifted at random (±60 % on the odds scale).
  const jitter = (p: number) => {
    const o = (p / (1 - p)) * Math.exp(1.2 * (u() - 0.5));
    return clamp(o / (1 + o));
  };
  let rates: BandRates[] = Array.from({ length: k }, () => ({
    hang: book.hang.map(jitter),
    pickup: book.pickup.map(jitter),
  }));
  let share = new Array(k).fill(1 / k);
  let inbound: number[][] = Array.from({ length: k }, () => {
    const v = Array.from({ length: BAND_COUNT }, () => 0.5 + u());
    const t = v.reduce((a, b) => a + b, 0);
    return v.map((x) => x / t);
  });
  let logLik = Number.NEGATIVE_INFINITY;
  const post = new Float64Array(data.n * k);
  for (let it = 0; it < iters; it++) {
    // E step.
    let total = 0;
    const logs = rates.map((r, j) => classLogs(r, inbound[j]));
    const logShare = share.map((v) => Math.log(v));
    for (let i = 0; i < data.n; i++) {
      let top = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < k; j++) {
        const v = logShare[j]! + flatLogLik(data, i, logs[j]!);
        post[i * k + j] = v;
        if (v > top) top = v;
      }
      let s = 0;
      for (let j = 0; j < k; j++) {
        const e = Math.exp(post[i * k + j]! - top);
        post[i * k + j] = e;
        s += e;
      }
      for (let j = 0; j < k; j++) post[i * k + j]! /= s;
      total += top + Math.log(s);
    }
    logLik = total / Math.max(1, data.n);
    // M step, with one pseudo-count of the book's rate per band so an empty band stays defined.
    const next: BandRates[] = [];
    const nextIn: number[][] = [];
    const ns = new Array(k).fill(0);
    for (let j = 0; j < k; j++) {
      const q = new Array(BAND_COUNT).fill(1);
      const hN = new Array(BAND_COUNT).fill(1);
      const hK = book.hang.slice();
      const pN = new Array(BAND_COUNT).fill(1);
      const pK = book.pickup.slice();
      for (let i = 0; i < data.n; i++) {
        const w = post[i * k + j]!;
        ns[j] += w;
        if (w < 1e-6) continue;
        const o = i * BAND_COUNT;
        if (data.hasInbound[i]) for (let b = 0; b < BAND_COUNT; b++) q[b] += w * data.inbound[o + b]!;
        for (let b = 0; b < BAND_COUNT; b++) {
          const n = data.attempts[o + b]!;
          if (n === 0) continue;
          const h = data.hangups[o + b]!;
          hN[b] = hN[b]! + w * n;
          hK[b] = hK[b]! + w * h;
          pN[b] = pN[b]! + w * (n - h);
          pK[b] = pK[b]! + w * data.pickups[o + b]!;
        }
      }
      next.push({
        hang: hK.map((v, b) => clamp(v / hN[b]!)),
        pickup: pK.map((v, b) => clamp(v / pN[b]!)),
      });
      const qt = q.reduce((a, b) => a + b, 0);
      nextIn.push(q.map((v) => v / qt));
    }
    rates = next;
    inbound = nextIn;
    share = ns.map((v) => Math.max(1e-4, v / Math.max(1, data.n)));
  }
  return { share, rates, inbound, logLik };
}

/**
 * Fits K classes to the borrowers' counts (borrowers without any call carry no information and are left out);
 * returns null when fewer than 50 borrowers have calls (too few to learn classes: the loan-type rates stand).
 */
export function fitContactClasses(
  data: readonly { type: string; counts: BandCounts }[],
  book: BandRates,
  k = 4,
  restarts = 3,
  iters = 40,
): ContactClasses | null {
  const used = data.filter(
    (c) => c.counts.attempts.some((a) => a > 0) || c.counts.inbound?.some((a) => a > 0),
  );
  if (used.length < 50) return null;
  // At most 50,000 borrowers (every n-th, deterministic) fit the classes; every borrower gets a posterior.
  const step = Math.max(1, Math.ceil(used.length / 50_000));
  const sample = flatten(used.filter((_, i) => i % step === 0).map((d) => d.counts));
  let best: ContactClasses | null = null;
  for (let r = 0; r < restarts; r++) {
    const m = fitOnce(sample, book, k, 0x9e3779b9 + r * 7919, iters);
    if (!best || m.logLik > best.logLik) best = m;
  }
  if (!best) return null;
  // Shares by loan type: the mean posterior of the type's borrowers.
  const sums = new Map<string, number[]>();
  const counts = new Map<string, number>();
  for (const d of used) {
    const p = posterior(best, d.counts);
    const s = sums.get(d.type) ?? new Array(k).fill(0);
    p.forEach((v, j) => {
      s[j] += v;
    });
    sums.set(d.type, s);
    counts.set(d.type, (counts.get(d.type) ?? 0) + 1);
  }
  best.share_by_type = {};
  for (const [t, s] of sums) best.share_by_type[t] = s.map((v) => (v + 1 / k) / (counts.get(t)! + 1));
  return best;
}
