import type { TLang } from '@sinergi/domain';
import type { AppConfig } from './config.js';
import type { DbHandle } from './db/client.js';
import type { RegionStore } from './regions/region-store.js';
import type { Actor } from './services/context.js';
import type { LiveEvents } from './services/live-events.js';
import type { ElectionStore } from './services/elections.service.js';
import type { ReportWriter } from './services/reports.service.js';
import type { AttachmentStore } from './storage/attachment-store.js';

/** What the app is built from: passed to buildApp, decorated as app.deps. */
export interface AppDeps {
  config: AppConfig;
  handle: DbHandle;
  regions: RegionStore;
  elections: ElectionStore;
  /** Group-commit writer of new reports. */
  reportWriter: ReportWriter;
  /** Where attachment bytes are kept (disk or S3-compatible). */
  attachments: AttachmentStore;
  /** The clock; tests replace it. */
  now: () => Date;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
    /** Live events of this instance (GET /api/stream), fed by LISTEN on the database. */
    live: LiveEvents;
  }
  interface FastifyRequest {
    lang: TLang;
    actor: Actor | null;
    sessionToken: string | null;
    csrfToken: string | null;
  }
  interface FastifyContextConfig {
    /** Route is reachable without signing in. */
    public?: boolean;
  }
}
