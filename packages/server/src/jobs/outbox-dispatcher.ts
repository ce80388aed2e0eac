import { startPeriodicJob } from './periodic.js';
import { dispatchOnce, type DeliveryDeps, type SendResult } from '../services/delivery.service.js';

export interface OutboxDispatcherOptions {
  deps: DeliveryDeps;
  now: () => Date;
  /** How often due rows and deliveries are looked for (1 s); wake() runs a pass at once. */
  intervalMs?: number;
  /**
   * Passes start at most this often (100 ms): a burst of reports wakes the dispatcher once per
   * committed batch, and one pass over all of them costs far less than one pass each.
   */
  minGapMs?: number;
  onError?: (error: unknown) => void;
  onRun?: (result: { fannedOut: number } & SendResult) => void;
}

/**
 * The outbox dispatcher: every `intervalMs`, and whenever woken (a new outbox row was
 * announced), fan due outbox rows out and send due deliveries. Passes never overlap in this
 * process; across processes SKIP LOCKED splits the rows. Returns wake() and a stop function
 * that waits for a pass in progress.
 */
export function startOutboxDispatcher(options: OutboxDispatcherOptions): { wake(): void; stop(): Promise<void> } {
  return startPeriodicJob({
    run: () => dispatchOnce(options.deps, options.now()),
    intervalMs: options.intervalMs ?? 1000,
    rerunIfBusy: true,
    minGapMs: options.minGapMs ?? 100,
    // a pass that found nothing (the timer's, or one woken by a commit another pass already
    // took care of) does not delay the next wake-up: a lone change goes out at once
    busy: (result) => result.fannedOut + result.sent > 0,
    onError: options.onError,
    onRun: options.onRun,
  });
}
