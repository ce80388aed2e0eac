import { describe, expect, it } from 'vitest';
import { ZIncidentAddReports, ZIncidentCreate, ZIncidentSplit, commonRegionOf } from './incidents.js';

const id1 = '0f8fad5b-d9cb-469f-a165-70867728950e';
const id2 = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('commonRegionOf', () => {
  it('finds the deepest region containing all codes', () => {
    expect(commonRegionOf(['33.10.04.2001', '33.10.04.2002'])).toBe('33.10.04');
    expect(commonRegionOf(['33.10.04.2001', '33.10.05.2001'])).toBe('33.10');
    expect(commonRegionOf(['33.10.04.2001'])).toBe('33.10.04.2001');
    expect(commonRegionOf(['33.10.04.2001', '33.10'])).toBe('33.10');
    expect(commonRegionOf(['33.10.04.2001', '34.01.01.2001'])).toBe('*');
    expect(commonRegionOf([])).toBe('*');
  });
});

describe('incident bodies', () => {
  it('group at least one report and require a version to change', () => {
    expect(ZIncidentCreate.safeParse({ title: 'Amplop Krakitan', reportIds: [id1, id2] }).success).toBe(true);
    expect(ZIncidentCreate.safeParse({ title: 'Amplop Krakitan', reportIds: [] }).success).toBe(false);
    expect(ZIncidentAddReports.safeParse({ reportIds: [id1] }).success).toBe(false);
    expect(ZIncidentSplit.safeParse({ version: 2, reportIds: [id2], title: 'Kejadian kedua' }).success).toBe(true);
    expect(ZIncidentSplit.safeParse({ version: 2, reportIds: ['x'], title: 'Kejadian kedua' }).success).toBe(false);
  });
});
