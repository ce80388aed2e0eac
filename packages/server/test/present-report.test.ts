import { describe, expect, it } from 'vitest';
import { isoInstant } from '../src/presenters/reports.js';

describe('isoInstant (the list presenter’s Date#toISOString)', () => {
  it('writes exactly what toISOString writes', () => {
    const fixed = ['1000-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z', '2024-02-29T23:59:59.999Z', '2026-11-23T17:05:09.010Z', '2100-03-01T00:00:00.001Z', '9999-12-31T23:59:59.999Z'];
    for (const text of fixed) expect(isoInstant(new Date(text))).toBe(text);
    // random instants between 1901 and 2096, every millisecond digit pattern
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) {
      const d = new Date(Math.floor((next() - 0.5) * 8e12));
      expect(isoInstant(d)).toBe(d.toISOString());
    }
  });

  it('leaves years outside 1000–9999 to toISOString', () => {
    for (const d of [new Date('0999-12-31T23:59:59.999Z'), new Date(Date.UTC(10000, 0, 1)), new Date(Date.UTC(-5, 0, 1))]) expect(isoInstant(d)).toBe(d.toISOString());
  });
});
