import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setMeta } from '../src/db/repositories/meta.js';
import { ensureRegions } from '../src/services/bootstrap.service.js';
import { BACKENDS, openTestDb, type TestDb } from './helpers.js';

describe.each(BACKENDS)('first start vs later start on %s', (backend) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(backend);
  });
  afterAll(async () => db?.dispose());

  it('a later start recognises the imported tree and skips the import', async () => {
    expect(await ensureRegions(db.handle)).toEqual({ imported: false, count: 91_599 });
  });

  it('re-imports when the recorded source differs from the installed idn-area-data', async () => {
    await setMeta(db.handle.db, 'regions', { source: 'idn-area-data@3.1.2', count: 91_599 });
    const messages: string[] = [];
    expect(await ensureRegions(db.handle, (m) => messages.push(m))).toMatchObject({ imported: true, count: 91_599 });
    expect(messages.at(-1)).toContain('91.599/91.599');
    expect(await ensureRegions(db.handle)).toEqual({ imported: false, count: 91_599 });
  });
});
