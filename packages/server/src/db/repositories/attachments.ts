import { and, eq } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { reportAttachments } from '../schema.js';

export type AttachmentRow = typeof reportAttachments.$inferSelect;

/** One attachment of one report (both ids must match: an id of another report answers null). */
export async function findAttachment(ex: Executor, key: { provinceCode: string; reportId: string; id: string }): Promise<AttachmentRow | null> {
  const [row] = await ex
    .select()
    .from(reportAttachments)
    .where(and(eq(reportAttachments.provinceCode, key.provinceCode), eq(reportAttachments.id, key.id), eq(reportAttachments.reportId, key.reportId)))
    .limit(1);
  return row ?? null;
}
