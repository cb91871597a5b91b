import cliProgress from 'cli-progress';

/** A progress report: a bar on stderr when it is a terminal, silent otherwise. */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

/**
 * A progress bar for `total` units of work, shown only when `show` (default: stderr is a TTY and the
 * work is at least `minTotal` units).
 */
export function progressBar(label: string, total: number, show?: boolean, minTotal = 1 << 20): Progress {
  const enabled = show ?? (process.stderr.isTTY === true && total >= minTotal);
  if (!enabled) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta}s`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update: (done) => bar.update(done),
    stop: () => bar.stop(),
  };
}
