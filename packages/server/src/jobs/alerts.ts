import { startPeriodicJob } from './periodic.js';
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
  const job = startPeriodicJob({
    run: () => runAlertChecks(options.deps, options.now().getTime()),
    intervalMs: options.intervalMs ?? 60_000,
    onError: options.onError,
    onRun: (result) => {
      if (result.stageSummaries + result.spikes > 0) options.deps.handle.outboxWritten();
      options.onRun?.(result);
    },
  });
  return { stop: job.stop };
}
