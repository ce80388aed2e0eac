import type { DbHandle } from '../db/client.js';
import { startPeriodicJob } from './periodic.js';
import { applyPendingRiskDeltas, type RiskHooks, type RiskJobResult } from '../services/risk.service.js';

export interface RiskIndexJobOptions {
  handle: DbHandle;
  now: () => Date;
  /** The early-warning rules (alerts.service `alertHooks`), run in each batch's transaction. */
  hooks?: RiskHooks;
  /** How often the queue is drained; a report reaches its region chain within about this long after commit. */
  intervalMs?: number;
  onError?: (error: unknown) => void;
  onRun?: (result: RiskJobResult) => void;
}

/**
 * The index job: every `intervalMs` (500 ms) apply the risk_deltas queue to the region chains.
 * Runs never overlap in this process; across processes the advisory lock lets one work at a time.
 * Returns a stop function that waits for a run in progress.
 */
export function startRiskIndexJob(options: RiskIndexJobOptions): { stop(): Promise<void> } {
  const job = startPeriodicJob({
    run: () => applyPendingRiskDeltas({ handle: options.handle, ...(options.hooks ? { hooks: options.hooks } : {}) }, options.now().getTime()),
    intervalMs: options.intervalMs ?? 500,
    onError: options.onError,
    onRun: (result) => {
      // alerts the early-warning rules raised in the pass: their notices go out now
      if (result.notices > 0 || result.rebuilt) options.handle.outboxWritten();
      options.onRun?.(result);
    },
  });
  return { stop: job.stop };
}
