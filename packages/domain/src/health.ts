import { z } from 'zod';

/** GET /api/health */
export const ZHealth = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.enum(['pglite', 'postgres']),
  version: z.string(),
  regions: z.number().int().describe('regions loaded in memory'),
  demo: z.boolean(),
  time: z.string(),
  delivery: z.object({
    email: z.boolean().describe('false: no SMTP server configured (SINERGI_SMTP_URL), e-mail notices are not sent'),
    live: z.boolean().describe('this instance is listening for database notifications (SSE fed)'),
  }),
});
export type THealth = z.infer<typeof ZHealth>;
