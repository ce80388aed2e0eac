import { type TAlert } from './alerts.js';
import { timeZoneOf, type TTimeZoneName } from './regions.js';
import { type TVulnerabilityLevel } from './vulnerability.js';

/*
 * Common Alerting Protocol 1.2 (OASIS) messages and an Atom feed of them, as pure string
 * builders. Validated in tests against shared/cap/cap-1.2.xsd with xmllint.
 */

/** CAP 1.2 namespace. */
export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
/** Value name of the region geocode: Kemendagri region codes (`33.10.04`). */
export const CAP_GEOCODE_VALUE_NAME = 'KEMENDAGRI';
/** MIME type of a CAP message. */
export const CAP_MIME_TYPE = 'application/cap+xml';

/** CAP 1.2 urgency values. */
export type TCapUrgency = 'Immediate' | 'Expected' | 'Future' | 'Past' | 'Unknown';
/** CAP 1.2 severity values. */
export type TCapSeverity = 'Extreme' | 'Severe' | 'Moderate' | 'Minor' | 'Unknown';
/** CAP 1.2 certainty values. */
export type TCapCertainty = 'Observed' | 'Likely' | 'Possible' | 'Unlikely' | 'Unknown';

/** The CAP urgency, severity and certainty of an alert. */
export interface TCapGrading {
  urgency: TCapUrgency;
  severity: TCapSeverity;
  certainty: TCapCertainty;
}

function gradeByLevel(level: TVulnerabilityLevel | undefined): TCapSeverity {
  switch (level) {
    case 'tinggi':
      return 'Severe';
    case 'sedang':
      return 'Moderate';
    case 'rendah':
      return 'Minor';
    case undefined:
      return 'Moderate';
  }
}

/**
 * Map a Sinergi alert to CAP urgency / severity / certainty.
 *
 * | alert | condition | urgency | severity | certainty |
 * |---|---|---|---|---|
 * | severity4 | officer or desk-verified | Immediate | Extreme | Observed |
 * | severity4 | provisional (unverified outside report) | Immediate | Extreme | Possible |
 * | level_rise | to tinggi | Expected | Severe | Likely |
 * | level_rise | to sedang | Expected | Moderate | Likely |
 * | level_rise | to rendah (not raised in practice) | Future | Minor | Possible |
 * | spike | region level tinggi | Immediate | Severe | Likely |
 * | spike | otherwise | Expected | by level: sedang Moderate, rendah Minor, unknown Moderate | Likely |
 * | stage_summary | — | Future | Minor | Possible |
 */
export function capGradingOf(alert: Pick<TAlert, 'kind' | 'level' | 'isProvisional'>): TCapGrading {
  switch (alert.kind) {
    case 'severity4':
      return { urgency: 'Immediate', severity: 'Extreme', certainty: alert.isProvisional ? 'Possible' : 'Observed' };
    case 'level_rise':
      return alert.level === 'rendah'
        ? { urgency: 'Future', severity: 'Minor', certainty: 'Possible' }
        : { urgency: 'Expected', severity: gradeByLevel(alert.level), certainty: 'Likely' };
    case 'spike':
      return alert.level === 'tinggi'
        ? { urgency: 'Immediate', severity: 'Severe', certainty: 'Likely' }
        : { urgency: 'Expected', severity: gradeByLevel(alert.level), certainty: 'Likely' };
    case 'stage_summary':
      return { urgency: 'Future', severity: 'Minor', certainty: 'Possible' };
  }
}

// ---------------------------------------------------------------------------------------------
// XML helpers
// ---------------------------------------------------------------------------------------------

// Characters XML 1.0 does not allow at all (C0 controls except tab/LF/CR, lone surrogates, FFFE/FFFF).
const INVALID_XML_CHARS = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escape text for XML content or a quoted attribute, dropping characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML_CHARS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function el(name: string, text: string, indent: string): string {
  return `${indent}<${name}>${escapeXml(text)}</${name}>`;
}

const OFFSET_HOURS: Record<TTimeZoneName, number> = { 'Asia/Jakarta': 7, 'Asia/Makassar': 8, 'Asia/Jayapura': 9 };

/**
 * A CAP dateTime (`2024-11-27T10:00:00+07:00`): seconds, no fraction, the explicit offset of the
 * region's zone (WIB/WITA/WIT; Indonesia has no daylight saving time). CAP forbids `Z`.
 */
export function formatCapDateTime(ms: number, regionCode: string): string {
  const hours = OFFSET_HOURS[timeZoneOf(regionCode)];
  const local = new Date(Math.floor(ms / 1000) * 1000 + hours * 3_600_000);
  const iso = local.toISOString().slice(0, 19);
  return `${iso}+${String(hours).padStart(2, '0')}:00`;
}

/** RFC 3339 in UTC without fractions, as Atom wants it. */
function formatAtomDate(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** CAP identifiers and incident lists may not hold spaces, commas or XML-reserved characters. */
function capToken(text: string): string {
  return text.replace(/[\s,<>&"']+/g, '_');
}

function isAbsoluteHttpUrl(text: string | undefined): text is string {
  if (!text) return false;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

// ---------------------------------------------------------------------------------------------
// CAP message
// ---------------------------------------------------------------------------------------------

const EVENT_TEXT: Record<TAlert['kind'], { id: string; en: string }> = {
  level_rise: { id: 'Kenaikan tingkat kerawanan pemilu', en: 'Election vulnerability level rise' },
  spike: { id: 'Lonjakan laporan kerawanan pemilu', en: 'Spike in election incident reports' },
  severity4: { id: 'Laporan kritis kerawanan pemilu', en: 'Critical election incident report' },
  stage_summary: { id: 'Perubahan tingkat kerawanan karena tahapan', en: 'Vulnerability changes at a stage boundary' },
};

const LEVEL_TEXT: Record<TVulnerabilityLevel, { id: string; en: string }> = {
  rendah: { id: 'rendah', en: 'low' },
  sedang: { id: 'sedang', en: 'medium' },
  tinggi: { id: 'tinggi', en: 'high' },
};

/** Options of `toCapXml`. */
export interface TCapOptions {
  /** The sender id, unique to this installation, e.g. `sinergi@kesbangpol.jatengprov.go.id`. */
  sender: string;
  senderName?: string;
  /** Demo or training data: status Exercise instead of Actual, with a note. */
  isDemo: boolean;
  /** The instant the message is sent (epoch ms). */
  nowMs: number;
  /** Page of the alert in Sinergi (absolute http(s) URL; ignored otherwise). */
  web?: string;
  /** Who may see it (scope Restricted). */
  restriction?: string;
  contact?: string;
  /** Hours after `nowMs` when the message expires; 24 unless given. */
  expiresHours?: number;
}

/** Default restriction text of Sinergi CAP messages. */
export const DEFAULT_CAP_RESTRICTION =
  'Terbatas untuk Forkopimda, penyelenggara pemilu dan instansi mitra; bukan untuk publikasi. / Restricted to Forkopimda, election bodies and partner agencies; not for publication.';

function capInfo(alert: TAlert, lang: 'id' | 'en', options: TCapOptions, expires: string, indent: string): string {
  const g = capGradingOf(alert);
  const i2 = `${indent}  `;
  const i3 = `${i2}  `;
  const event = EVENT_TEXT[alert.kind][lang];
  const where = alert.regionName;
  const headline = truncate(`${event}: ${where}${alert.level ? ` (${LEVEL_TEXT[alert.level][lang]})` : ''}`, 160);
  const description = `${alert.cause[lang]}${options.isDemo ? (lang === 'id' ? ' [DATA DEMO/LATIHAN]' : ' [DEMO/EXERCISE DATA]') : ''}`;
  const parameters: [string, string][] = [];
  if (alert.level) parameters.push(['SINERGI_LEVEL', alert.level]);
  if (alert.score !== undefined) parameters.push(['SINERGI_SCORE', alert.score.toFixed(2)]);
  if (alert.severity !== undefined) parameters.push(['SINERGI_SEVERITY', String(alert.severity)]);
  if (alert.category) parameters.push(['SINERGI_CATEGORY', alert.category]);
  if (alert.stage) parameters.push(['SINERGI_STAGE', alert.stage]);
  if (alert.spike) parameters.push(['SINERGI_SPIKE', `${alert.spike.count}/${alert.spike.expected.toFixed(2)}/p=${alert.spike.pValue.toExponential(2)}`]);
  const lines = [
    `${indent}<info>`,
    el('language', lang === 'id' ? 'id-ID' : 'en-US', i2),
    el('category', 'Security', i2),
    el('event', event, i2),
    el('urgency', g.urgency, i2),
    el('severity', g.severity, i2),
    el('certainty', g.certainty, i2),
    el('audience', lang === 'id' ? 'Desk Sinergi, Forkopimda, penyelenggara pemilu' : 'Sinergi desks, Forkopimda, election bodies', i2),
    `${i2}<eventCode>`,
    el('valueName', 'SINERGI', i3),
    el('value', alert.kind, i3),
    `${i2}</eventCode>`,
    el('expires', expires, i2),
    ...(options.senderName ? [el('senderName', options.senderName, i2)] : []),
    el('headline', headline, i2),
    el('description', description, i2),
    ...(isAbsoluteHttpUrl(options.web) ? [el('web', options.web, i2)] : []),
    ...(options.contact ? [el('contact', options.contact, i2)] : []),
    ...parameters.flatMap(([name, value]) => [`${i2}<parameter>`, el('valueName', name, i3), el('value', value, i3), `${i2}</parameter>`]),
    `${i2}<area>`,
    el('areaDesc', where, i3),
    `${i3}<geocode>`,
    el('valueName', CAP_GEOCODE_VALUE_NAME, `${i3}  `),
    el('value', alert.regionCode, `${i3}  `),
    `${i3}</geocode>`,
    `${i2}</area>`,
    `${indent}</info>`,
  ];
  return lines.join('\n');
}

/** The CAP identifier of an alert from a sender. */
export function capIdentifierOf(alert: Pick<TAlert, 'id'>, sender: string): string {
  return capToken(`${sender}.${alert.id}`);
}

/**
 * A CAP 1.2 message for an alert: status Actual (Exercise for demo data), msgType Alert, scope
 * Restricted, one info block in Indonesian (id-ID) and one in English (en-US), category
 * Security, the area as the region name with its Kemendagri code as geocode. All text is
 * XML-escaped; times carry the region's offset.
 */
export function toCapXml(alert: TAlert, options: TCapOptions): string {
  const sent = formatCapDateTime(options.nowMs, alert.regionCode);
  const expires = formatCapDateTime(options.nowMs + (options.expiresHours ?? 24) * 3_600_000, alert.regionCode);
  const incidents = alert.reportIds.map(capToken).filter(Boolean).join(' ');
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<alert xmlns="${CAP_NAMESPACE}">`,
    el('identifier', capIdentifierOf(alert, options.sender), '  '),
    el('sender', capToken(options.sender), '  '),
    el('sent', sent, '  '),
    el('status', options.isDemo ? 'Exercise' : 'Actual', '  '),
    el('msgType', 'Alert', '  '),
    el('source', 'Sinergi', '  '),
    el('scope', 'Restricted', '  '),
    el('restriction', options.restriction ?? DEFAULT_CAP_RESTRICTION, '  '),
    ...(options.isDemo ? [el('note', 'Data demo/latihan, bukan kejadian nyata. / Demo or exercise data, not a real event.', '  ')] : []),
    ...(incidents ? [el('incidents', incidents, '  ')] : []),
    capInfo(alert, 'id', options, expires, '  '),
    capInfo(alert, 'en', options, expires, '  '),
    '</alert>',
    '',
  ];
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Atom feed of CAP messages
// ---------------------------------------------------------------------------------------------

/** Options of `toCapAtomFeed`. */
export interface TCapAtomOptions {
  /** A permanent IRI of the feed, e.g. its URL. */
  feedId: string;
  title: string;
  /** The feed's own URL (rel="self"). */
  selfUrl: string;
  /** URL of an alert's CAP message (rel="alternate", application/cap+xml). */
  capUrlOf: (alert: TAlert) => string;
  /** URL of an alert's page in Sinergi (rel="related", text/html), optional. */
  pageUrlOf?: (alert: TAlert) => string;
  authorName: string;
  /** Used for the feed's `updated` when there are no entries. */
  nowMs: number;
  isDemo?: boolean;
}

/**
 * An Atom (RFC 4287) feed of alerts, newest first; each entry links to the alert's CAP message.
 * The feed's `updated` is the newest entry's, or `nowMs` when empty.
 */
export function toCapAtomFeed(alerts: readonly TAlert[], options: TCapAtomOptions): string {
  const sorted = [...alerts].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || a.id.localeCompare(b.id));
  const newest = sorted[0];
  const updated = formatAtomDate(newest ? Date.parse(newest.updatedAt) : options.nowMs);
  const entries = sorted.map((alert) => {
    const capUrl = options.capUrlOf(alert);
    const title = truncate(`${EVENT_TEXT[alert.kind].id}: ${alert.regionName}${alert.level ? ` (${alert.level})` : ''}`, 160);
    return [
      '  <entry>',
      el('id', capUrl, '    '),
      el('title', title, '    '),
      el('updated', formatAtomDate(Date.parse(alert.updatedAt)), '    '),
      el('published', formatAtomDate(Date.parse(alert.createdAt)), '    '),
      `    <link rel="alternate" type="${CAP_MIME_TYPE}" href="${escapeXml(capUrl)}"/>`,
      ...(options.pageUrlOf ? [`    <link rel="related" type="text/html" href="${escapeXml(options.pageUrlOf(alert))}"/>`] : []),
      `    <category term="${escapeXml(alert.kind)}" scheme="urn:sinergi:alert-kind"/>`,
      el('summary', `${alert.cause.id}${options.isDemo ? ' [DATA DEMO/LATIHAN]' : ''}`, '    '),
      '  </entry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="id">',
    el('id', options.feedId, '  '),
    el('title', options.title, '  '),
    el('updated', updated, '  '),
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(options.selfUrl)}"/>`,
    '  <author>',
    el('name', options.authorName, '    '),
    '  </author>',
    el('generator', 'Sinergi', '  '),
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
