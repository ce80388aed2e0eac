import { runAlertChecks, type AlertCheckResult, type AlertsDeps } from '../services/alerts.service.js';

export interface AlertJobOptions {
  deps: AlertsDeps;
  now: () => Date;
  /** How often stage boundaries and spikes are checked (60 s). */
  intervalMs?: number;
  onError?: (error: unknown) => void;
  onRun?: (result: AlertCheckResult) => void;
}

/**
 * The periodic early-warning check: stage boundaries passed and report spikes, every
 * `intervalMs`. Level rises and severity-4 reports are raised by the index job as reports
 * arrive (risk-index.ts with `alertHooks`). Returns a stop function that waits for a run.
 */
export function startAlertJob(options: AlertJobOptions): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = runAlertChecks(options.deps, options.now().getTime())
      .then((result) => options.onRun?.(result))
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, options.intervalMs ?? 60_000);
  timer.unref();
  tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
