import type { DbHandle, Tx } from '../db/client.js';

/**
 * Group commit: concurrent report writes are gathered into one transaction while the previous
 * one is committing, so 50 clients cost a handful of commits (fsyncs) instead of 50. Each
 * caller still gets its own result or error. If a whole batch fails (e.g. a racing duplicate
 * id from another instance), its items are retried one by one so one bad item cannot sink
 * the others.
 */
export class GroupCommitter<I, R> {
  private queue: { item: I; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  constructor(
    private readonly handle: DbHandle,
    private readonly writeBatch: (tx: Tx, items: I[]) => Promise<(R | Error)[]>,
    private readonly maxBatch = 200,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.handle.db.transaction((tx) => this.writeBatch(tx as Tx, batch.map((b) => b.item)));
          results.forEach((r, i) => (r instanceof Error ? batch[i]!.reject(r) : batch[i]!.resolve(r)));
        } catch (error) {
          if (batch.length === 1) {
            batch[0]!.reject(error);
            continue;
          }
          for (const one of batch) {
            try {
              const [r] = await this.handle.db.transaction((tx) => this.writeBatch(tx as Tx, [one.item]));
              if (r instanceof Error) one.reject(r);
              else one.resolve(r as R);
            } catch (e) {
              one.reject(e);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}
