import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AttachmentMissingError, checkKey, type AttachmentStore } from './attachment-store.js';

/**
 * Attachments as files under one directory (`${dataDir}/attachments` by default): the
 * simplest thing for a single server; backups copy the directory with the database.
 * Writes go to a temporary name and are renamed, so a crash never leaves half a file.
 */
export function createDiskAttachmentStore(dir: string): AttachmentStore {
  const root = path.resolve(dir);
  const fileOf = (key: string) => path.join(root, ...checkKey(key).split('/'));
  return {
    kind: 'disk',
    async put(key, bytes) {
      const file = fileOf(key);
      await fsp.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await fsp.writeFile(tmp, bytes, { flag: 'wx' });
        await fsp.rename(tmp, file);
      } catch (error) {
        await fsp.rm(tmp, { force: true });
        throw error;
      }
    },
    async get(key) {
      const file = fileOf(key);
      // open first so a missing file is an error here, not an 'error' event mid-response
      const handle = await fsp.open(file, 'r').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') throw new AttachmentMissingError(key);
        throw error;
      });
      return handle.createReadStream() as Readable;
    },
    async delete(key) {
      await fsp.rm(fileOf(key), { force: true });
    },
  };
}
