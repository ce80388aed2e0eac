import { describe, expect, it } from 'vitest';
import type { DbHandle } from '../src/db/client.js';
import { GroupCommitter } from '../src/services/report-writer.js';

// The report writer's group commit, with a batch writer the test releases by hand: which items
// go together, when a second batch may start beside one in flight, and what a failing batch does.

const postgres = { kind: 'postgres' } as DbHandle;
const pglite = { kind: 'pglite' } as DbHandle;

/** A writeBatch whose calls wait until the test settles them. */
function heldWriter() {
  const calls: { items: number[]; settle: (fail?: Error) => void }[] = [];
  const writeBatch = (_: DbHandle, items: number[]) =>
    new Promise<(string | Error)[]>((resolve, reject) => {
      calls.push({ items, settle: (fail) => (fail ? reject(fail) : resolve(items.map((i) => (i < 0 ? new Error(`bad ${i}`) : `ok ${i}`)))) });
    });
  return { calls, writeBatch };
}

const tick = () => new Promise((r) => setImmediate(r));
/** Let a finished batch's bookkeeping and the next batch's forming run. */
const ticks = async () => {
  for (let i = 0; i < 3; i++) await tick();
};
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('GroupCommitter', () => {
  it('gathers what arrives together into one batch and answers each item on its own', async () => {
    const w = heldWriter();
    const gc = new GroupCommitter(postgres, w.writeBatch);
    const answers = [1, -2, 3].map((i) => gc.submit(i).then((r) => r, (e: Error) => e.message));
    await tick();
    expect(w.calls.map((c) => c.items)).toEqual([[1, -2, 3]]);
    w.calls[0]!.settle();
    expect(await Promise.all(answers)).toEqual(['ok 1', 'bad -2', 'ok 3']);
  });

  it('starts a second batch beside one in flight only with at least half as many items waiting', async () => {
    const w = heldWriter();
    const gc = new GroupCommitter(postgres, w.writeBatch);
    const all: Promise<unknown>[] = range(0, 10).map((i) => gc.submit(i));
    await tick();
    expect(w.calls).toHaveLength(1);
    // 4 waiting beside 10 in flight: they wait
    all.push(...range(10, 4).map((i) => gc.submit(i)));
    await tick();
    expect(w.calls).toHaveLength(1);
    // the 5th makes half: a second batch starts
    all.push(gc.submit(14));
    await tick();
    expect(w.calls.map((c) => c.items.length)).toEqual([10, 5]);
    // two in flight: the next waits for a slot, whatever its number
    all.push(...range(15, 20).map((i) => gc.submit(i)));
    await tick();
    expect(w.calls).toHaveLength(2);
    w.calls[1]!.settle();
    await ticks();
    expect(w.calls.map((c) => c.items.length)).toEqual([10, 5, 20]);
    w.calls[0]!.settle();
    w.calls[2]!.settle();
    await Promise.all(all);
  });

  it('sends a lone item at once when the batch in flight is small (light load adds no wait)', async () => {
    const w = heldWriter();
    const gc = new GroupCommitter(postgres, w.writeBatch);
    const a = gc.submit(1);
    await tick();
    const b = gc.submit(2);
    await tick();
    expect(w.calls.map((c) => c.items)).toEqual([[1], [2]]);
    w.calls[1]!.settle();
    expect(await b).toBe('ok 2');
    w.calls[0]!.settle();
    expect(await a).toBe('ok 1');
  });

  it('items left waiting beside a batch go as soon as it is done', async () => {
    const w = heldWriter();
    const gc = new GroupCommitter(postgres, w.writeBatch);
    const first = range(0, 10).map((i) => gc.submit(i));
    await tick();
    const waiting = range(10, 2).map((i) => gc.submit(i));
    await tick();
    expect(w.calls).toHaveLength(1);
    w.calls[0]!.settle();
    await Promise.all(first);
    await ticks();
    expect(w.calls.map((c) => c.items)).toEqual([range(0, 10), [10, 11]]);
    w.calls[1]!.settle();
    expect(await Promise.all(waiting)).toEqual(['ok 10', 'ok 11']);
  });

  it('on PGlite writes one batch at a time', async () => {
    const w = heldWriter();
    const gc = new GroupCommitter(pglite, w.writeBatch);
    const a = gc.submit(1);
    await tick();
    const rest = range(2, 5).map((i) => gc.submit(i));
    await tick();
    expect(w.calls).toHaveLength(1);
    w.calls[0]!.settle();
    await a;
    await ticks();
    expect(w.calls.map((c) => c.items)).toEqual([[1], [2, 3, 4, 5, 6]]);
    w.calls[1]!.settle();
    await Promise.all(rest);
  });

  it('retries the items of a failed batch one by one, so one bad item cannot sink the others', async () => {
    const seen: number[][] = [];
    const gc = new GroupCommitter<number, string>(postgres, async (_, items) => {
      seen.push(items);
      if (items.includes(2)) throw new Error('unique violation');
      return items.map((i) => `ok ${i}`);
    });
    const answers = [1, 2, 3].map((i) => gc.submit(i).then((r) => r, (e: Error) => e.message));
    expect(await Promise.all(answers)).toEqual(['ok 1', 'unique violation', 'ok 3']);
    expect(seen).toEqual([[1, 2, 3], [1], [2], [3]]);
  });
});
