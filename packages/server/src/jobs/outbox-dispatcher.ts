import { dispatchOnce, type DeliveryDeps, type SendResult } from '../services/delivery.service.js';

export interface OutboxDispatcherOptions {
  deps: DeliveryDeps;
  now: () => Date;
  /** How often due rows and deliveries are looked for (1 s); wake() runs a pass at once. */
  intervalMs?: number;
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
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = dispatchOnce(options.deps, options.now())
      .then((result) => options.onRun?.(result))
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          tick();
        }
      });
  };
  const timer = setInterval(tick, options.intervalMs ?? 1000);
  timer.unref();
  tick();
  return {
    wake: tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
