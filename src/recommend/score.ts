/**
 * Batched hang-up scoring. Every planned loan contributes 7 × (pack hours) slots (every allowed weekday and hour,
 * no notice); batches of `batchSlots` go to the scorer in one call each, and the scores are folded into the
 * per-weekday window table at once, so memory stays at one batch. A second pass asks, for the loans whose chosen
 * slot is risky, how much notice would help.
 */
import { MismatchError } from '../core/errors.ts';
import { bandOf } from './bands.ts';
import type { HangupScorer, SlotBatch } from './input.ts';
import type { PlanState } from './prepare.ts';
import { adjustHang } from './profile.ts';
import { summarizeSlots } from './window.ts';

/** Scorer call counters. */
export interface ScoreStats {
  slots: number;
  calls: number;
}

function newBatch(size: number): SlotBatch {
  return {
    size: 0,
    loan: new Int32Array(size),
    weekday: new Uint8Array(size),
    hour: new Uint8Array(size),
    channel: new Uint8Array(size),
    prenotified: new Uint8Array(size),
  };
}

async function call(scorer: HangupScorer, b: SlotBatch, st: ScoreStats): Promise<Float32Array> {
  st.calls++;
  st.slots += b.size;
  const out = await scorer(b);
  if (out.length < b.size) {
    throw new MismatchError(`hang-up scorer: expected one score per slot (${b.size}), found ${out.length}`);
  }
  return out;
}

/** Scores every allowed slot of every planned loan and fills `s.weekdays`. */
export async function scoreSlots(
  s: PlanState,
  scorer: HangupScorer,
  batchSlots: number,
  st: ScoreStats,
): Promise<void> {
  const width = s.policy.planning.window_hours;
  const b = newBatch(batchSlots);
  const pending: number[] = []; // loans in the current batch, in order
  const fail = new Float32Array(batchSlots);
  const seen = s.hoursSeen;
  const missWeight = s.policy.contact.miss_weight;
  const flush = async () => {
    if (b.size === 0) return;
    const scores = await call(scorer, b, st);
    let off = 0;
    for (const i of pending) {
      const { start, end } = s.packs[s.pack[i]!]!.rules.call_hours;
      const n = 7 * (end - start);
      const prof = s.profiles[i];
      if (prof) {
        // The borrower's own history per band: adjusted hang-up, and the chance the call fails at all.
        const avoid = s.avoidBand[i]!;
        for (let j = off; j < off + n; j++) {
          const band = bandOf(b.hour[j]!, b.weekday[j]!);
          const p = adjustHang(scores[j]!, prof, band);
          scores[j] = p;
          // The cost of a failed call: a hang-up, and (weighted) a call nobody picks up; a band that just failed
          // and an hour the model never saw are avoided whenever another slot is allowed.
          fail[j] =
            p +
            missWeight * (1 - p) * (1 - prof.pickup[band]!) +
            (band === avoid ? 1 : 0) +
            (seen && !seen[b.hour[j]!] ? 2 : 0);
        }
        summarizeSlots(scores, off, start, end, width, i, s.weekdays, fail);
      } else if (seen) {
        for (let j = off; j < off + n; j++) fail[j] = scores[j]! + (seen[b.hour[j]!] ? 0 : 2);
        summarizeSlots(scores, off, start, end, width, i, s.weekdays, fail);
      } else summarizeSlots(scores, off, start, end, width, i, s.weekdays);
      off += n;
    }
    b.size = 0;
    pending.length = 0;
  };
  for (let i = 0; i < s.n; i++) {
    if (s.purpose[i]! < 0) continue;
    const { start, end } = s.packs[s.pack[i]!]!.rules.call_hours;
    const need = 7 * (end - start);
    if (b.size + need > batchSlots) await flush();
    for (let wd = 1; wd <= 7; wd++) {
      for (let h = start; h < end; h++) {
        const j = b.size++;
        b.loan[j] = i;
        b.weekday[j] = wd;
        b.hour[j] = h;
        b.channel[j] = 0;
        b.prenotified[j] = 0;
      }
    }
    pending.push(i);
  }
  await flush();
}

/**
 * Scores one window per loan in `loans` (weekday, start hour, end hour from `slotOf`) with or without notice and
 * stores the mean over the window's hours in `target[i]`.
 */
export async function scoreWindows(
  s: PlanState,
  loans: number[],
  slotOf: (i: number) => [number, number, number],
  notified: 0 | 1,
  target: Float32Array,
  scorer: HangupScorer,
  batchSlots: number,
  st: ScoreStats,
): Promise<void> {
  const b = newBatch(batchSlots);
  const pending: number[] = [];
  const flush = async () => {
    if (b.size === 0) return;
    const scores = await call(scorer, b, st);
    let off = 0;
    for (const i of pending) {
      const [wd, hs, he] = slotOf(i);
      const prof = s.profiles[i] ?? null;
      let sum = 0;
      for (let h = hs; h < he; h++) sum += adjustHang(scores[off++]!, prof, bandOf(h, wd));
      target[i] = sum / (he - hs);
    }
    b.size = 0;
    pending.length = 0;
  };
  for (const i of loans) {
    const [wd, hs, he] = slotOf(i);
    if (b.size + (he - hs) > batchSlots) await flush();
    for (let h = hs; h < he; h++) {
      const j = b.size++;
      b.loan[j] = i;
      b.weekday[j] = wd;
      b.hour[j] = h;
      b.channel[j] = 0;
      b.prenotified[j] = notified;
    }
    pending.push(i);
  }
  await flush();
}
