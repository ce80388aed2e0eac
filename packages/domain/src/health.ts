import { z } from 'zod';

/** GET /api/health */
export const ZHealth = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.enum(['pglite', 'postgres']),
  version: z.string(),
  regions: z.number().int().describe('regions loaded in memory'),
  demo: z.boolean(),
  time: z.string(),
});
export type THealth = z.infer<typeof ZHealth>;
