/* Versioned configuration (SLA times, the report taxonomy): which version is in force when. No imports, so any module can use it. */

/**
 * The version in force at `atMs` among versions of one configuration: the latest effective one,
 * the higher version winning a tie; `fallback` (the built-in version 1) when none is effective yet.
 */
export function selectVersionInForce<V extends { version: number; effectiveFrom: string }>(versions: readonly V[], atMs: number, fallback: V): V {
  let chosen = fallback;
  let chosenMs = -Infinity;
  for (const v of versions) {
    const ms = Date.parse(v.effectiveFrom);
    if (ms > atMs) continue;
    if (ms > chosenMs || (ms === chosenMs && v.version > chosen.version)) {
      chosen = v;
      chosenMs = ms;
    }
  }
  return chosen;
}
