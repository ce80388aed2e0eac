import type { THealth } from '@sinergi/domain';
import { useEffect, useState } from 'react';
import { api } from '../../api';

let cached: Promise<THealth> | null = null;

/** GET /api/health once per page load (it tells whether the server runs the demo data). */
export function useHealth(): THealth | null {
  const [health, setHealth] = useState<THealth | null>(null);
  useEffect(() => {
    let live = true;
    cached ??= api.health().catch((error: unknown) => {
      cached = null;
      throw error;
    });
    cached.then(
      (h) => live && setHealth(h),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return health;
}
