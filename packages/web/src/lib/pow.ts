/*
 * The browser side of the public form's proof of work (domain pow.ts, restated so the bundle
 * does not pull in zod): find a nonce, counting 0, 1, 2 … in base 36, such that
 * SHA-256("challenge:nonce") starts with `difficulty` zero bits. crypto.subtle is asynchronous,
 * so the page stays responsive; 2^16 tries take about a second on a cheap phone.
 */

function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** The nonce that solves the challenge, or null when `signal` aborts or maxAttempts run out. */
export async function solveChallenge(challenge: string, difficulty: number, signal?: AbortSignal, maxAttempts = 2 ** 28): Promise<string | null> {
  const encoder = new TextEncoder();
  for (let i = 0; i < maxAttempts; i++) {
    if (signal?.aborted) return null;
    const nonce = i.toString(36);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(`${challenge}:${nonce}`)));
    if (leadingZeroBits(digest) >= difficulty) return nonce;
  }
  return null;
}

const DEVICE_KEY = 'sinergi.deviceId';

/** A random id kept on this device (x-device-id), so the server can rate-limit per device. */
export function deviceId(): string {
  try {
    const known = localStorage.getItem(DEVICE_KEY);
    if (known && /^[A-Za-z0-9_-]{8,128}$/.test(known)) return known;
    const fresh = crypto.randomUUID().replace(/-/g, '');
    localStorage.setItem(DEVICE_KEY, fresh);
    return fresh;
  } catch {
    return crypto.randomUUID().replace(/-/g, '');
  }
}
