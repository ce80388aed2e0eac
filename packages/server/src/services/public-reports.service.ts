import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  DEFAULT_POW_CONFIG,
  REPORT_STATUS_LABELS,
  powDifficulty,
  verifyPow,
  type TLang,
  type TPowChallenge,
  type TPowConfig,
  type TPublicReportCreate,
  type TReportReceipt,
  type TReportStatus,
} from '@sinergi/domain';
import { findReportById, findReportByReceipt } from '../db/repositories/reports.js';
import { prunePowRedeemed, redeemPowChallenge, releasePowChallenge } from '../db/repositories/public.js';
import { AppError } from '../errors.js';
import { createPublicReport, type ReportsDeps } from './reports.service.js';
import { deriveKey } from './server-secret.js';

/** How long a challenge may be solved and redeemed after it was issued. */
export const CHALLENGE_TTL_MS = 10 * 60_000;
/** Clock difference between instances tolerated on the issue time. */
const ISSUE_SKEW_MS = 60_000;
const HOUR_MS = 3_600_000;

export interface PublicReportsDeps extends ReportsDeps {
  /** Key the challenges are signed with (derived from the server secret). */
  powKey: Buffer;
  pow: TPowConfig;
  /** Recent accepted submissions per IP address: raises the difficulty for a busy source. */
  recent: RecentCounter;
}

/** The proof-of-work tuning for a configured base difficulty. */
export function powConfigFor(baseBits: number): TPowConfig {
  return { ...DEFAULT_POW_CONFIG, baseBits, maxBits: Math.min(32, baseBits + 8) };
}

/** The challenge-signing key for a server secret. */
export function powKeyOf(secret: string): Buffer {
  return deriveKey(secret, 'pow-challenge');
}

/**
 * Counts events per key over the last hour, in memory (one instance's view: the difficulty is a
 * cost signal, not a security boundary; the rate limits and single use are the hard guards).
 */
export class RecentCounter {
  private readonly seen = new Map<string, number[]>();
  constructor(private readonly windowMs = HOUR_MS, private readonly maxKeys = 50_000) {}

  count(key: string, now: Date): number {
    const times = this.seen.get(key);
    if (!times) return 0;
    const from = now.getTime() - this.windowMs;
    const kept = times.filter((t) => t > from);
    if (kept.length === 0) this.seen.delete(key);
    else this.seen.set(key, kept);
    return kept.length;
  }

  add(key: string, now: Date): void {
    if (this.seen.size >= this.maxKeys && !this.seen.has(key)) {
      // forget the oldest source rather than grow without bound under a flood of addresses
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    const times = this.seen.get(key) ?? [];
    times.push(now.getTime());
    this.seen.set(key, times.slice(-1000));
  }
}

function sign(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/**
 * A self-contained signed challenge: `v1.<issuedAtMs>.<random>.<difficulty>.<hmac>`. Nothing is
 * stored when it is issued; the signature proves it is ours, the issue time bounds its life.
 */
export function issueChallenge(deps: Pick<PublicReportsDeps, 'powKey' | 'pow' | 'recent'>, ip: string | null, now: Date): TPowChallenge {
  const difficulty = powDifficulty(deps.recent.count(ip ?? '-', now), deps.pow);
  const payload = `v1.${now.getTime()}.${randomBytes(12).toString('base64url')}.${difficulty}`;
  return {
    challenge: `${payload}.${sign(deps.powKey, payload)}`,
    difficulty,
    expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
  };
}

function powError(message: 'pow.invalid' | 'pow.expired' | 'pow.reused' | 'pow.too_easy', internal: string): AppError {
  return new AppError('validation', internal, { fields: [{ path: 'pow', message }] });
}

/**
 * Check a solution: our signature, its age (unless `ignoreExpiry`, for an idempotent resend of a
 * report already stored), a difficulty not below the configured base, and the hash itself.
 */
export function checkPowSolution(
  deps: Pick<PublicReportsDeps, 'powKey' | 'pow'>,
  solution: { challenge: string; nonce: string },
  now: Date,
  options: { ignoreExpiry?: boolean } = {},
): void {
  const parts = solution.challenge.split('.');
  if (parts.length !== 5 || parts[0] !== 'v1') throw powError('pow.invalid', 'challenge shape');
  const [version, issued, random, bits, mac] = parts as [string, string, string, string, string];
  const expected = Buffer.from(sign(deps.powKey, `${version}.${issued}.${random}.${bits}`));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw powError('pow.invalid', 'challenge signature');
  const issuedAt = Number(issued);
  const difficulty = Number(bits);
  if (!/^\d{1,15}$/.test(issued) || !/^\d{1,2}$/.test(bits)) throw powError('pow.invalid', 'challenge fields');
  if (issuedAt > now.getTime() + ISSUE_SKEW_MS) throw powError('pow.invalid', 'challenge from the future');
  if (!options.ignoreExpiry && now.getTime() - issuedAt > CHALLENGE_TTL_MS) throw powError('pow.expired', 'challenge expired');
  if (difficulty < deps.pow.baseBits) throw powError('pow.too_easy', `difficulty ${difficulty} < ${deps.pow.baseBits}`);
  const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
  if (!verifyPow(solution, difficulty, sha256)) throw powError('pow.invalid', 'solution does not meet the difficulty');
}

function checkPlace(deps: ReportsDeps, input: { regionCode: string; tpsId?: string | undefined }): void {
  if (!deps.regions.has(input.regionCode)) throw new AppError('validation', `unknown village ${input.regionCode}`, { fields: [{ path: 'regionCode', message: 'region.unknown' }] });
  if (deps.regions.levelOf(input.regionCode) !== 'village') throw new AppError('validation', 'not a village', { fields: [{ path: 'regionCode', message: 'region.not_village' }] });
  if (input.tpsId) throw new AppError('validation', `unknown tps ${input.tpsId}`, { fields: [{ path: 'tpsId', message: 'tps.unknown' }] });
}

let lastPrune = 0;

/**
 * A citizen's report through the public channel. Everything that can be judged without writing is
 * judged first (place, proof of work), so a rejection stores nothing; then the challenge is
 * redeemed once (across instances: the pow_redeemed primary key) and the report is written as
 * confidential with source `public`. A resend of a stored report id answers with its receipt.
 */
export async function submitPublicReport(deps: PublicReportsDeps, input: TPublicReportCreate, meta: { now: Date; ip: string | null }): Promise<TReportReceipt> {
  const { pow, contact, ...report } = input;
  checkPlace(deps, report);
  const stored = await findReportById(deps.handle.db, report.id);
  if (stored) {
    // an offline queue resending: the challenge it carries is ours and solved, but may be spent or old
    checkPowSolution(deps, pow, meta.now, { ignoreExpiry: true });
    return createPublicReport(deps, { ...report, contact }, meta);
  }
  checkPowSolution(deps, pow, meta.now);
  if (meta.now.getTime() - lastPrune > CHALLENGE_TTL_MS) {
    lastPrune = meta.now.getTime();
    await prunePowRedeemed(deps.handle.db, new Date(meta.now.getTime() - CHALLENGE_TTL_MS - ISSUE_SKEW_MS * 2));
  }
  if (!(await redeemPowChallenge(deps.handle.db, pow.challenge, meta.now))) throw powError('pow.reused', 'challenge already redeemed');
  try {
    const receipt = await createPublicReport(deps, { ...report, contact }, meta);
    if (!receipt.duplicate) deps.recent.add(meta.ip ?? '-', meta.now);
    return receipt;
  } catch (error) {
    await releasePowChallenge(deps.handle.db, pow.challenge).catch(() => {});
    throw error;
  }
}

const RECEIPT_SHAPE = /^SNG-[0-9A-Z]{4}-[0-9A-Z]{4}$/;

/** What a citizen may learn with a receipt code: the status and when it last changed, nothing else. */
export interface PublicReportStatus {
  receiptCode: string;
  status: TReportStatus;
  statusLabel: string;
  updatedAt: string;
}

/** Status of a public report by its receipt code (other sources' codes are not answered here). */
export async function findPublicReportStatus(deps: Pick<ReportsDeps, 'handle'>, receiptCode: string, lang: TLang): Promise<PublicReportStatus> {
  const code = receiptCode.trim().toUpperCase();
  if (!RECEIPT_SHAPE.test(code)) throw new AppError('validation', 'receipt shape', { fields: [{ path: 'receipt', message: 'receipt.invalid' }] });
  const row = await findReportByReceipt(deps.handle.db, code);
  if (!row || row.source !== 'public') throw new AppError('not_found', `receipt ${code}`);
  const status = row.status as TReportStatus;
  return { receiptCode: code, status, statusLabel: REPORT_STATUS_LABELS[status][lang], updatedAt: row.statusChangedAt.toISOString() };
}
