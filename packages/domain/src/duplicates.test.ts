import { describe, expect, it } from 'vitest';
import { DEFAULT_DUPLICATE_CONFIG, duplicateSearchWindow, findPossibleDuplicates, haversineKm, isPossibleDuplicate, type TDuplicateSubject } from './duplicates.js';

const base: TDuplicateSubject = { id: 'a', category: 'politik_uang', regionCode: '33.10.04.2001', occurredAt: '2024-11-20T19:00:00+07:00', lat: -7.75, lon: 110.65 };
/** A point `km` north of base (one degree of latitude is 111.195 km on the mean sphere). */
const north = (km: number) => ({ lat: -7.75 + km / 111.195, lon: 110.65 });

describe('haversineKm', () => {
  it('measures one degree of latitude as 111.195 km and is symmetric', () => {
    expect(haversineKm({ lat: 0, lon: 100 }, { lat: 1, lon: 100 })).toBeCloseTo(111.195, 2);
    const jakarta = { lat: -6.1754, lon: 106.8272 };
    const bandung = { lat: -6.9175, lon: 107.6191 };
    expect(haversineKm(jakarta, bandung)).toBeCloseTo(haversineKm(bandung, jakarta), 9);
    expect(haversineKm(jakarta, bandung)).toBeGreaterThan(115);
    expect(haversineKm(jakarta, bandung)).toBeLessThan(125);
    expect(haversineKm(jakarta, jakarta)).toBe(0);
  });
});

describe('isPossibleDuplicate', () => {
  it('flags the same category in the same village within 48 hours', () => {
    const b = { ...base, id: 'b', lat: null, lon: null, occurredAt: '2024-11-22T19:00:00+07:00' };
    expect(isPossibleDuplicate(base, b)).toBe(true);
    expect(isPossibleDuplicate(base, { ...b, occurredAt: '2024-11-22T19:00:01+07:00' })).toBe(false);
    expect(isPossibleDuplicate(base, { ...b, occurredAt: '2024-11-18T19:00:00+07:00' })).toBe(true);
  });

  it('never flags a report against itself or another category', () => {
    expect(isPossibleDuplicate(base, { ...base })).toBe(false);
    expect(isPossibleDuplicate(base, { ...base, id: 'b', category: 'hoaks' })).toBe(false);
  });

  it('flags neighbouring villages only within the distance, and only when both are located', () => {
    const near = { ...base, id: 'b', regionCode: '33.10.04.2002', ...north(1.5) };
    const far = { ...base, id: 'c', regionCode: '33.10.04.2003', ...north(2.5) };
    expect(isPossibleDuplicate(base, near)).toBe(true);
    expect(isPossibleDuplicate(base, far)).toBe(false);
    expect(isPossibleDuplicate(base, far, { ...DEFAULT_DUPLICATE_CONFIG, distanceKm: 3 })).toBe(true);
    expect(isPossibleDuplicate(base, { ...near, lat: null, lon: null })).toBe(false);
  });

  it('finds the duplicates among candidates', () => {
    const candidates = [
      { ...base, id: 'same-village' },
      { ...base, id: 'other-category', category: 'hoaks' },
      { ...base, id: 'too-late', occurredAt: '2024-11-25T19:00:00+07:00' },
      { ...base, id: 'close', regionCode: '33.10.05.2001', ...north(0.5) },
    ];
    expect(findPossibleDuplicates({ ...base, id: 'new' }, candidates)).toEqual(['same-village', 'close']);
  });
});

describe('duplicateSearchWindow', () => {
  it('spans the time window and a box containing the distance circle', () => {
    const w = duplicateSearchWindow(base);
    expect(w.from).toEqual(new Date('2024-11-18T19:00:00+07:00'));
    expect(w.to).toEqual(new Date('2024-11-22T19:00:00+07:00'));
    const box = w.box!;
    for (let bearing = 0; bearing < 360; bearing += 15) {
      const r = (bearing * Math.PI) / 180;
      // a point 1.99 km away in this direction (small-distance approximation)
      const p = { lat: base.lat! + (1.99 / 111.195) * Math.cos(r), lon: base.lon! + ((1.99 / 111.195) * Math.sin(r)) / Math.cos((base.lat! * Math.PI) / 180) };
      expect(haversineKm({ lat: base.lat!, lon: base.lon! }, p)).toBeLessThan(2);
      expect(p.lat >= box.latMin && p.lat <= box.latMax && p.lon >= box.lonMin && p.lon <= box.lonMax).toBe(true);
    }
    expect(box.latMax - box.latMin).toBeLessThan(0.05);
    expect(duplicateSearchWindow({ ...base, lat: null, lon: null }).box).toBeNull();
  });
});
