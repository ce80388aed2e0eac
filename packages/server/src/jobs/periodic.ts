export interface PeriodicJobOptions<T> {
  /** One pass of the job; its result goes to `onRun`, a rejection to `onError`. */
  run: () => Promise<T>;
  intervalMs: number;
  /**
   * What a tick (timer or wake()) does while a pass is still running: false skips it;
   * true runs one more pass as soon as the current one ends (ticks in between fold into it).
   */
  rerunIfBusy?: boolean;
  /**
   * The least time from the start of one pass to the start of the next (default 0). A tick
   * sooner than that is deferred to the end of the gap, and the ticks in between fold into
   * it: under a burst of wake-ups the passes come at most this often and each takes more.
   */
  minGapMs?: number;
  /**
   * Did a pass find work? Only such passes start a gap (default: every pass does): a pass that
   * found nothing, e.g. the timer's, does not hold back the wake-up that follows it.
   */
  busy?: (result: T) => boolean;
  onError?: ((error: unknown) => void) | undefined;
  onRun?: ((result: T) => void) | undefined;
}

export interface PeriodicJob {
  /** Start a pass now (or as `rerunIfBusy` says when one is running). No-op after stop(). */
  wake(): void;
  /** Stop the timer and wait for a pass in progress. */
  stop(): Promise<void>;
}

/**
 * The loop shared by the background jobs: a pass at start and every `intervalMs` (the timer does
 * not keep the process alive), passes never overlap in this process, errors go to `onError`
 * instead of escaping, and stop() waits for the pass in progress.
 */
export function startPeriodicJob<T>(options: PeriodicJobOptions<T>): PeriodicJob {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  /** The start of the last pass that found work (or failed): the gap runs from there. */
  let gapFrom = -Infinity;
  let deferred: NodeJS.Timeout | null = null;
  const gap = options.minGapMs ?? 0;
  const tick = () => {
    if (stopped) return;
    if (running) {
      if (options.rerunIfBusy) again = true;
      return;
    }
    const wait = gapFrom + gap - Date.now();
    if (wait > 0) {
      deferred ??= setTimeout(() => {
        deferred = null;
        tick();
      }, wait);
      return;
    }
    const started = Date.now();
    gapFrom = started;
    running = options
      .run()
      .then((result) => {
        if (options.busy && !options.busy(result) && gapFrom === started) gapFrom = -Infinity;
        options.onRun?.(result);
      })
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          tick();
        }
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  tick();
  return {
    wake: tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (deferred) clearTimeout(deferred);
      await running;
    },
  };
}
