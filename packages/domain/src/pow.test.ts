import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POW_CONFIG, ZPowSolution, countLeadingZeroBits, powDifficulty, powPreimage, solvePow, verifyPow } from './pow.js';

const sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());

describe('countLeadingZeroBits', () => {
  it('counts bits across bytes', () => {
    expect(countLeadingZeroBits(new Uint8Array([0x80]))).toBe(0);
    expect(countLeadingZeroBits(new Uint8Array([0x01]))).toBe(7);
    expect(countLeadingZeroBits(new Uint8Array([0x00, 0x00, 0x10]))).toBe(19);
    expect(countLeadingZeroBits(new Uint8Array([0x00, 0x00]))).toBe(16);
  });
});

describe('powDifficulty', () => {
  it('stays at the base under the allowance and adds a bit per doubling, capped', () => {
    expect(powDifficulty(0)).toBe(16);
    expect(powDifficulty(4)).toBe(16);
    expect(powDifficulty(5)).toBe(17);
    expect(powDifficulty(9)).toBe(17);
    expect(powDifficulty(10)).toBe(18);
    expect(powDifficulty(20)).toBe(19);
    expect(powDifficulty(1_000_000)).toBe(24);
    expect(powDifficulty(3, { ...DEFAULT_POW_CONFIG, baseBits: 8 })).toBe(8);
  });
});

describe('solve and verify', () => {
  const challenge = '1732104000000.c2luZXJnaQ.sig';

  it('finds a nonce that verifies at its difficulty and not above what it happens to reach', async () => {
    const nonce = await solvePow(challenge, 12, sha256);
    expect(nonce).not.toBeNull();
    const solution = ZPowSolution.parse({ challenge, nonce });
    expect(verifyPow(solution, 12, sha256)).toBe(true);
    const reached = countLeadingZeroBits(sha256(powPreimage(challenge, nonce!)));
    expect(reached).toBeGreaterThanOrEqual(12);
    expect(verifyPow(solution, reached + 1, sha256)).toBe(false);
    // The solution is bound to the challenge.
    const other = { challenge: `${challenge}x`, nonce: nonce! };
    expect(verifyPow(other, countLeadingZeroBits(sha256(powPreimage(other.challenge, other.nonce))) + 1, sha256)).toBe(false);
  });

  it('works with an asynchronous hash (crypto.subtle) and gives up after maxAttempts', async () => {
    const subtle = async (data: Uint8Array<ArrayBuffer>) => new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    const nonce = await solvePow(challenge, 8, subtle);
    expect(verifyPow({ challenge, nonce: nonce! }, 8, sha256)).toBe(true);
    expect(await solvePow(challenge, 64, sha256, 50)).toBeNull();
  });

  it('rejects malformed solutions', () => {
    expect(ZPowSolution.safeParse({ challenge: 'short', nonce: '1' }).success).toBe(false);
    expect(ZPowSolution.safeParse({ challenge, nonce: '1 2' }).success).toBe(false);
    expect(ZPowSolution.safeParse({ challenge, nonce: 'a', extra: 1 }).success).toBe(false);
  });
});
