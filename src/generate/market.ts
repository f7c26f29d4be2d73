/**
 * Market paths: monthly HPI and unemployment per region. Small (regions × months), so held in memory.
 * HPI is a log random walk with a regional drift; a downturn replaces the drift by a fall for some months,
 * and lifts unemployment, which decays back afterwards.
 */

import type { GeneratorParams } from './params.ts';
import { Rng } from './rng.ts';

/** A downturn: region, first month (flat month index), length in months, monthly HPI fall (fraction). */
export interface Downturn {
  /** Region code. */
  region: string;
  /** First month of the fall, `YYYY-MM`. */
  from: string;
  /** Length of the fall in months. */
  months: number;
  /** Monthly HPI fall, fraction (0.02 = 2 % a month). */
  monthlyFall: number;
  /** True when forced with --downturn, false when drawn from the seed. */
  forced: boolean;
}

/** One region's monthly series, indexed by month − firstMonth. */
export interface RegionSeries {
  hpi: Float64Array;
  unemployment: Float64Array;
  /** Long-run unemployment rate, fraction. */
  baseUnemployment: number;
}

/** The market of the whole world. */
export interface MarketPaths {
  /** Flat month index (year × 12 + month − 1) of the first month held. */
  firstMonth: number;
  /** Months held. */
  months: number;
  regions: Map<string, RegionSeries>;
  downturns: Downturn[];
}

const STREAM_MARKET = 1;

function monthLabel(mi: number): string {
  const m = (mi % 12) + 1;
  return `${Math.floor(mi / 12)}-${m < 10 ? '0' : ''}${m}`;
}

/** A forced downturn as given on the command line: region and first month (flat index). */
export interface ForcedDownturn {
  region: string;
  month: number;
}

/** Builds the market from `windowStart` − history to `windowEnd` (flat month indexes, inclusive). */
export function buildMarket(
  seed: number,
  params: GeneratorParams,
  windowStart: number,
  windowEnd: number,
  forced: ForcedDownturn[],
): MarketPaths {
  const mp = params.market;
  const rng = new Rng(seed, STREAM_MARKET);
  const firstMonth = windowStart - mp.historyMonths;
  const months = windowEnd - firstMonth + 1;
  const downturns: Downturn[] = [];
  const codes = params.world.regions.map((r) => r.code);
  const drawn = new Set<string>();
  for (let i = 0; i < Math.min(mp.downturns, codes.length); i++) {
    let region = rng.pick(codes);
    while (drawn.has(region)) region = rng.pick(codes);
    drawn.add(region);
    const span = Math.max(1, windowEnd - windowStart - 6);
    const start = windowStart + 2 + Math.floor(rng.uniform() * span);
    downturns.push({
      region,
      from: monthLabel(start),
      months: rng.int(mp.downturnMonths[0], mp.downturnMonths[1]),
      monthlyFall: rng.between(mp.downturnFall[0], mp.downturnFall[1]),
      forced: false,
    });
  }
  for (const f of forced) {
    downturns.push({
      region: f.region,
      from: monthLabel(f.month),
      months: mp.downturnMonths[1],
      monthlyFall: mp.downturnFall[1],
      forced: true,
    });
  }
  const regions = new Map<string, RegionSeries>();
  for (const r of params.world.regions) {
    const hpi = new Float64Array(months);
    const unemployment = new Float64Array(months);
    let logHpi = Math.log(100);
    let noise = 0;
    let stress = 0;
    for (let i = 0; i < months; i++) {
      const mi = firstMonth + i;
      let drift = r.hpiDrift;
      let falling = false;
      for (const d of downturns) {
        const [y, m] = d.from.split('-').map(Number) as [number, number];
        const s = y * 12 + m - 1;
        if (d.region === r.code && mi >= s && mi < s + d.months) {
          drift = -d.monthlyFall;
          falling = true;
        }
      }
      if (i > 0) logHpi += drift + mp.hpiSigma * rng.normal();
      hpi[i] = Math.round(Math.exp(logHpi) * 100) / 100;
      // Unemployment climbs toward base + rise during a fall and decays (half-life ~6 months) afterwards.
      stress = falling ? Math.min(1, stress + 0.15) : stress * 0.89;
      noise = 0.8 * noise + mp.unemploymentSigma * rng.normal();
      const u = r.unemployment + mp.downturnUnemployment * stress + noise;
      unemployment[i] = Math.round(Math.min(0.5, Math.max(0.005, u)) * 10000) / 10000;
    }
    regions.set(r.code, { hpi, unemployment, baseUnemployment: r.unemployment });
  }
  return { firstMonth, months, regions, downturns };
}

function series(market: MarketPaths, region: string): RegionSeries {
  const s = market.regions.get(region);
  if (!s) throw new Error(`market: unknown region ${region}`);
  return s;
}

function clampIndex(market: MarketPaths, mi: number): number {
  return Math.min(market.months - 1, Math.max(0, mi - market.firstMonth));
}

/** HPI change over the 6 months before month `mi` (hpi[mi−1] / hpi[mi−7] − 1), fraction. */
export function hpiChange6m(market: MarketPaths, region: string, mi: number): number {
  const s = series(market, region);
  return s.hpi[clampIndex(market, mi - 1)]! / s.hpi[clampIndex(market, mi - 7)]! - 1;
}

/** Unemployment in the month before `mi` minus the region's long-run rate, fraction. */
export function unemploymentGap(market: MarketPaths, region: string, mi: number): number {
  const s = series(market, region);
  return s.unemployment[clampIndex(market, mi - 1)]! - s.baseUnemployment;
}
