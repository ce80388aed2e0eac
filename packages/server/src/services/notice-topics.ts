import type { TLang } from '@sinergi/domain';
import type { DbHandle } from '../db/client.js';
import type { RegionStore } from '../regions/region-store.js';

/**
 * The one place a notice topic plugs into delivery. A service writes an outbox row with a
 * topic, a region and `recipients`; the dispatcher looks the topic up here to know whether it
 * goes out by e-mail and how to word it. In-app notifications go to every user recipient;
 * webhooks to every active subscription naming the topic whose region scope holds the row's
 * region. A topic not registered here is still delivered in-app and by webhook with a generic
 * text, but subscriptions can only name registered topics.
 */
export interface NoticeTopic {
  topic: string;
  /** Shown to administrators choosing webhook topics. */
  label: { id: string; en: string };
  /** Whether this notice is e-mailed to its recipients (when SMTP is configured). */
  email(payload: Record<string, unknown>): boolean;
  /** Whether it goes to webhook subscriptions of the topic (default: yes). */
  webhook?(payload: Record<string, unknown>): boolean;
  /** One line for the bell and the e-mail subject, in the reader's language. */
  describe(payload: Record<string, unknown>, context: { regionName: string | null; lang: TLang }): string;
  /** Path in the web app the notice opens, if any. */
  link?(payload: Record<string, unknown>): string | null;
}

const registry = new Map<string, NoticeTopic>();

/** What a webhook attachment may read: the database, the regions and the public address. */
export interface WebhookAttachmentContext {
  handle: DbHandle;
  regions: RegionStore;
  /** SINERGI_PUBLIC_URL without a trailing slash, or null. */
  publicUrl: string | null;
}

/**
 * Extra fields a topic adds to its webhook body, computed when the webhook is sent (e.g. the
 * CAP 1.2 message of an alert, so another warning system takes it by push as well as by the
 * Atom feed). Registered by the service that owns the topic; null adds nothing.
 */
export type WebhookAttachment = (payload: Record<string, unknown>, context: WebhookAttachmentContext) => Promise<Record<string, unknown> | null>;

const attachments = new Map<string, WebhookAttachment>();

/** Register the webhook attachment of a topic (call at module load of the owning service). */
export function registerWebhookAttachment(topic: string, attach: WebhookAttachment): void {
  attachments.set(topic, attach);
}

export function webhookAttachmentOf(topic: string): WebhookAttachment | null {
  return attachments.get(topic) ?? null;
}

/** Register (or replace) a topic. Call at module load of the service that writes it. */
export function registerNoticeTopic(definition: NoticeTopic): void {
  registry.set(definition.topic, definition);
}

export function noticeTopic(topic: string): NoticeTopic | null {
  return registry.get(topic) ?? null;
}

/** Every registered topic, sorted (webhook subscriptions may name only these). */
export function noticeTopics(): NoticeTopic[] {
  return [...registry.values()].sort((a, b) => a.topic.localeCompare(b.topic));
}

/** The wording of a topic that is not registered: the topic name and region. */
export function describeNotice(topic: string, payload: Record<string, unknown>, context: { regionName: string | null; lang: TLang }): string {
  const definition = noticeTopic(topic);
  if (definition) return definition.describe(payload, context);
  return context.regionName ? `${topic} — ${context.regionName}` : topic;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const where = (regionName: string | null, lang: TLang) => (regionName ? (lang === 'id' ? ` di ${regionName}` : ` in ${regionName}`) : '');
const titled = (payload: Record<string, unknown>) => (text(payload.title) ? `: ${text(payload.title)}` : '');
const severity = (payload: Record<string, unknown>) => (typeof payload.severity === 'number' ? payload.severity : 0);
const reportLink = (payload: Record<string, unknown>) => (text(payload.reportId) ? `/laporan/${text(payload.reportId)}` : null);

// ── Reports (services/reports.service.ts) ──
registerNoticeTopic({
  topic: 'report.created',
  label: { id: 'Laporan baru', en: 'New report' },
  // high-severity reports (3–4) by e-mail, but never an unverified public (anonymous) report alone
  email: (p) => severity(p) >= 3 && p.source !== 'public' && p.status !== 'draft',
  describe: (p, { regionName, lang }) =>
    lang === 'id' ? `Laporan baru (keparahan ${severity(p)})${where(regionName, lang)}${titled(p)}` : `New report (severity ${severity(p)})${where(regionName, lang)}${titled(p)}`,
  link: reportLink,
});
registerNoticeTopic({
  topic: 'report.assigned',
  label: { id: 'Laporan ditugaskan', en: 'Report assigned' },
  email: () => true,
  describe: (p, { regionName, lang }) => (lang === 'id' ? `Laporan ditugaskan ke meja Anda${where(regionName, lang)}` : `Report assigned to your desk${where(regionName, lang)}`),
  link: reportLink,
});
registerNoticeTopic({
  topic: 'report.escalated',
  label: { id: 'Laporan dieskalasi', en: 'Report escalated' },
  email: () => true,
  describe: (p, { regionName, lang }) =>
    lang === 'id' ? `Laporan dieskalasi${where(regionName, lang)}${text(p.reason) ? ` — ${text(p.reason)}` : ''}` : `Report escalated${where(regionName, lang)}${text(p.reason) ? ` — ${text(p.reason)}` : ''}`,
  link: reportLink,
});
registerNoticeTopic({
  topic: 'report.overdue',
  label: { id: 'Laporan melewati batas waktu', en: 'Report overdue' },
  email: () => true,
  describe: (p, { regionName, lang }) => (lang === 'id' ? `Laporan melewati batas waktu penanganan${where(regionName, lang)}` : `Report past its handling deadline${where(regionName, lang)}`),
  link: reportLink,
});

// ── Early warning (services/alerts.service.ts): the alert says which channels leave the
// system (`payload.channels`: an unverified public report alone never e-mails or pushes).
const alertChannel = (p: Record<string, unknown>, channel: string) => (Array.isArray(p.channels) ? p.channels.includes(channel) : false);
const cause = (p: Record<string, unknown>, lang: TLang) => {
  const c = p.cause as Record<string, unknown> | undefined;
  return c && typeof c[lang] === 'string' ? `: ${c[lang] as string}` : '';
};
registerNoticeTopic({
  topic: 'alert.raised',
  label: { id: 'Peringatan dini', en: 'Early-warning alert' },
  email: (p) => alertChannel(p, 'email'),
  webhook: (p) => alertChannel(p, 'webhook'),
  describe: (p, { regionName, lang }) => (lang === 'id' ? `Peringatan dini${where(regionName, lang)}${cause(p, lang)}` : `Early-warning alert${where(regionName, lang)}${cause(p, lang)}`),
  link: (p) => (text(p.alertId) ? `/peringatan/${encodeURIComponent(text(p.alertId))}` : null), // the web app's alert page
});
registerNoticeTopic({
  topic: 'alert.updated',
  label: { id: 'Peringatan diperbarui', en: 'Alert updated' },
  email: () => false,
  describe: (p, { regionName, lang }) =>
    lang === 'id' ? `Peringatan diperbarui${where(regionName, lang)}${text(p.status) ? ` (${text(p.status)})` : ''}` : `Alert updated${where(regionName, lang)}${text(p.status) ? ` (${text(p.status)})` : ''}`,
  link: (p) => (text(p.alertId) ? `/peringatan/${encodeURIComponent(text(p.alertId))}` : null), // the web app's alert page
});

// ── Situation reports: the sitrep service may replace this with its own wording; recipients
// `email:ADDRESS` carry its distribution list.
registerNoticeTopic({
  topic: 'sitrep.released',
  label: { id: 'Laporan situasi (sitrep) terbit', en: 'Situation report released' },
  email: () => true,
  describe: (p, { regionName, lang }) => (lang === 'id' ? `Laporan situasi terbit${where(regionName, lang)}${titled(p)}` : `Situation report released${where(regionName, lang)}${titled(p)}`),
});
