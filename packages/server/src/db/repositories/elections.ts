import { asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { electionStages, elections } from '../schema.js';

export type ElectionRow = typeof elections.$inferSelect;
export type StageRow = typeof electionStages.$inferSelect;

export async function findAllElections(ex: Executor): Promise<{ election: ElectionRow; stages: StageRow[] }[]> {
  const rows = await ex.select().from(elections).orderBy(asc(elections.createdAt));
  const stages = await ex.select().from(electionStages).orderBy(asc(electionStages.sortOrder));
  return rows.map((election) => ({ election, stages: stages.filter((s) => s.electionId === election.id) }));
}

export async function insertElection(ex: Executor, election: typeof elections.$inferInsert, stages: (typeof electionStages.$inferInsert)[]): Promise<void> {
  await ex.insert(elections).values(election);
  if (stages.length) await ex.insert(electionStages).values(stages);
}

/** Replace fields and, when given, the whole calendar; null when the version is stale. */
export async function updateElectionVersioned(
  ex: Executor,
  id: string,
  version: number,
  patch: Partial<typeof elections.$inferInsert>,
  stages: (typeof electionStages.$inferInsert)[] | null,
): Promise<ElectionRow | null> {
  const [row] = await ex
    .update(elections)
    .set({ ...patch, updatedAt: new Date(), version: sql`${elections.version} + 1` })
    .where(sql`${elections.id} = ${id} AND ${elections.version} = ${version}`)
    .returning();
  if (!row) return null;
  if (stages) {
    await ex.delete(electionStages).where(eq(electionStages.electionId, id));
    if (stages.length) await ex.insert(electionStages).values(stages);
  }
  return row;
}
