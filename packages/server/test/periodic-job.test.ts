import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startPeriodicJob } from '../src/jobs/periodic.js';

/** A pass the test finishes by hand. */
function controlledPasses() {
  const pending: { resolve(value: number): void; reject(error: unknown): void }[] = [];
  const run = () =>
    new Promise<number>((resolve, reject) => {
      pending.push({ resolve, reject });
    });
  return { run, pending };
}

describe('the periodic job loop shared by the background jobs', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs at once and every interval, never two passes at a time; ticks while busy are skipped', async () => {
    const passes = controlledPasses();
    const results: number[] = [];
    const job = startPeriodicJob({ run: passes.run, intervalMs: 100, onRun: (r) => results.push(r) });
    expect(passes.pending).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(350); // three ticks while the first pass runs
    expect(passes.pending).toHaveLength(1);
    passes.pending[0]!.resolve(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(results).toEqual([1]);
    expect(passes.pending).toHaveLength(1); // the skipped ticks are not made up
    await vi.advanceTimersByTimeAsync(50); // the next tick (at 400 ms)
    expect(passes.pending).toHaveLength(2);
    passes.pending[1]!.resolve(2);
    await job.stop();
    expect(results).toEqual([1, 2]);
  });

  it('with rerunIfBusy, wake() and ticks during a pass fold into one more pass right after it', async () => {
    const passes = controlledPasses();
    const job = startPeriodicJob({ run: passes.run, intervalMs: 1000, rerunIfBusy: true });
    expect(passes.pending).toHaveLength(1);
    job.wake();
    job.wake();
    await vi.advanceTimersByTimeAsync(1000);
    expect(passes.pending).toHaveLength(1);
    passes.pending[0]!.resolve(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(passes.pending).toHaveLength(2);
    passes.pending[1]!.resolve(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(passes.pending).toHaveLength(2);
    job.wake(); // idle: a pass at once
    expect(passes.pending).toHaveLength(3);
    passes.pending[2]!.resolve(3);
    await job.stop();
  });

  it('with minGapMs, wake-ups sooner than the gap after a pass started fold into one pass at the end of the gap', async () => {
    const passes = controlledPasses();
    const job = startPeriodicJob({ run: passes.run, intervalMs: 10_000, rerunIfBusy: true, minGapMs: 100 });
    expect(passes.pending).toHaveLength(1);
    passes.pending[0]!.resolve(1);
    await vi.advanceTimersByTimeAsync(10);
    job.wake();
    job.wake();
    job.wake();
    expect(passes.pending).toHaveLength(1); // 10 ms after the last start: deferred
    await vi.advanceTimersByTimeAsync(89);
    expect(passes.pending).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes.pending).toHaveLength(2); // one pass for the three wake-ups, at 100 ms
    passes.pending[1]!.resolve(2);
    await vi.advanceTimersByTimeAsync(300);
    expect(passes.pending).toHaveLength(2);
    job.wake(); // the gap has passed: at once
    expect(passes.pending).toHaveLength(3);
    passes.pending[2]!.resolve(3);
    await job.stop();
  });

  it('with busy, only a pass that found work starts the gap: a wake-up after an idle pass runs at once', async () => {
    const passes = controlledPasses();
    const job = startPeriodicJob({ run: passes.run, intervalMs: 10_000, rerunIfBusy: true, minGapMs: 100, busy: (found: number) => found > 0 });
    passes.pending[0]!.resolve(0); // the first pass found nothing
    await vi.advanceTimersByTimeAsync(10);
    job.wake();
    expect(passes.pending).toHaveLength(2); // at once, 10 ms after the idle pass
    passes.pending[1]!.resolve(5); // this one found work
    await vi.advanceTimersByTimeAsync(10);
    job.wake();
    expect(passes.pending).toHaveLength(2); // deferred to the end of its gap
    await vi.advanceTimersByTimeAsync(90);
    expect(passes.pending).toHaveLength(3);
    passes.pending[2]!.resolve(0);
    await job.stop();
  });

  it('without rerunIfBusy, wake() during a pass does nothing', async () => {
    const passes = controlledPasses();
    const job = startPeriodicJob({ run: passes.run, intervalMs: 1000 });
    job.wake();
    passes.pending[0]!.resolve(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(passes.pending).toHaveLength(1);
    await job.stop();
  });

  it('hands a failed pass to onError and keeps running', async () => {
    const passes = controlledPasses();
    const errors: unknown[] = [];
    const results: number[] = [];
    const job = startPeriodicJob({ run: passes.run, intervalMs: 100, onError: (e) => errors.push(e), onRun: (r) => results.push(r) });
    const failure = new Error('database gone');
    passes.pending[0]!.reject(failure);
    await vi.advanceTimersByTimeAsync(100);
    expect(errors).toEqual([failure]);
    expect(passes.pending).toHaveLength(2);
    passes.pending[1]!.resolve(7);
    await job.stop();
    expect(results).toEqual([7]);
  });

  it('stop() waits for the pass in progress, and nothing runs after it', async () => {
    const passes = controlledPasses();
    const job = startPeriodicJob({ run: passes.run, intervalMs: 100, rerunIfBusy: true });
    job.wake(); // asks for one more pass after the current one
    let stopped = false;
    const stopping = job.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    passes.pending[0]!.resolve(1);
    await stopping;
    job.wake();
    await vi.advanceTimersByTimeAsync(1000);
    expect(passes.pending).toHaveLength(1);
  });
});
