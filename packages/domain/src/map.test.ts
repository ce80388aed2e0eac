import { describe, expect, it } from 'vitest';
import { normaliseBoundaryCode, validateBoundaryImport } from './map.js';

const square = (x: number, y: number) => ({ type: 'Polygon', coordinates: [[[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]] });
const known = new Set(['33.10', '33.10.04', '33.10.05']);
const isKnownRegion = (c: string) => known.has(c);

describe('boundary import validation', () => {
  it('accepts features with a known code in any of the usual properties, dotted or not', () => {
    const { valid, errors } = validateBoundaryImport(
      {
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { kode: '33.10.04' }, geometry: square(110.6, -7.8) },
          { type: 'Feature', properties: { KDEPUM: '331005' }, geometry: { type: 'MultiPolygon', coordinates: [square(110.7, -7.8).coordinates] } },
        ],
      },
      { isKnownRegion },
    );
    expect(errors).toEqual([]);
    expect(valid.map((v) => [v.row, v.regionCode])).toEqual([
      [1, '33.10.04'],
      [2, '33.10.05'],
    ]);
  });

  it('reports every bad feature with its row: missing, malformed, unknown or repeated code, bad or foreign geometry', () => {
    const { valid, errors } = validateBoundaryImport(
      {
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { nama: 'Bayat' }, geometry: square(110.6, -7.8) },
          { type: 'Feature', properties: { kode: '33.1' }, geometry: square(110.6, -7.8) },
          { type: 'Feature', properties: { kode: '99.99' }, geometry: square(110.6, -7.8) },
          { type: 'Feature', properties: { kode: '33.10.04' }, geometry: square(110.6, -7.8) },
          { type: 'Feature', properties: { kode: '33.10.04' }, geometry: square(110.6, -7.8) },
          { type: 'Feature', properties: { kode: '33.10.05' }, geometry: { type: 'Point', coordinates: [110, -7] } },
          { type: 'Feature', properties: { kode: '33.10' }, geometry: square(2.3, 48.8) },
        ],
      },
      { isKnownRegion },
    );
    expect(valid.map((v) => v.row)).toEqual([4]);
    expect(errors).toEqual([
      { row: 1, path: 'properties.kode', message: 'boundary.code_missing' },
      { row: 2, path: 'properties.kode', message: 'boundary.code_invalid' },
      { row: 3, path: 'properties.kode', message: 'boundary.code_unknown' },
      { row: 5, path: 'properties.kode', message: 'boundary.code_duplicate:4' },
      { row: 6, path: 'geometry', message: 'boundary.geometry' },
      { row: 7, path: 'geometry', message: 'boundary.outside' },
    ]);
  });

  it('refuses what is not a FeatureCollection, or an empty one', () => {
    expect(validateBoundaryImport({ type: 'Feature' }, { isKnownRegion }).errors).toEqual([{ row: 0, path: 'file', message: 'geojson.invalid' }]);
    expect(validateBoundaryImport([], { isKnownRegion }).errors[0]!.message).toBe('geojson.invalid');
    expect(validateBoundaryImport({ type: 'FeatureCollection', features: [] }, { isKnownRegion }).errors[0]!.message).toBe('geojson.empty');
  });

  it('normalises BPS-style codes without dots', () => {
    expect(normaliseBoundaryCode('33')).toBe('33');
    expect(normaliseBoundaryCode('3310')).toBe('33.10');
    expect(normaliseBoundaryCode('331004')).toBe('33.10.04');
    expect(normaliseBoundaryCode('3310042001')).toBe('33.10.04.2001');
    expect(normaliseBoundaryCode('33100')).toBe(null);
    expect(normaliseBoundaryCode('33.10.04')).toBe('33.10.04');
  });
});
