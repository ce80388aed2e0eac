import { z } from 'zod';

/**
 * Hashcash-style proof of work for anonymous public reports. The server issues an opaque
 * challenge (it signs it and embeds the issue time, so it can check age and origin without
 * storing it); the browser finds a nonce such that SHA-256(`challenge:nonce`) starts with
 * `difficulty` zero bits. Costly for a flood, cheap for one citizen. The hash function is a
 * parameter so this module imports nothing from Node or the browser.
 */

/** A synchronous SHA-256: bytes in, 32 bytes out (Node's createHash on the server). */
export type TSha256 = (data: Uint8Array<ArrayBuffer>) => Uint8Array;
/** A SHA-256 that may be asynchronous (crypto.subtle.digest in the browser). */
export type TSha256Async = (data: Uint8Array<ArrayBuffer>) => Uint8Array | Promise<Uint8Array>;

/** Tuning of the difficulty: bits for a quiet source, the ceiling, and how many submissions are free. */
export interface TPowConfig {
  baseBits: number;
  maxBits: number;
  /** Recent submissions from one source (e.g. IP address, last hour) before the cost rises. */
  freeSubmissions: number;
}

/** Default tuning: 2^16 hashes (well under a second on a phone) rising to 2^24 under a flood. */
export const DEFAULT_POW_CONFIG: Readonly<TPowConfig> = { baseBits: 16, maxBits: 24, freeSubmissions: 5 };

/**
 * Leading zero bits required of the next solution from a source that sent `recentSubmissions`
 * recently: the base while under the free allowance, then one more bit (double the work) each
 * time the count doubles, capped at maxBits.
 */
export function powDifficulty(recentSubmissions: number, config: TPowConfig = DEFAULT_POW_CONFIG): number {
  if (recentSubmissions < config.freeSubmissions) return config.baseBits;
  const extra = 1 + Math.floor(Math.log2(recentSubmissions / Math.max(1, config.freeSubmissions)));
  return Math.min(config.maxBits, config.baseBits + extra);
}

/** The solution a public report carries. */
export const ZPowSolution = z.strictObject({
  challenge: z.string().min(8).max(512),
  nonce: z.string().regex(/^[0-9A-Za-z]{1,64}$/, { message: 'pow.invalid' }),
});
/** A proof-of-work solution. */
export type TPowSolution = z.infer<typeof ZPowSolution>;

/** GET response with a fresh challenge for the public form. */
export const ZPowChallenge = z.object({
  challenge: z.string(),
  difficulty: z.number().int().min(0).max(64),
  expiresAt: z.string(),
});
/** A proof-of-work challenge. */
export type TPowChallenge = z.infer<typeof ZPowChallenge>;

/** The bytes that are hashed: UTF-8 of `challenge:nonce`. */
export function powPreimage(challenge: string, nonce: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${challenge}:${nonce}`);
}

/** Number of leading zero bits of a byte string. */
export function countLeadingZeroBits(bytes: Uint8Array): number {
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

/** True when the solution's hash has at least `difficulty` leading zero bits. */
export function verifyPow(solution: TPowSolution, difficulty: number, sha256: TSha256): boolean {
  return countLeadingZeroBits(sha256(powPreimage(solution.challenge, solution.nonce))) >= difficulty;
}

/**
 * Search nonces 0, 1, 2 … (base 36) for one that meets the difficulty. Returns the nonce, or
 * null after maxAttempts. Used by the web form (with crypto.subtle) and by tests and the CLI.
 */
export async function solvePow(
  challenge: string,
  difficulty: number,
  sha256: TSha256Async,
  maxAttempts = 2 ** 28,
): Promise<string | null> {
  for (let i = 0; i < maxAttempts; i++) {
    const nonce = i.toString(36);
    if (countLeadingZeroBits(await sha256(powPreimage(challenge, nonce))) >= difficulty) return nonce;
  }
  return null;
}
