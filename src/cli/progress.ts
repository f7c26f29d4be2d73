/**
 * Human progress on a terminal (a bar per step with counts, from cli-progress); nothing when not a TTY, where the
 * JSON logs already say what happens.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update: (step: string, what: string, done: number, total: number) => void;
  stop: () => void;
}

export function progressReporter(tty: boolean): Progress {
  if (!tty) return { update: () => {}, stop: () => {} };
  const bars = new cliProgress.MultiBar(
    { format: ' {step} {bar} {value}/{total} {what}', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const byStep = new Map<string, cliProgress.SingleBar>();
  return {
    update(step, what, done, total) {
      let bar = byStep.get(step);
      if (!bar) {
        bar = bars.create(total, done, { step, what });
        byStep.set(step, bar);
      }
      bar.setTotal(total);
      bar.update(done, { step, what });
    },
    stop: () => bars.stop(),
  };
}
