import type { TRegionDetail } from '@sinergi/domain';
import { NATIONAL_SCOPE } from '../../lib/domain';
import { useEffect, useState } from 'react';
import { api } from '../../api';

const cache = new Map<string, Promise<TRegionDetail>>();

/** One region's detail, fetched once per page load (names and paths do not change). */
export function fetchRegion(code: string): Promise<TRegionDetail> {
  let hit = cache.get(code);
  if (!hit) {
    hit = api.region(code);
    cache.set(code, hit);
    hit.catch(() => cache.delete(code));
  }
  return hit;
}

/** Details of a list of region codes (scopes); `*` and failures are left out of the map. */
export function useRegionDetails(codes: readonly string[]): Map<string, TRegionDetail> {
  const key = codes.join(',');
  const [map, setMap] = useState<Map<string, TRegionDetail>>(new Map());
  useEffect(() => {
    let live = true;
    const wanted = key ? key.split(',').filter((c) => c !== NATIONAL_SCOPE) : [];
    void Promise.allSettled(wanted.map((c) => fetchRegion(c))).then((results) => {
      if (!live) return;
      const next = new Map<string, TRegionDetail>();
      results.forEach((r) => {
        if (r.status === 'fulfilled') next.set(r.value.code, r.value);
      });
      setMap(next);
    });
    return () => {
      live = false;
    };
  }, [key]);
  return map;
}
